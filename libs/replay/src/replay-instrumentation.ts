import { Inject, Injectable, Logger } from '@nestjs/common';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { Counter, Registry } from 'prom-client';
import { REPLAY_OPTIONS, ReplayModuleOptions } from './replay-options';
import { Replays } from './replays';

/**
 * Turns what the service's replays report into logs, Prometheus metrics and one span per replay
 * (a child of the request that started it; its records are not traced one by one), with its swaps
 * and skipped records as span events.
 */
@Injectable()
export class ReplayInstrumentation {
  constructor(replays: Replays, @Inject(REPLAY_OPTIONS) { service }: ReplayModuleOptions, registry: Registry) {
    const finished = new Counter({
      name: 'ensemble_replays_finished_total',
      help: 'Replays that ended, by kind (rebuild or snapshot) and outcome (done, failed or cancelled)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    });
    const recordsRead = new Counter({ name: 'ensemble_replay_records_read_total', help: 'Records read by replays that ended', registers: [registry] });
    const skipped = new Counter({
      name: 'ensemble_replay_records_skipped_total',
      help: 'Records a replay left out of its shadow: dead-lettered by the live consumer too, or failing still',
      registers: [registry],
    });
    const swapsPostponed = new Counter({
      name: 'ensemble_replay_swaps_postponed_total',
      help: 'Swap attempts of a rebuild that gave way to the live consumer',
      registers: [registry],
    });
    const logger = new Logger(`replays ${service}`);
    replays.on('shadowsDropped', ({ schemas }) => logger.log(`dropped the shadows of replays that died: ${schemas.join(', ')}`));
    replays.on('groupsDeleted', ({ groups }) => logger.log(`deleted the consumer groups of replays that ended: ${groups.join(', ')}`));
    const tracer = trace.getTracer('ensemble');
    replays.on('started', (replay) => {
      const replayLogger = new Logger(`replay ${service} ${replay.id}`);
      const span = tracer.startSpan(`replay ${service}`, { attributes: { 'ensemble.replay.id': replay.id } });
      replay.on('skipped', ({ eventId, topic, partition, offset, reason }) => {
        skipped.inc();
        span.addEvent('skipped', { eventId, topic, partition, offset, reason });
        replayLogger.warn({ eventId, topic, partition, offset }, `skipped: ${reason}`);
      });
      replay.on('swapPostponed', ({ attempt, reason }) => {
        swapsPostponed.inc();
        span.addEvent('swap postponed', { attempt, reason });
        replayLogger.warn(`swap postponed: ${reason}`);
      });
      replay.on('swapped', ({ recordsRead: read, attempt }) => {
        span.addEvent('swapped', { 'records.read': read, attempt });
        replayLogger.log(`swapped in after ${read} records (attempt ${attempt})`);
      });
      replay.on('failed', ({ error }) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error });
        replayLogger.error(`failed: ${error}`);
      });
      replay.on('groupNotDeleted', ({ groupId, error }) => replayLogger.warn(`could not delete group ${groupId}: ${error.message}`));
      replay.on('finished', ({ kind, outcome, recordsRead: read, skipped: count }) => {
        finished.inc({ kind, outcome });
        recordsRead.inc(read);
        span.setAttributes({ 'ensemble.replay.kind': kind, 'ensemble.replay.outcome': outcome, 'ensemble.replay.records_read': read, 'ensemble.replay.skipped': count });
        span.end();
        replayLogger.log(`${outcome}: ${read} records read, ${count} skipped`);
      });
    });
  }
}
