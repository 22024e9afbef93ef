import { Admin } from 'kafkajs';
import { committedOffsets, consumerGroupLag } from './consumer-group-lag';

/** An admin client that knows one group's commits and the topics' offsets. */
function adminOf(commits: Record<string, Record<number, string>>, offsets: Record<string, Array<{ partition: number; low: string; high: string }>>): Admin {
  return {
    fetchOffsets: async ({ topics }: { groupId: string; topics?: string[] }) =>
      (topics ?? Object.keys(commits)).map((topic) => ({
        topic,
        partitions: offsets[topic].map(({ partition }) => ({ partition, offset: commits[topic]?.[partition] ?? '-1' })),
      })),
    fetchTopicOffsets: async (topic: string) => offsets[topic].map((entry) => ({ ...entry, offset: entry.high })),
  } as unknown as Admin;
}

describe('committedOffsets', () => {
  it('is undefined where the group has committed nothing', async () => {
    const admin = adminOf({ payments: { 0: '7' } }, { payments: [{ partition: 0, low: '0', high: '9' }, { partition: 1, low: '0', high: '4' }] });

    expect(await committedOffsets(admin, 'crm')).toEqual([
      { topic: 'payments', partition: 0, committed: 7 },
      { topic: 'payments', partition: 1, committed: undefined },
    ]);
  });
});

describe('consumerGroupLag', () => {
  it('counts the records between the committed offset and the end of each partition', async () => {
    const admin = adminOf({ payments: { 0: '7', 1: '4' } }, { payments: [{ partition: 0, low: '0', high: '9' }, { partition: 1, low: '0', high: '4' }] });

    expect(await consumerGroupLag(admin, 'crm')).toEqual([
      { topic: 'payments', partition: 0, committed: 7, end: 9, lag: 2 },
      { topic: 'payments', partition: 1, committed: 4, end: 4, lag: 0 },
    ]);
  });

  it('counts from the first offset still on the partition where the group has committed nothing', async () => {
    const admin = adminOf({}, { invoices: [{ partition: 0, low: '3', high: '10' }] });

    expect(await consumerGroupLag(admin, 'shipping', { topics: ['invoices'] })).toEqual([{ topic: 'invoices', partition: 0, committed: 3, end: 10, lag: 7 }]);
  });

  it('without topics, covers only the topics the group has committed on', async () => {
    const admin = adminOf({ payments: { 0: '1' } }, { payments: [{ partition: 0, low: '0', high: '1' }], invoices: [{ partition: 0, low: '0', high: '5' }] });

    expect((await consumerGroupLag(admin, 'crm')).map(({ topic }) => topic)).toEqual(['payments']);
  });
});
