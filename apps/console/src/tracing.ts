import { startTracing } from '@ensemble/tracing';

startTracing('console');
