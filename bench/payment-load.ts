import { paymentBody, postPayment } from '@ensemble/testing';
import { atRate } from './pace';

export interface PaymentLoad {
  achievedRate: number;
  /** POSTs that did not get a 201, by what they got instead (`HTTP 503`, `ECONNRESET`, ...). */
  failures: Record<string, number>;
  failed: number;
}

/** Posts `rate * seconds` payments at `rate` a second; `accepted` hears of each 201 with when its POST was sent. */
export async function postPaymentsAtRate(
  paymentsUrl: string,
  rate: number,
  seconds: number,
  accepted: (paymentId: string, sentAt: number) => void = () => undefined,
): Promise<PaymentLoad> {
  const failures: Record<string, number> = {};
  const achievedRate = await atRate(rate * seconds, rate, async (index) => {
    const sentAt = Date.now();
    // An overloaded service may refuse or reset connections: that is a figure of the run, not the end of it.
    const outcome: { paymentId: string } | { failure: string } = await postPayment(paymentsUrl, paymentBody(index)).then(
      (response) => (response.status === 201 ? { paymentId: response.body.id as string } : { failure: `HTTP ${response.status}` }),
      (error: Error & { code?: string }) => ({ failure: error.code ?? error.message }),
    );
    if ('paymentId' in outcome) accepted(outcome.paymentId, sentAt);
    else failures[outcome.failure] = (failures[outcome.failure] ?? 0) + 1;
  });
  return { achievedRate, failures, failed: Object.values(failures).reduce((sum, count) => sum + count, 0) };
}

/** "5 failed: 4 ECONNRESET, 1 HTTP 503", or "" when none did. */
export function describeFailures({ failed, failures }: PaymentLoad): string {
  return failed ? `${failed} failed: ${Object.entries(failures).map(([outcome, count]) => `${count} ${outcome}`).join(', ')}` : '';
}
