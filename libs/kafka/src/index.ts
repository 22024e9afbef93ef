export * from './create-kafka';
