import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { Response } from 'express';
import { z } from 'zod';
import { RequestHeader, ZodValidationPipe } from '@ensemble/http';
import { activeTraceparent } from '@ensemble/tracing';
import { Payment } from './payment.entity';
import { idempotencyKey, paymentRequest, PaymentRequest } from './payment-request';
import { PaymentsService } from './payments.service';

const correlationId = z.string().trim().min(1).max(100).optional().catch(undefined);

@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @HttpCode(201)
  async record(
    @RequestHeader('Idempotency-Key', new ZodValidationPipe(idempotencyKey, 'header Idempotency-Key')) key: string,
    @Body(new ZodValidationPipe(paymentRequest)) request: PaymentRequest,
    @Headers('x-correlation-id') incomingCorrelationId: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { payment, replayed } = await this.payments.recordPayment(request, key, {
      correlationId: correlationId.parse(incomingCorrelationId) ?? randomUUID(),
      // This request's span, so that the payment's trace runs on from it; with tracing off, the caller's context.
      traceparent: activeTraceparent() ?? traceparent,
    });
    response.setHeader('Location', `/payments/${payment.id}`);
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return toView(payment);
  }

  @Get(':id')
  async find(@Param('id', new ZodValidationPipe(z.uuid('must be a payment id (UUID)'), 'path id')) id: string) {
    return toView(await this.payments.findPayment(id));
  }
}

function toView(payment: Payment) {
  return {
    id: payment.id,
    status: 'completed',
    customerId: payment.customerId,
    customerEmail: payment.customerEmail,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    items: payment.items,
    shippingAddress: payment.shippingAddress,
    completedAt: payment.completedAt.toISOString(),
    correlationId: payment.correlationId,
  };
}
