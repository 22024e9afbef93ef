export * from './create-kafka';
export * from './headers-as-strings';
