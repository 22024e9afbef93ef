export * from './spawn-service';
export * from './wait-until-healthy';
