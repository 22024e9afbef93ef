import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { EventCatalogue } from '@ensemble/events';
import { EventCodec, EventCodecOptions } from './event-codec';

/**
 * An {@link EventCodec} on the schema registry at `url`. The platform module builds one per
 * process, so that the process fetches each schema id once (the layer rules let nothing else in the
 * libraries and services import this file); specs and the commands of the top layer build their own.
 */
export function createEventCodec(url: string, catalogue: EventCatalogue, options?: EventCodecOptions): EventCodec {
  return new EventCodec(new SchemaRegistry({ host: url }), url, catalogue, options);
}
