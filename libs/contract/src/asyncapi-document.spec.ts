import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { AsyncAPIDocumentInterface, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { SERVICE_NAMES, SERVICES } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { OutboxWriter } from '@ensemble/outbox';
import { ASYNCAPI_FILE, asyncApiDocument } from './asyncapi-document';
import { Contract } from './contract';
import { loadTopicDeclarations } from './topic-declarations';


const contract = Contract.load();
const generated = asyncApiDocument(contract);
const channels = generated.channels as Record<string, { messages: Record<string, { payload: { schemaFormat: string; schema: unknown } }> }>;

async function parse(document: object): Promise<AsyncAPIDocumentInterface> {
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  const { document: parsed, diagnostics } = await parser.parse(JSON.stringify(document));
  expect(diagnostics.filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error)).toEqual([]);
  return parsed!;
}

describe('the AsyncAPI document', () => {
  let parsed: AsyncAPIDocumentInterface;

  beforeAll(async () => {
    parsed = await parse(generated);
  });

  it('is valid AsyncAPI 3.0.0 to the parser, and each payload valid Avro to its Avro schema parser', async () => {
    expect(parsed.version()).toBe('3.0.0');
    expect(parsed.info().title()).toBe('Ensemble');
    // The parser converts Avro payloads of a 3.x document but validates them only in 2.x ones: ask the Avro parser itself.
    const avro = AvroSchemaParser();
    const messages = Object.entries(channels).flatMap(([address, channel]) => Object.entries(channel.messages).map(([name, message]) => ({ path: ['channels', address, 'messages', name, 'payload'], message })));
    expect(messages).toHaveLength(contract.catalogue.events.length);
    for (const { path, message } of messages) {
      const { schemaFormat, schema } = message.payload;
      expect(await avro.validate({ asyncapi: parsed.meta().asyncapi, data: schema, meta: {}, path, schemaFormat, defaultSchemaFormat: '' })).toEqual([]);
    }
  });

  it('has a channel per event of the catalogue, at its topic, with the topic\'s settings from infra/topics.yaml and the registered Avro schema', () => {
    const topics = new Map(loadTopicDeclarations().map((topic) => [topic.name, topic]));
    expect(parsed.channels().all().map((channel) => channel.address()).sort()).toEqual(contract.catalogue.events.map((event) => event.topic).sort());
    for (const event of contract.catalogue.events) {
      const channel = parsed.channels().all().find((candidate) => candidate.address() === event.topic)!;
      const declared = topics.get(event.topic)!;
      expect(channel.bindings().get('kafka')?.value()).toMatchObject({
        topic: event.topic,
        partitions: declared.partitions,
        replicas: declared.replicationFactor,
        topicConfiguration: { 'retention.ms': declared.retentionMs, 'cleanup.policy': declared.cleanupPolicy.split(','), 'min.insync.replicas': declared.minInsyncReplicas },
      });
      const [message] = channel.messages().all();
      expect(message.name()).toBe(event.eventType);
      expect(message.schemaFormat()).toBe('application/vnd.apache.avro;version=1.9.0');
      expect(message.bindings().get('kafka')?.value()).toMatchObject({ schemaIdLocation: 'payload', schemaIdPayloadEncoding: 'confluent' });
    }
    expect(channels['payments.payment-completed'].messages.PaymentCompleted.payload.schema).toEqual(contract.catalogue.get('PaymentCompleted').schema);
  });

  it('has a send operation for each event\'s owner and a receive operation, with its consumer group, for each reaction SERVICES declares', () => {
    const operations = parsed.operations().all().map((operation) => ({
      service: operation.tags().all().map((tag) => tag.name()).join(),
      action: operation.action() as string,
      topic: operation.channels().all().map((channel) => channel.address()).join(),
      group: operation.bindings().get('kafka')?.value().groupId?.enum,
    }));
    const declared = [
      ...contract.catalogue.events.map((event) => ({ service: event.owner, action: 'send', topic: event.topic, group: undefined })),
      ...SERVICE_NAMES.flatMap((service) =>
        SERVICES[service].reactsTo.map((eventType) => ({ service, action: 'receive', topic: contract.catalogue.get(eventType).topic, group: [service] })),
      ),
    ];

    const order = (list: object[]) => list.map((entry) => JSON.stringify(entry)).sort();
    expect(order(operations)).toEqual(order(declared));
    expect(parsed.operations().get('crm.receivePaymentCompleted')?.action()).toBe('receive');
  });

  it('declares the headers the outbox writes on each record', async () => {
    const codec = { encode: async () => Buffer.alloc(0) } as unknown as EventCodec;
    const { rows } = await new OutboxWriter('payments', contract.catalogue, codec).prepare('PaymentCompleted', [
      {
        aggregate: { type: 'Payment', id: 'a1b2c3d4-0000-4000-8000-000000000001' },
        facts: {} as never,
        origin: { correlationId: 'request-1', causationId: 'request-1' },
      },
    ]);
    const [{ headers }] = JSON.parse(rows) as Array<{ headers: Record<string, string> }>;
    const declared = parsed.channels().get('payments.payment-completed')!.messages().get('PaymentCompleted')!.headers()!;

    expect(Object.keys(headers).sort()).toEqual(Object.keys(declared.properties()!).sort());
    expect(declared.required()?.every((name) => name in headers)).toBe(true);
    expect(headers['event-type']).toBe(declared.properties()!['event-type'].const());
    expect(headers.traceparent).toMatch(new RegExp(declared.properties()!.traceparent.pattern()!));
  });

  it('is the one committed in docs/asyncapi.json (run `npm run asyncapi` after changing a schema, a topic or a declaration)', () => {
    expect(JSON.parse(readFileSync(join(__dirname, '..', '..', '..', ASYNCAPI_FILE), 'utf8'))).toEqual(generated);
  });
});
