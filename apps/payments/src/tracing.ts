import { startTracing } from '@ensemble/tracing';

startTracing('payments');
