import { ServiceName } from '@ensemble/config';
import { failureTopics } from '@ensemble/event-consumer';
import { EventDefinition, EventFlow } from '@ensemble/events';
import { Contract } from './contract';
import { managedConfig } from './topic-declarations';

/** The Kafka bindings' version that goes with AsyncAPI 3.0.0. */
const KAFKA_BINDING = { bindingVersion: '0.5.0' } as const;
/** Payloads are the registered Avro schemas themselves (the avsc parser's 1.9.0 format). */
const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro;version=1.9.0';

/** Where `npm run asyncapi` writes the document, from the repository's root; committed, so that a change to the contract shows in review. */
export const ASYNCAPI_FILE = 'docs/asyncapi.json';

/** An AsyncAPI 3.0.0 document, as JSON. */
export type AsyncApiDocument = { asyncapi: '3.0.0' } & Record<string, unknown>;

/**
 * The platform's AsyncAPI 3.0.0 document: a channel per event topic (its settings from
 * infra/topics.yaml as the Kafka binding), its message (the Avro schema as registered, the record
 * headers, the key), a `send` operation for its publisher and a `receive` operation, with the
 * consumer group, for each service that reacts to it.
 *
 * One document for the whole platform rather than one per service: the choreography is the thing
 * described, and each of its events has one publisher and several readers, so one document states
 * each channel and message once. Operations are named and tagged per service
 * (`crm.receivePaymentCompleted`, tag `crm`). No servers: the document is the same wherever it is
 * served, and where the brokers are belongs to each deployment.
 */
export function asyncApiDocument(contract: Contract): AsyncApiDocument {
  const { choreography, catalogue } = contract;
  const channels = Object.fromEntries(choreography.events.map((flow) => [flow.topic, channel(contract, flow, catalogue.get(flow.eventType))]));
  const groups = new Map(choreography.services.map(({ service, group }) => [service, group]));
  const operations = Object.fromEntries(
    choreography.events.flatMap((flow) => [
      [`${flow.publisher}.send${flow.eventType}`, operation('send', flow.publisher, flow)],
      ...flow.reactors.map((service) => [
        `${service}.receive${flow.eventType}`,
        { ...operation('receive', service, flow), bindings: { kafka: { groupId: { type: 'string', enum: [groups.get(service)] }, ...KAFKA_BINDING } } },
      ]),
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Ensemble',
      version: contract.version,
      description:
        "The events of Ensemble's choreography on Apache Kafka. Each service publishes its events through a transactional outbox and reacts to others' exactly once in effect, through an inbox, in a consumer group named after it. Values are Avro in Confluent's wire format (a magic byte and the schema id, then the body), registered under `<topic>-value`; records are keyed by the id of the aggregate the event is about. Generated from schemas/, infra/topics.yaml and the services' declarations (`npm run asyncapi`).",
      tags: choreography.services.map(({ service }) => ({ name: service })),
    },
    defaultContentType: 'avro/binary',
    channels,
    operations,
  };
}

function channel(contract: Contract, flow: EventFlow, event: EventDefinition) {
  const topic = contract.topic(flow.topic);
  return {
    address: flow.topic,
    title: flow.eventType,
    description: `${flow.eventType} events, published by ${flow.publisher}${flow.reactors.length > 0 ? `, read by ${flow.reactors.join(', ')}` : ''}. Records are kept ${topic.retentionMs === -1 ? 'forever: replay reads them' : `for ${topic.retentionMs} ms`}.`,
    messages: { [flow.eventType]: message(flow, event) },
    bindings: {
      kafka: {
        topic: topic.name,
        partitions: topic.partitions,
        replicas: topic.replicationFactor,
        topicConfiguration: Object.fromEntries(
          Object.entries(managedConfig(topic)).map(([name, value]) => [name, name === 'cleanup.policy' ? value.split(',') : Number(value)]),
        ),
        ...KAFKA_BINDING,
      },
    },
  };
}

function message(flow: EventFlow, event: EventDefinition) {
  const causes = flow.followsFrom.length > 0 ? ` in its reaction to ${flow.followsFrom.join(', ')}` : '';
  return {
    name: flow.eventType,
    title: flow.eventType,
    summary: event.schema.doc,
    description: `Published by ${flow.publisher}${causes}. Its Avro schema is registered under the subject ${event.subject}.`,
    contentType: 'avro/binary',
    headers: recordHeaders(flow.eventType),
    payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema: event.schema },
    correlationId: { description: 'Shared by every event that one request set off, across services.', location: '$message.header#/correlation-id' },
    bindings: {
      kafka: {
        key: {
          type: 'string',
          ...(event.aggregateIsUuid ? { format: 'uuid' } : {}),
          description: `The ${event.aggregateField} (the envelope's aggregateId): one aggregate's events share a partition and stay in order.`,
        },
        schemaIdLocation: 'payload',
        schemaIdPayloadEncoding: 'confluent',
        schemaLookupStrategy: 'TopicNameStrategy',
        ...KAFKA_BINDING,
      },
    },
  };
}

/** The headers the outbox writes on every event record, readable without decoding the value. */
function recordHeaders(eventType: string) {
  return {
    type: 'object',
    required: ['event-id', 'event-type', 'correlation-id', 'traceparent'],
    properties: {
      'event-id': { type: 'string', format: 'uuid', description: "The envelope's eventId: consumers deduplicate on it." },
      'event-type': { type: 'string', const: eventType, description: "The envelope's eventType." },
      'correlation-id': { type: 'string', description: "The envelope's correlationId." },
      'causation-id': { type: 'string', description: "The envelope's causationId, when the event has a cause: the event (or request) that set it off." },
      traceparent: { type: 'string', pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$', description: 'W3C trace context of the work that produced the event.' },
    },
  };
}

function operation(action: 'send' | 'receive', service: ServiceName, { eventType, topic }: EventFlow) {
  const { retries, deadLetter } = failureTopics(service);
  return {
    action,
    title: `${service} ${action === 'send' ? 'publishes' : 'reacts to'} ${eventType}`,
    summary:
      action === 'send'
        ? `Written to ${service}'s outbox in the transaction that makes the change, and relayed with acks=all.`
        : `Applied exactly once in effect, in one transaction with its inbox row; a record that keeps failing goes through ${retries.join(', ')} to ${deadLetter}.`,
    channel: { $ref: `#/channels/${topic}` },
    messages: [{ $ref: `#/channels/${topic}/messages/${eventType}` }],
    tags: [{ name: service }],
  };
}
