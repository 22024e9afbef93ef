import { startTracing } from '@ensemble/tracing';

startTracing('shipping');
