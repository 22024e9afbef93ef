export * from './email';
export * from './mail-sender';
export * from './mail.module';
export * from './send-failure';
