import { startTracing } from '@ensemble/tracing';

startTracing('crm');
