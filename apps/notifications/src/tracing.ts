import { startTracing } from '@ensemble/tracing';

startTracing('notifications');
