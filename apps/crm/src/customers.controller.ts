import { Controller, Get, HttpStatus, Param } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { EventContext } from '@ensemble/event-consumer';
import { PaymentCompleted } from '@ensemble/events';
import { ApiError } from '@ensemble/http';
import { CustomerProfile } from './customer-profile.entity';
import { ProfileChanges } from './profile-changes';

@Controller()
export class CustomersController {
  constructor(private readonly dataSource: DataSource) {}

  /** Counts the payment into the customer's profile and lifetime value in its currency. */
  @EventPattern('PaymentCompleted')
  recordPayment(@Payload() payment: PaymentCompleted, @Ctx() context: EventContext): void {
    context.buffer('profile-changes', () => new ProfileChanges()).add(payment);
  }

  @Get('customers/:customerId')
  async find(@Param('customerId') customerId: string) {
    const profile = await this.dataSource.manager.findOne(CustomerProfile, { where: { customerId }, relations: { lifetimeValues: true } });
    if (!profile) throw new ApiError(HttpStatus.NOT_FOUND, 'customer_not_found', `No payments seen from customer ${customerId}`);
    return {
      customerId: profile.customerId,
      email: profile.email,
      paymentCount: profile.paymentCount,
      lifetimeValueMinor: Object.fromEntries(profile.lifetimeValues.map((value) => [value.currency, value.amountMinor])),
      firstPaymentAt: profile.firstPaymentAt.toISOString(),
      lastPaymentAt: profile.lastPaymentAt.toISOString(),
    };
  }
}
