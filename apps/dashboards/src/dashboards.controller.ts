import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { Request } from 'express';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource, EntityManager, MoreThanOrEqual } from 'typeorm';
import { PLATFORM_CONFIG, PlatformConfig } from '@ensemble/config';
import { EventContext } from '@ensemble/event-consumer';
import { InvoiceIssued, PaymentCompleted, ShipmentScheduled } from '@ensemble/events';
import { requireAdminToken, ZodValidationPipe } from '@ensemble/http';
import { pastInstant, Replays } from '@ensemble/replay';
import { ALL_TIME, anHourBefore, DashboardFigure, Metric } from './dashboard-figure.entity';
import { FigureIncrements } from './figure-increments';

@Controller()
export class DashboardsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly replays: Replays,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @EventPattern('PaymentCompleted')
  countPayment(@Payload() payment: PaymentCompleted, @Ctx() context: EventContext): void {
    increments(context).add('payments', payment.currency, payment.amountMinor, payment.completedAt);
  }

  @EventPattern('InvoiceIssued')
  countInvoice(@Payload() invoice: InvoiceIssued, @Ctx() context: EventContext): void {
    increments(context).add('invoices_issued', invoice.currency, invoice.totalMinor, invoice.issuedAt);
  }

  @EventPattern('ShipmentScheduled')
  countShipment(@Payload() shipment: ShipmentScheduled, @Ctx() context: EventContext): void {
    increments(context).add('shipments_scheduled', '', 0, shipment.envelope.occurredAt);
  }

  /**
   * All-time figures and the last hour minute by minute; with `asOf`, as they were at the start of
   * that minute, from a replay of the topics up to then. A replay reads every record, so `asOf`
   * takes the admin token, as the admin API's replays do.
   */
  @Get('dashboards/summary')
  summary(@Query('asOf', new ZodValidationPipe(pastInstant('asOf').optional(), 'query asOf')) asOf: Date | undefined, @Req() request: Request) {
    if (!asOf) return figuresAt(this.dataSource.manager, new Date());
    requireAdminToken(request, this.config.http.adminToken);
    return this.replays.readAsOf(asOf, figuresAt);
  }
}

async function figuresAt(manager: EntityManager, at: Date) {
  const since = anHourBefore(at);
  const [totals, recent] = await Promise.all([
    manager.findBy(DashboardFigure, { minute: ALL_TIME }),
    manager.find(DashboardFigure, { where: { minute: MoreThanOrEqual(since) }, order: { minute: 'ASC' } }),
  ]);
  const minutes = new Map<number, DashboardFigure[]>();
  for (const figure of recent) minutes.set(figure.minute.getTime(), [...(minutes.get(figure.minute.getTime()) ?? []), figure]);
  return {
    ...summarise(totals),
    perMinute: [...minutes].map(([minute, figures]) => ({ minute: new Date(minute).toISOString(), ...summarise(figures) })),
  };
}

function increments(context: EventContext): FigureIncrements {
  return context.buffer('dashboard-figures', () => new FigureIncrements(context.windowStart));
}

function summarise(figures: DashboardFigure[]) {
  const of = (metric: Metric) => figures.filter((figure) => figure.metric === metric);
  const total = (metric: Metric) => of(metric).reduce((sum, figure) => sum + figure.count, 0);
  const byCurrency = (metric: Metric) => Object.fromEntries(of(metric).map((figure) => [figure.currency, figure.amountMinor]));
  return {
    payments: { count: total('payments'), revenueMinor: byCurrency('payments') },
    invoicesIssued: { count: total('invoices_issued'), amountMinor: byCurrency('invoices_issued') },
    shipmentsScheduled: { count: total('shipments_scheduled') },
  };
}
