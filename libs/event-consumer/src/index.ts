import { INBOX_MIGRATIONS } from '@ensemble/inbox';
import { CreateRetrySigningKey1764200001000 } from './migrations/1764200001000-create-retry-signing-key';

export * from './event-context';
export * from './event-consumer.module';
export * from './event-applier';
export * from './event-transport';
export * from './consumer-positions';
export * from './retry-headers';
export * from './retry-signer';
export * from './failure-topics';
export * from './failure';
export * from './rebuild-from';
export * from './start-consuming-service';
export * from './dead-letters';
export * from './declared-reactions';

/** What a consuming service's database needs: the inbox, and the key it signs its retries with. */
export const CONSUMER_MIGRATIONS = [...INBOX_MIGRATIONS, CreateRetrySigningKey1764200001000];
