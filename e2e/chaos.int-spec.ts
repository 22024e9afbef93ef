import { loadPlatformConfig, SERVICE_NAMES } from '@ensemble/config';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { skipNotificationsBacklog } from '@ensemble/testing';
import { runChaos } from './chaos/chaos-run';

/**
 * A short crash test: a few hundred payments while every service is SIGKILLed and started again at
 * least once. The infrastructure faults, which would disturb anything else using the machine's
 * broker and database, run only from `npm run chaos -- --broker --postgres`.
 */
describe('the crash test', () => {
  it('loses and doubles nothing while every service is killed and restarted; a planted lost effect is caught', async () => {
    const lines: string[] = [];
    const config = loadPlatformConfig();
    await skipNotificationsBacklog(createKafka(config, 'chaos-spec'), config);
    const report = await runChaos({ payments: 300, rate: 30, kills: 5, basePort: 3220, log: (line) => lines.push(line) });
    console.log([...lines, report.summary].join('\n'));
    expect(report.discrepancies).toEqual([]);
    expect(new Set(report.kills)).toEqual(new Set(SERVICE_NAMES));

    const planted = await runChaos({ payments: 20, rate: 20, kills: 0, basePort: 3220, plantDiscrepancy: true });
    expect(planted.ok).toBe(false);
    expect(planted.discrepancies).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/1 payments without exactly one payment row/),
        expect.stringMatching(/1 payments without exactly one invoice/),
        expect.stringMatching(/1 payments without exactly one shipment/),
        expect.stringMatching(/1 payments without exactly one dashboard count/),
        expect.stringMatching(/crm counts 0 payments for chaos-\w+-planted, not 1/),
      ]),
    );
  }, 600_000);
});
