import { FAILURE_HEADERS } from './failure-topics';
import { RetrySigner } from './retry-signer';

/** A key table of one row, as PostgreSQL would keep it. */
function keyTable(): (sql: string, parameters: unknown[]) => Promise<Array<Record<string, unknown>>> {
  let key: Buffer | undefined;
  return async (sql, parameters) => {
    if (sql.startsWith('INSERT')) key ??= parameters[0] as Buffer;
    return sql.startsWith('SELECT') ? [{ key }] : [];
  };
}

const retry = () => ({
  topic: 'crm.retry-1',
  headers: {
    [FAILURE_HEADERS.originalTopic]: 'payments.payment-completed',
    [FAILURE_HEADERS.originalPartition]: '1',
    [FAILURE_HEADERS.originalOffset]: '42',
    [FAILURE_HEADERS.attempts]: '1',
    [FAILURE_HEADERS.retryAt]: '1800000000000',
  } as Record<string, string>,
  key: Buffer.from('payment-1'),
  value: Buffer.from([0, 0, 0, 0, 1, 2, 3]),
});

describe('RetrySigner', () => {
  it('accepts what it signed, and what another instance of the service signed with the same stored key', async () => {
    const table = keyTable();
    const [one, other] = [await RetrySigner.load(table), await RetrySigner.load(table)];
    const signed = retry();
    signed.headers[FAILURE_HEADERS.signature] = one.sign(signed);
    expect(other.verify(signed)).toBe(true);
  });

  it.each([
    ['a later retry time', (r: ReturnType<typeof retry>) => (r.headers[FAILURE_HEADERS.retryAt] = '1800000000001')],
    ['fewer attempts', (r: ReturnType<typeof retry>) => (r.headers[FAILURE_HEADERS.attempts] = '0')],
    ['another original offset', (r: ReturnType<typeof retry>) => (r.headers[FAILURE_HEADERS.originalOffset] = '43')],
    ['another value', (r: ReturnType<typeof retry>) => (r.value = Buffer.from([0, 0, 0, 0, 1, 2, 4]))],
    ['another key', (r: ReturnType<typeof retry>) => (r.key = Buffer.from('payment-2'))],
    ['another topic (a later round copied to an earlier one)', (r: ReturnType<typeof retry>) => (r.topic = 'crm.retry-3')],
    ['another reason', (r: ReturnType<typeof retry>) => (r.headers[FAILURE_HEADERS.reason] = 'corrupt-body')],
    ['no signature', (r: ReturnType<typeof retry>) => delete r.headers[FAILURE_HEADERS.signature]],
  ])('refuses a signed retry with %s', async (_change, change) => {
    const signer = await RetrySigner.load(keyTable());
    const signed = retry();
    signed.headers[FAILURE_HEADERS.signature] = signer.sign(signed);
    change(signed);
    expect(signer.verify(signed)).toBe(false);
  });

  it('refuses a retry signed with another service\'s key', async () => {
    const signed = retry();
    signed.headers[FAILURE_HEADERS.signature] = (await RetrySigner.load(keyTable())).sign(signed);
    expect((await RetrySigner.load(keyTable())).verify(signed)).toBe(false);
  });
});
