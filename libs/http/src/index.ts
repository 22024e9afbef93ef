export * from './api-error';
export * from './api-error.filter';
export * from './start-http-service';
export * from './zod-validation.pipe';
export * from './request-header.decorator';
export * from './admin-token.guard';
export * from './well-formed-text.pipe';
