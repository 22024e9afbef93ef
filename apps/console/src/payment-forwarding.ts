import { Injectable } from '@nestjs/common';
import { ChoreographyFeed } from './choreography-feed';
import { ServiceAnswer, ServiceApi } from './service-api';

/** The payments service's view of a recorded payment, as far as the timeline needs it. */
interface RecordedPayment {
  id: string;
  customerId: string;
  amountMinor: number;
  currency: string;
}

/** Posts the page's payments to the payments service, and times their reactions from that POST. */
@Injectable()
export class PaymentForwarding {
  constructor(
    private readonly services: ServiceApi,
    private readonly feed: ChoreographyFeed,
  ) {}

  async post(payment: unknown, idempotencyKey: string): Promise<ServiceAnswer> {
    const sentAt = Date.now();
    const answer = await this.services.send('payments', '/payments', { method: 'POST', headers: { 'idempotency-key': idempotencyKey }, body: payment });
    if (answer.status === 201) {
      const { id, customerId, amountMinor, currency } = answer.body as RecordedPayment;
      this.feed.posted({ paymentId: id, customerId, amountMinor, currency }, { sentAt, status: answer.status, tookMs: Date.now() - sentAt });
    }
    return answer;
  }
}
