export * from './service-database.module';
