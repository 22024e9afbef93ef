import { Schema, Type, types } from 'avsc';
import * as fc from 'fast-check';
import { loadEventCatalogue } from '@ensemble/events';
import { AvroBoundsError, decodeAvroBody } from './bounded-avro';

/** A long's zigzag varint, for any 64-bit value (avsc's own writer refuses those beyond 2^53). */
function varint(value: bigint | number): Buffer {
  let n = BigInt(value);
  n = n >= 0n ? n << 1n : (-n << 1n) - 1n;
  const bytes: number[] = [];
  do {
    const low = Number(n & 0x7fn);
    n >>= 7n;
    bytes.push(n > 0n ? low | 0x80 : low);
  } while (n > 0n);
  return Buffer.from(bytes);
}

type RecordValue = Record<string, unknown>;

/**
 * A record's body with the encoding of the field at `path` replaced by `bytes`: a record's encoding is
 * its fields' encodings one after another.
 */
function encodeReplacing(type: Type, value: RecordValue, [field, ...rest]: string[], bytes: Buffer): Buffer {
  return Buffer.concat(
    (type as types.RecordType).fields.map((f) => {
      if (f.name !== field) return f.type.toBuffer(value[f.name]);
      return rest.length ? encodeReplacing(f.type, value[f.name] as RecordValue, rest, bytes) : bytes;
    }),
  );
}

/** Where a top-level field's encoding starts in the record's body. */
function offsetOf(type: Type, value: RecordValue, field: string): number {
  let offset = 0;
  for (const f of (type as types.RecordType).fields) {
    if (f.name === field) return offset;
    offset += f.type.toBuffer(value[f.name]).length;
  }
  throw new Error(`no field ${field}`);
}

function thrownBy(decode: () => unknown): unknown {
  try {
    decode();
  } catch (error) {
    return error;
  }
  throw new Error('decoded, but should have been refused');
}

function refusal(decode: () => unknown): AvroBoundsError {
  const error = thrownBy(decode);
  if (error instanceof AvroBoundsError) return error;
  throw error;
}

const catalogue = loadEventCatalogue();
const paymentCompleted = Type.forSchema(catalogue.get('PaymentCompleted').schema as Schema);
const paymentLines = (paymentCompleted as types.RecordType).fields.find((f) => f.name === 'items')!.type as types.ArrayType;

const payment = {
  envelope: {
    eventId: '7d3c1f1e-8a2b-4c5d-9e6f-0a1b2c3d4e5f',
    eventType: 'PaymentCompleted',
    occurredAt: 1767225600000,
    aggregateId: 'pay-7d3c1f1e',
    correlationId: '2b8e0c4a-1111-4c5d-9e6f-0a1b2c3d4e5f',
    causationId: null,
    producer: 'payments',
  },
  paymentId: '7d3c1f1e-8a2b-4c5d-9e6f-0a1b2c3d4e5f',
  customerId: 'cust-42',
  customerEmail: 'ada@example.com',
  amountMinor: 4999,
  currency: 'EUR',
  items: [
    { sku: 'SKU-1', quantity: 2, unitPriceMinor: 1999 },
    { sku: 'SKU-2', quantity: 1, unitPriceMinor: 1001 },
  ],
  shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
  completedAt: 1767225600000,
};
const paymentBody = paymentCompleted.toBuffer(payment);
const oneLine = paymentLines.itemsType.toBuffer(payment.items[0]);

/** The PaymentCompleted body with `items` encoded as the given bytes. */
function paymentWithItems(...parts: Buffer[]): Buffer {
  return encodeReplacing(paymentCompleted, payment, ['items'], Buffer.concat(parts));
}

const END = varint(0);

describe('decodeAvroBody', () => {
  it('decodes a valid body to what avsc decodes', () => {
    expect(decodeAvroBody(paymentCompleted, paymentBody)).toEqual(paymentCompleted.fromBuffer(paymentBody));
  });

  it('refuses with an AvroBoundsError, an Error that names the field and the numbers', () => {
    const error = refusal(() => decodeAvroBody(paymentCompleted, paymentWithItems(varint(10_000_000), oneLine, END)));

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AvroBoundsError');
    expect(error.path).toBe('items');
    expect(error.problem).toMatch(/^a block of 10000000 items needs at least 30000000 bytes, \d+ left$/);
  });

  describe('refuses an array whose count its bytes cannot hold, before building any item', () => {
    it.each([
      ['10^7', 10_000_000, '30000000'],
      ['10^9', 1_000_000_000, '3000000000'],
      ['2^62', 2n ** 62n, '13835058055282164000'],
    ])('a count of %s', (_, count, needed) => {
      const error = refusal(() => decodeAvroBody(paymentCompleted, paymentWithItems(varint(count), oneLine, END)));

      expect(error.path).toBe('items');
      expect(error.message).toMatch(
        new RegExp(`^items: a block of ${Number(count)} items needs at least ${needed} bytes, \\d+ left$`),
      );
    });

    it('a negative count (a block with a byte size) larger than its declared size holds', () => {
      const error = refusal(() =>
        decodeAvroBody(paymentCompleted, paymentWithItems(varint(-10_000_000), varint(oneLine.length), oneLine, END)),
      );

      expect(error.message).toBe(
        `items: a block of 10000000 items needs at least 30000000 bytes, its declared size is ${oneLine.length}`,
      );
    });

    it('a block size larger than the bytes left', () => {
      const error = refusal(() => decodeAvroBody(paymentCompleted, paymentWithItems(varint(-1), varint(2n ** 40n), oneLine, END)));

      expect(error.message).toMatch(/^items: a block of 1 items declares 1099511627776 bytes, \d+ left$/);
    });

    it('a negative block size', () => {
      const error = refusal(() => decodeAvroBody(paymentCompleted, paymentWithItems(varint(-1), varint(-7), oneLine, END)));

      expect(error.message).toBe('items: a block of 1 items declares a negative size (-7)');
    });

    it('a block size its items do not take up exactly', () => {
      const body = paymentWithItems(varint(-1), varint(oneLine.length + 2), oneLine, END);

      expect(refusal(() => decodeAvroBody(paymentCompleted, body)).message).toBe(
        `items: a block of 1 items declares ${oneLine.length + 2} bytes but they take ${oneLine.length}`,
      );
    });
  });

  it('decodes blocks with byte sizes, and several blocks, as avsc does', () => {
    const body = paymentWithItems(varint(-1), varint(oneLine.length), oneLine, varint(2), oneLine, oneLine, END);

    expect(decodeAvroBody(paymentCompleted, body)).toEqual(paymentCompleted.fromBuffer(body));
    expect((decodeAvroBody(paymentCompleted, body) as typeof payment).items).toHaveLength(3);
  });

  it('refuses a string whose length is beyond the bytes left', () => {
    const body = encodeReplacing(paymentCompleted, payment, ['customerEmail'], Buffer.concat([varint(2n ** 40n), Buffer.from('x')]));

    expect(refusal(() => decodeAvroBody(paymentCompleted, body)).message).toMatch(
      /^customerEmail: a length of 1099511627776 bytes, \d+ left$/,
    );
  });

  it('refuses a negative string length', () => {
    const body = encodeReplacing(paymentCompleted, payment, ['customerEmail'], varint(-5));

    expect(refusal(() => decodeAvroBody(paymentCompleted, body)).message).toBe('customerEmail: a negative length (-5)');
  });

  it('names the array item in the path', () => {
    const badLine = Buffer.concat([varint(2n ** 40n), oneLine.subarray(1)]);
    const body = paymentWithItems(varint(2), oneLine, badLine, END);

    expect(refusal(() => decodeAvroBody(paymentCompleted, body)).path).toBe('items[1].sku');
  });

  describe('items of zero encoded size', () => {
    const heartbeats = Type.forSchema({
      type: 'record',
      name: 'Heartbeats',
      fields: [
        { name: 'beats', type: { type: 'array', items: 'null' } },
        { name: 'pings', type: { type: 'array', items: { type: 'record', name: 'Ping', fields: [] } } },
      ],
    });

    it('refuses 10^9 of them, which cost the body nothing', () => {
      const body = Buffer.concat([varint(1_000_000_000), END, END]);

      expect(refusal(() => decodeAvroBody(heartbeats, body)).message).toBe(
        'beats: a block of 1000000000 items of zero encoded size takes the body past the limit of 10000 such items',
      );
    });

    it('decodes up to the limit', () => {
      const body = Buffer.concat([varint(10_000), END, END]);

      expect((decodeAvroBody(heartbeats, body) as { beats: null[] }).beats).toHaveLength(10_000);
    });

    it('counts them across the whole body', () => {
      const body = Buffer.concat([varint(6_000), END, varint(6_000), END]);

      expect(refusal(() => decodeAvroBody(heartbeats, body)).path).toBe('pings');
    });

    it('takes the limit from the caller', () => {
      const body = Buffer.concat([varint(6), END, END]);

      expect(refusal(() => decodeAvroBody(heartbeats, body, { maxZeroSizeItems: 5 })).path).toBe('beats');
    });
  });

  describe('maps', () => {
    const tagged = Type.forSchema({
      type: 'record',
      name: 'Tagged',
      fields: [
        { name: 'flags', type: { type: 'map', values: 'null' } },
        { name: 'tags', type: { type: 'map', values: 'string' } },
      ],
    });

    it('refuses 10^9 entries of null: each entry still has a key of at least one byte', () => {
      const body = Buffer.concat([varint(1_000_000_000), END, END]);

      expect(refusal(() => decodeAvroBody(tagged, body)).message).toMatch(
        /^flags: a block of 1000000000 entries needs at least 1000000000 bytes, \d+ left$/,
      );
    });

    it('names the map key in the path', () => {
      const body = Buffer.concat([END, varint(1), varint(6), Buffer.from('colour'), varint(2n ** 40n), END]);

      expect(refusal(() => decodeAvroBody(tagged, body)).message).toMatch(/^tags\["colour"\]: a length of 1099511627776 bytes/);
    });
  });

  it('refuses trailing bytes', () => {
    const body = Buffer.concat([paymentBody, Buffer.from([0])]);

    expect(refusal(() => decodeAvroBody(paymentCompleted, body)).message).toBe('(body): 1 trailing byte after the value');
  });

  it('refuses a truncated body', () => {
    const body = paymentBody.subarray(0, paymentBody.length - 1);

    expect(refusal(() => decodeAvroBody(paymentCompleted, body)).message).toBe(
      'completedAt: truncated: a varint runs past the end of the body',
    );
  });

  it('refuses every proper prefix of a valid body', () => {
    for (let length = 0; length < paymentBody.length; length++) {
      expect(refusal(() => decodeAvroBody(paymentCompleted, paymentBody.subarray(0, length)))).toBeInstanceOf(AvroBoundsError);
    }
  });

  it.each([5, -1])('refuses union branch %d out of range', (index) => {
    const body = encodeReplacing(paymentCompleted, payment, ['envelope', 'causationId'], varint(index));

    expect(refusal(() => decodeAvroBody(paymentCompleted, body)).message).toBe(
      `envelope.causationId: union branch ${index} out of range (2 branches)`,
    );
  });

  it('refuses an enum index out of range', () => {
    const parcel = Type.forSchema({
      type: 'record',
      name: 'Parcel',
      fields: [{ name: 'status', type: { type: 'enum', name: 'Status', symbols: ['PENDING', 'SENT'] } }],
    });

    expect(refusal(() => decodeAvroBody(parcel, varint(7))).message).toBe('status: enum index 7 out of range (2 symbols)');
  });

  describe('varints', () => {
    it('refuses a long longer than 10 bytes', () => {
      const body = encodeReplacing(paymentCompleted, payment, ['amountMinor'], Buffer.from([...Array(10).fill(0xff), 0x01]));

      expect(refusal(() => decodeAvroBody(paymentCompleted, body)).message).toBe('amountMinor: a varint longer than 10 bytes');
    });

    it('refuses a 10-byte long with bits beyond 64', () => {
      const body = encodeReplacing(paymentCompleted, payment, ['amountMinor'], Buffer.from([...Array(9).fill(0xff), 0x02]));

      expect(refusal(() => decodeAvroBody(paymentCompleted, body)).message).toBe('amountMinor: a varint beyond 64 bits');
    });

    it('refuses an int longer than 5 bytes', () => {
      const line = Buffer.concat([varint(1), Buffer.from('x'), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), varint(1)]);

      expect(refusal(() => decodeAvroBody(paymentCompleted, paymentWithItems(varint(1), line, END))).message).toBe(
        'items[0].quantity: a varint longer than 5 bytes',
      );
    });

    it('leaves a long beyond 2^53 to avsc, which refuses it with its own error', () => {
      const body = encodeReplacing(paymentCompleted, payment, ['amountMinor'], varint(2n ** 60n));

      const error = thrownBy(() => decodeAvroBody(paymentCompleted, body));

      expect(error).not.toBeInstanceOf(AvroBoundsError);
      expect((error as Error).message).toBe('potential precision loss');
    });
  });

  describe('nesting', () => {
    const linkedList = Type.forSchema({ type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] });
    /** `nodes` records, each but the last pointing to the next. */
    const chainOf = (nodes: number) => Buffer.concat([Buffer.alloc(nodes - 1, 0x02), Buffer.from([0x00])]);

    it('decodes a recursive schema nested up to 64 deep', () => {
      expect(decodeAvroBody(linkedList, chainOf(64))).toEqual(linkedList.fromBuffer(chainOf(64)));
    });

    it('refuses one level deeper', () => {
      expect(refusal(() => decodeAvroBody(linkedList, chainOf(65))).message).toMatch(
        /^(next\.){63}next: nested deeper than 64 levels$/,
      );
    });

    it('counts arrays and takes the limit from the caller', () => {
      const tree = Type.forSchema({
        type: 'record',
        name: 'Tree',
        fields: [{ name: 'children', type: { type: 'array', items: 'Tree' } }],
      });
      // Tree > children > Tree > children > Tree > children (empty): six levels.
      const body = Buffer.concat([varint(1), varint(1), END, END, END]);

      expect(decodeAvroBody(tree, body, { maxDepth: 6 })).toEqual(tree.fromBuffer(body));
      expect(refusal(() => decodeAvroBody(tree, body, { maxDepth: 5 })).path).toBe('children[0].children[0].children');
    });

    it('refuses any body for a record that contains itself', () => {
      const endless = Type.forSchema({ type: 'record', name: 'Endless', fields: [{ name: 'self', type: 'Endless' }] });

      expect(refusal(() => decodeAvroBody(endless, Buffer.alloc(8))).message).toBe(
        'self: a record that contains itself has no finite encoding',
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Valid and mutated records of every catalogue schema, and of one schema with every kind of type.

/** Maps to and from JavaScript Dates, as an application would register one. */
class DateType extends types.LogicalType {
  protected _fromValue(millis: number): Date {
    return new Date(millis);
  }

  protected _toValue(date: unknown): number | undefined {
    return date instanceof Date ? date.getTime() : undefined;
  }
}

/** A long decoded to a bigint: avsc's AbstractLongType. */
const bigintLong = types.LongType.__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(n);
    return buffer;
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

const everyType: Schema = {
  type: 'record',
  name: 'EveryType',
  fields: [
    { name: 'nothing', type: 'null' },
    { name: 'flag', type: 'boolean' },
    { name: 'count', type: 'int' },
    { name: 'total', type: 'long' },
    { name: 'ratio', type: 'float' },
    { name: 'precise', type: 'double' },
    { name: 'blob', type: 'bytes' },
    { name: 'label', type: 'string' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'empty', type: { type: 'fixed', name: 'Empty', size: 0 } },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'OLD', 'GONE'] } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'maybeAt', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }] },
    { name: 'intOrLong', type: ['int', 'long'] }, // unwrapped: avsc tells an abstract long's values apart at run time
    { name: 'floatOrDouble', type: ['float', 'double'] }, // ambiguous, so avsc wraps it
    { name: 'maybeLabel', type: ['null', 'string'] },
    { name: 'failure', type: { type: 'error', name: 'Failure', fields: [{ name: 'code', type: 'int' }] } },
    { name: 'scores', type: { type: 'array', items: 'double' } },
    { name: 'nulls', type: { type: 'array', items: 'null' } },
    { name: 'attributes', type: { type: 'map', values: ['null', 'string', 'Status'] } },
    {
      name: 'tree',
      type: {
        type: 'record',
        name: 'Tree',
        fields: [
          { name: 'label', type: 'string' },
          { name: 'children', type: { type: 'array', items: 'Tree' } },
          { name: 'left', type: ['null', 'Tree'] },
        ],
      },
    },
  ],
};

interface Subject {
  name: string;
  type: Type;
}

const subjects: Subject[] = [
  ...catalogue.events.map((event) => ({ name: event.eventType, type: Type.forSchema(event.schema as Schema) })),
  {
    name: 'EveryType',
    type: Type.forSchema(everyType, { logicalTypes: { 'timestamp-millis': DateType }, registry: { long: bigintLong } }),
  },
];

/** Random values of an avsc type; recursion stops at `depth` 3, where arrays and maps are empty and unions take a leaf branch. */
function arbitraryOf(type: Type, depth = 0): fc.Arbitrary<unknown> {
  const leaf = depth >= 3;
  switch (type.typeName) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'int':
      return fc.integer();
    case 'abstract:long':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'logical:timestamp-millis':
      return fc.date({ noInvalidDate: true });
    case 'long':
      return fc.integer({ min: -9007199254740990, max: 9007199254740990 }); // avsc's own safe range
    case 'float':
      return fc.float();
    case 'double':
      return fc.double();
    case 'bytes':
      return fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes));
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 24 });
    case 'fixed': {
      const size = (type as types.FixedType).size;
      return fc.uint8Array({ minLength: size, maxLength: size }).map((bytes) => Buffer.from(bytes));
    }
    case 'enum':
      return fc.constantFrom(...(type as types.EnumType).symbols);
    case 'array':
      return leaf ? fc.constant([]) : fc.array(arbitraryOf((type as types.ArrayType).itemsType, depth + 1), { maxLength: 4 });
    case 'map':
      return leaf
        ? fc.constant({})
        : fc.dictionary(fc.string({ maxLength: 8 }), arbitraryOf((type as types.MapType).valuesType, depth + 1), { maxKeys: 4 });
    case 'union:unwrapped':
    case 'union:wrapped': {
      const wrapped = type.typeName === 'union:wrapped';
      const branches = (type as types.WrappedUnionType).types.filter(
        (branch) => !leaf || !['record', 'error'].includes(branch.typeName),
      );
      return fc.oneof(
        ...branches.map((branch) => {
          const value = arbitraryOf(branch, depth + 1);
          return wrapped && branch.typeName !== 'null' ? value.map((v) => ({ [branch.branchName!]: v })) : value;
        }),
      );
    }
    case 'record':
    case 'error':
      return fc.record(
        Object.fromEntries((type as types.RecordType).fields.map((field) => [field.name, arbitraryOf(field.type, depth + 1)])),
      );
  }
  throw new Error(`no arbitrary for ${type.typeName}`);
}

/** A valid body of the subject's schema. */
function bodyOf(subject: Subject): fc.Arbitrary<{ value: RecordValue; body: Buffer }> {
  return arbitraryOf(subject.type).map((value) => ({ value: value as RecordValue, body: subject.type.toBuffer(value) }));
}

describe('decodeAvroBody on every schema', () => {
  it.each(subjects.map((subject) => [subject.name, subject] as const))(
    'decodes valid %s records to what avsc decodes',
    (_, subject) => {
      fc.assert(
        fc.property(bodyOf(subject), ({ body }) => {
          expect(decodeAvroBody(subject.type, body)).toEqual(subject.type.fromBuffer(body));
        }),
        { seed: 20260101, numRuns: 150 },
      );
    },
  );
});

// Mutations, as data so that a failing run prints what was done to the body.
const hugeLong = fc.oneof(
  fc.bigInt({ min: 2n ** 20n, max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 20n) }),
);
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert-varint' as const), at: fc.nat(), value: hugeLong }),
  fc.record({ kind: fc.constant('overwrite-varint' as const), at: fc.nat(), value: hugeLong }),
  fc.record({ kind: fc.constant('insert-overlong-varint' as const), at: fc.nat(), length: fc.integer({ min: 11, max: 20 }) }),
  fc.record({ kind: fc.constant('splice' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 32 }), to: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(body: Buffer, m: Mutation): Buffer {
  const at = 'at' in m ? m.at % (body.length + 1) : 0;
  switch (m.kind) {
    case 'flip': {
      if (body.length === 0) return body;
      const flipped = Buffer.from(body);
      flipped[at % body.length] ^= m.xor;
      return flipped;
    }
    case 'truncate':
      return body.subarray(0, at);
    case 'insert-varint':
      return Buffer.concat([body.subarray(0, at), varint(m.value), body.subarray(at)]);
    case 'overwrite-varint': {
      const bytes = varint(m.value);
      return Buffer.concat([body.subarray(0, at), bytes, body.subarray(at + bytes.length)]);
    }
    case 'insert-overlong-varint':
      return Buffer.concat([body.subarray(0, at), Buffer.alloc(m.length - 1, 0xff), Buffer.from([0x01]), body.subarray(at)]);
    case 'splice': {
      const from = m.from % (body.length + 1);
      const to = m.to % (body.length + 1);
      return Buffer.concat([body.subarray(0, to), body.subarray(from, from + m.length), body.subarray(to)]);
    }
    case 'delete':
      return Buffer.concat([body.subarray(0, at), body.subarray(at + m.length)]);
  }
}

/** The arrays and maps at the top of a record: where a hostile count does the most harm. */
function blockFields(type: Type): string[] {
  return (type as types.RecordType).fields.filter((f) => ['array', 'map'].includes(f.type.typeName)).map((f) => f.name);
}

const MAX_MS_PER_RECORD = 50;
const MAX_HEAP_GROWTH = 16 * 1024 * 1024;

type Outcome = 'decoded' | 'refused' | 'avsc-error';

/** Watches each decode: its outcome, its time, and how much it grew the heap and the buffers. */
class DecodeWatch {
  readonly outcomes: Record<Outcome, number> = { decoded: 0, refused: 0, 'avsc-error': 0 };
  readonly refusals: string[] = [];
  slowestMs = 0;
  largestGrowth = 0;

  decode(type: Type, body: Buffer): Outcome {
    const before = process.memoryUsage();
    const start = performance.now();
    let outcome: Outcome;
    try {
      decodeAvroBody(type, body);
      outcome = 'decoded';
    } catch (error) {
      if (error instanceof AvroBoundsError) {
        outcome = 'refused';
        this.refusals.push(error.problem);
      } else {
        // Only what the walk leaves to avsc on purpose: it checks bounds, not the values of longs.
        expect((error as Error).message).toBe('potential precision loss');
        outcome = 'avsc-error';
      }
    }
    const ms = performance.now() - start;
    const after = process.memoryUsage();
    this.slowestMs = Math.max(this.slowestMs, ms);
    this.largestGrowth = Math.max(
      this.largestGrowth,
      after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers),
    );
    this.outcomes[outcome]++;
    return outcome;
  }
}

describe('decodeAvroBody on mutated bodies', () => {
  it('decodes or refuses every mutated record of every schema, each within 50 ms and 16 MB', () => {
    const watch = new DecodeWatch();
    for (const subject of subjects) {
      fc.assert(
        fc.property(bodyOf(subject), fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ body }, mutations) => {
          watch.decode(subject.type, mutations.reduce(mutate, body));
        }),
        { seed: 42, numRuns: 600 },
      );
    }

    const total = watch.outcomes.decoded + watch.outcomes.refused + watch.outcomes['avsc-error'];
    expect(total).toBe(600 * subjects.length);
    // Not vacuous: most mutations must reach the checks, and some must be the hostile counts they exist for.
    expect(watch.outcomes.refused / total).toBeGreaterThan(0.5);
    const refusedFor = (pattern: RegExp) => watch.refusals.filter((problem) => pattern.test(problem)).length;
    expect(refusedFor(/^a block of \d+ (items|entries) needs at least/)).toBeGreaterThan(20);
    expect(refusedFor(/^a length of/)).toBeGreaterThan(20);
    expect(watch.slowestMs).toBeLessThan(MAX_MS_PER_RECORD);
    expect(watch.largestGrowth).toBeLessThan(MAX_HEAP_GROWTH);
  });

  it('refuses a huge count written where an array or map begins, with the block check', () => {
    const watch = new DecodeWatch();
    // An event with no array or map (EmailSent) has nowhere to write a count.
    const withBlocks = subjects.filter((subject) => blockFields(subject.type).length > 0);
    for (const subject of withBlocks) {
      const fields = blockFields(subject.type);
      fc.assert(
        fc.property(bodyOf(subject), fc.nat(), hugeLong, ({ value, body }, which, count) => {
          const at = offsetOf(subject.type, value, fields[which % fields.length]);
          const hostile = Buffer.concat([body.subarray(0, at), varint(count), body.subarray(at)]);

          expect(watch.decode(subject.type, hostile)).toBe('refused');
          expect(watch.refusals.at(-1)).toMatch(/^a block of \d+ (items|entries) /);
        }),
        { seed: 7, numRuns: 100 },
      );
    }
    expect(withBlocks.length).toBeGreaterThan(0);
    expect(watch.outcomes.refused).toBe(100 * withBlocks.length);
    expect(watch.slowestMs).toBeLessThan(MAX_MS_PER_RECORD);
    expect(watch.largestGrowth).toBeLessThan(MAX_HEAP_GROWTH);
  });
});
