import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Type } from 'avsc';
import { Admin, Partitioners } from 'kafkajs';
import { readToEnd } from '@ensemble/kafka';
import { createScratchTopic, kafka, platform } from './kafka-clients';

const registry = new SchemaRegistry({ host: platform.schemaRegistry.url });

const orderPlacedV1 = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'io.ensemble.spec',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amountMinor', type: 'long' },
  ],
};

async function deleteSubject(subject: string): Promise<void> {
  const url = `${platform.schemaRegistry.url}/subjects/${encodeURIComponent(subject)}`;
  await fetch(url, { method: 'DELETE' });
  await fetch(`${url}?permanent=true`, { method: 'DELETE' });
}

describe('Kafka and the schema registry, over real connections', () => {
  let admin: Admin;
  let topic: string;
  const subject = `spec.order-placed-${randomUUID()}`;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    topic = await createScratchTopic(admin, 'wire-format');
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await deleteSubject(subject);
  });

  it('carries a record in Confluent wire format from a producer to a fresh consumer group', async () => {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(orderPlacedV1) }, { subject });
    const order = { orderId: randomUUID(), amountMinor: 12_345 };
    const value = await registry.encode(id, order);

    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: order.orderId, value }] });
    await producer.disconnect();

    const values: Buffer[] = [];
    await readToEnd(kafka, { topics: [topic], group: { throwaway: 'spec' } }, async ({ message }) => void values.push(message.value as Buffer));
    const [received] = values;
    expect(values).toHaveLength(1);

    expect(received[0]).toBe(0); // magic byte
    expect(received.readInt32BE(1)).toBe(id); // schema id, big-endian
    expect(Type.forSchema(orderPlacedV1 as never).fromBuffer(received.subarray(5))).toEqual(order); // plain Avro body
    expect(await registry.decode(received)).toEqual(order);
  });

  it('rejects a change that new readers could not apply to old records, under BACKWARD compatibility', async () => {
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(orderPlacedV1) }, { subject });
    const withRequiredCurrency = {
      ...orderPlacedV1,
      fields: [...orderPlacedV1.fields, { name: 'currency', type: 'string' }],
    };
    const withOptionalCurrency = {
      ...orderPlacedV1,
      fields: [...orderPlacedV1.fields, { name: 'currency', type: ['null', 'string'], default: null }],
    };

    const config = await fetch(`${platform.schemaRegistry.url}/config/${encodeURIComponent(subject)}`);
    expect(await config.json()).toMatchObject({ compatibilityLevel: 'BACKWARD' });
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(withRequiredCurrency) }, { subject }),
    ).rejects.toThrow(/incompatible/i);
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(withOptionalCurrency) }, { subject }),
    ).resolves.toEqual({ id: expect.any(Number) });
  });
});
