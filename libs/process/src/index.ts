export * from './maildev-command';
export * from './spawn-service';
export * from './wait-until-healthy';
export * from './detached-process';
