import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Body, Controller, Delete, Get, Header, Headers, HttpCode, HttpStatus, MessageEvent, Param, Post, Res, Sse } from '@nestjs/common';
import { Response } from 'express';
import { concat, merge, Observable, of } from 'rxjs';
import { z } from 'zod';
import { CONSUMING_SERVICES, ServiceName } from '@ensemble/config';
import { Contract } from '@ensemble/contract';
import { ZodValidationPipe } from '@ensemble/http';
import { ChoreographyFeed } from './choreography-feed';
import { ChoreographyMap, layOutChoreography } from './choreography-map';
import { PaymentForwarding } from './payment-forwarding';
import { PlatformStatus } from './platform-status';
import { ServiceAnswer } from './service-api';
import { ServiceReplays } from './service-replays';

const replayingService = new ZodValidationPipe(z.enum(CONSUMING_SERVICES as [ServiceName, ...ServiceName[]], { message: `expected one of ${CONSUMING_SERVICES.join(', ')}` }), 'path service');

/**
 * The live view: one page (`GET /`), its event stream (`GET /live/stream`), and what the page may
 * do, forwarded to the service that does it: post a payment, start, watch and cancel a replay.
 */
@Controller()
export class LiveController {
  private readonly page = readFileSync(join(__dirname, 'live-page.html'), 'utf8');
  private readonly map: ChoreographyMap;

  constructor(
    private readonly feed: ChoreographyFeed,
    private readonly status: PlatformStatus,
    private readonly payments: PaymentForwarding,
    private readonly replays: ServiceReplays,
    contract: Contract,
  ) {
    this.map = layOutChoreography(contract.choreography);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  livePage(): string {
    return this.page;
  }

  /**
   * Events `choreography` (the map to draw, first), `feed`, `payments` (rows that changed),
   * `platform-history` (on connecting) and `platform` (every second).
   */
  @Sse('live/stream')
  stream(): Observable<MessageEvent> {
    return concat(of({ type: 'choreography', data: this.map }), merge(this.feed.updates(), this.status.updates()));
  }

  @Post('live/payments')
  async postPayment(@Body() payment: unknown, @Headers('idempotency-key') idempotencyKey: string | undefined, @Res({ passthrough: true }) response: Response) {
    return passOn(await this.payments.post(payment, idempotencyKey ?? randomUUID()), response);
  }

  /** The body as the admin API takes it (`{}`, or `from` and `to`); the service checks it. */
  @Post('live/replays/:service')
  @HttpCode(HttpStatus.ACCEPTED)
  startReplay(@Param('service', replayingService) service: ServiceName, @Headers('authorization') authorization: string | undefined, @Body() request: { from?: string; to?: string }) {
    return this.replays.start(service, authorization, request ?? {});
  }

  @Get('live/replays/:service')
  listReplays(@Param('service', replayingService) service: ServiceName, @Headers('authorization') authorization: string | undefined) {
    return this.replays.list(service, authorization);
  }

  @Get('live/replays/:service/:id')
  findReplay(@Param('service', replayingService) service: ServiceName, @Param('id') id: string, @Headers('authorization') authorization: string | undefined) {
    return this.replays.find(service, id, authorization);
  }

  @Delete('live/replays/:service/:id')
  cancelReplay(@Param('service', replayingService) service: ServiceName, @Param('id') id: string, @Headers('authorization') authorization: string | undefined) {
    return this.replays.cancel(service, id, authorization);
  }

  /** The replay's progress as events (`progress`, then `error` should the service refuse later), until it has ended. */
  @Sse('live/replays/:service/:id/progress')
  replayProgress(@Param('service', replayingService) service: ServiceName, @Param('id') id: string, @Headers('authorization') authorization: string | undefined): Observable<MessageEvent> {
    return this.replays.progress(service, id, authorization);
  }
}

/** The other service's answer, status and body, as the page's. */
function passOn({ status, body }: ServiceAnswer, response: Response): unknown {
  response.status(status);
  return body;
}
