export * from './metrics.module';
export * from './http-request-metrics';
export * from './prometheus-text';
