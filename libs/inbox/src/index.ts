import { CreateProcessedEvents1763781000000 } from './migrations/1763781000000-create-processed-events';
import { ProcessedEventFacts1764200000000 } from './migrations/1764200000000-processed-event-facts';

export * from './processed-event.entity';
export * from './record-processed';

/** The inbox's migrations, in order, for a consuming service's data source and a replay's shadow. */
export const INBOX_MIGRATIONS = [CreateProcessedEvents1763781000000, ProcessedEventFacts1764200000000];
