export * from './service-database.module';
export * from './bigint-as-number';
export * from './quote-identifier';
export * from './prepared-query';
export * from './database-unavailable';
export * from './advisory-lease';
