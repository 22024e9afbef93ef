export * from './spawn-service';
