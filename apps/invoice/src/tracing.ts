import { startTracing } from '@ensemble/tracing';

startTracing('invoice');
