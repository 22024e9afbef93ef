import { startTracing } from '@ensemble/tracing';

startTracing('dashboards');
