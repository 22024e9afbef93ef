export * from './maildev-command';
export * from './spawn-service';
export * from './wait-until-healthy';
