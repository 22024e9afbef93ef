export * from './domain-error';
export * from './field-problem';
