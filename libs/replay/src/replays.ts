import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { AdvisoryLease, quoteIdentifier } from '@ensemble/database';
import { EventTransport } from '@ensemble/event-consumer';
import { INBOX_MIGRATIONS } from '@ensemble/inbox';
import { KAFKA_CLIENT } from '@ensemble/kafka';
import { Replay, REPLAY_SESSION_TIMEOUT_MS, ReplayRequest } from './replay';
import { ReplayInProgress, ReplayNotFound, SnapshotFailed, TooManySnapshots, WindowNotSupported } from './replay-errors';
import { REPLAY_OPTIONS, ReplayModuleOptions } from './replay-options';
import { ShadowSchema } from './shadow-schema';
import { untraced } from '@ensemble/tracing';

/** Point-in-time snapshots kept for `asOf` reads; older ones are dropped. */
const SNAPSHOTS_KEPT = 10;
/** Snapshot builds for `asOf` reads at once; a request for yet another time is answered 429. */
const SNAPSHOT_BUILDS_AT_ONCE = 2;
/** Finished replays kept for their progress (GET /admin/replay); older ones are let go. */
const FINISHED_KEPT = 20;
/** A snapshot this close to now may still miss records stamped before its time but not yet appended: it is not kept. */
const SETTLED_AFTER_MS = 60_000;

/** What the service's replays report, for logs and metrics: each replay as it starts (its own events follow), and the clearing of what crashed ones left. */
export interface ReplaysEvents {
  started: [Replay];
  shadowsDropped: [{ schemas: string[] }];
  groupsDeleted: [{ groups: string[] }];
}

/**
 * The service's replays: one rebuild at a time across all its instances (a PostgreSQL advisory
 * lock held while it runs), any number of snapshots. Starting one first clears what crashed
 * replays left: their shadow schemas and their consumer groups.
 */
@Injectable()
export class Replays extends EventEmitter<ReplaysEvents> implements OnApplicationShutdown {
  private readonly replays = new Map<string, Replay>();
  /** `asOf` snapshots being built, by schema name: concurrent requests for the same minute share one. */
  private readonly snapshotBuilds = new Map<string, Promise<void>>();

  constructor(
    @Inject(REPLAY_OPTIONS) private readonly options: ReplayModuleOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly transport: EventTransport,
  ) {
    super();
  }

  /** Rebuilds the projection from the topics into a shadow and swaps it in once caught up with the live consumer. */
  async rebuild(request: Pick<ReplayRequest, 'from'>): Promise<Replay> {
    this.checkWindow(request);
    const lease = await AdvisoryLease.tryTakeOnOwnConnection(this.dataSource, `${this.options.service}.rebuild`);
    if (!lease) throw new ReplayInProgress(this.options.service);
    try {
      return await this.start(request, undefined, () => lease.release());
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  /** Builds the projection as it was at `to` (records stamped before it) beside the live one, and keeps it as `keepAs`. */
  async snapshot(request: ReplayRequest & { to: Date }, keepAs?: string): Promise<Replay> {
    this.checkWindow(request);
    return this.start(request, keepAs ?? `snapshot_${request.to.getTime()}`);
  }

  /**
   * Runs `read` on the projection as it was at `asOf`, rounded down to its minute, from a snapshot
   * built on demand: concurrent requests for the same minute share one build, at most
   * SNAPSHOT_BUILDS_AT_ONCE run at once (429 beyond), and the last SNAPSHOTS_KEPT settled ones are
   * kept for the next question about the same time.
   */
  async readAsOf<T>(asOf: Date, read: (manager: EntityManager, at: Date) => Promise<T>): Promise<T> {
    const minute = new Date(Math.floor(asOf.getTime() / 60_000) * 60_000);
    const settled = Date.now() - minute.getTime() > SETTLED_AFTER_MS;
    const name = settled ? `asof_${minute.getTime()}` : `asof_${minute.getTime()}_${randomUUID().slice(0, 8)}`;
    if (!(await this.schemaExists(name))) await this.buildSnapshot(name, minute);
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL search_path TO ${quoteIdentifier(name)}`);
        return read(manager, minute);
      });
    } finally {
      if (settled) await this.dropOldSnapshots();
      else await this.dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(name)} CASCADE`);
    }
  }

  private buildSnapshot(name: string, to: Date): Promise<void> {
    let build = this.snapshotBuilds.get(name);
    if (!build) {
      if (this.snapshotBuilds.size >= SNAPSHOT_BUILDS_AT_ONCE) throw new TooManySnapshots(SNAPSHOT_BUILDS_AT_ONCE);
      build = this.snapshot({ to }, name).then(async (replay) => {
        await replay.finished;
        // Its schema is what lasts; the replay object itself is let go.
        this.replays.delete(replay.id);
        const { state, error } = replay.progress();
        if (state !== 'done') throw new SnapshotFailed(to, error ?? state);
      });
      const started = build;
      this.snapshotBuilds.set(name, started);
      void started.catch(() => undefined).finally(() => this.snapshotBuilds.delete(name));
    }
    return build;
  }

  find(id: string): Replay {
    const replay = this.replays.get(id);
    if (!replay) throw new ReplayNotFound(this.options.service, id);
    return replay;
  }

  list(): Replay[] {
    return [...this.replays.values()];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.list().map((replay) => replay.cancel()));
  }

  private async start(request: ReplayRequest, keepAs?: string, onFinished?: () => Promise<void>): Promise<Replay> {
    await this.clearLeftovers();
    // A replay is one span (see ReplayInstrumentation), not a span for each of its queries under the request that started it.
    const replay = untraced(() => new Replay(
      randomUUID().replace(/-/g, '').slice(0, 12),
      request,
      {
        service: this.options.service,
        kafka: this.kafka,
        dataSource: this.dataSource,
        transport: this.transport,
        migrations: [...INBOX_MIGRATIONS, ...this.options.projection].map((Migration) => new Migration()),
        window: this.options.window,
        openWork: this.options.openWork,
        onFinished,
      },
      keepAs,
    ));
    this.replays.set(replay.id, replay);
    this.emit('started', replay);
    this.forgetOldFinished();
    return replay;
  }

  /** Keeps the progress of the last FINISHED_KEPT finished replays, and lets older ones go. */
  private forgetOldFinished(): void {
    const finished = this.list().filter((replay) => replay.progress().finishedAt !== undefined);
    for (const replay of finished.slice(0, Math.max(0, finished.length - FINISHED_KEPT))) this.replays.delete(replay.id);
  }

  private checkWindow(request: ReplayRequest): void {
    if (request.from && !this.options.window) {
      throw new WindowNotSupported(this.options.service);
    }
  }

  /**
   * Drops the shadow schemas and consumer groups of replays that died with their process. A dead
   * replay's group keeps its member until the session times out (REPLAY_SESSION_TIMEOUT_MS): such a
   * group is deleted once that has passed.
   */
  private async clearLeftovers(): Promise<void> {
    const schemas = await ShadowSchema.dropLeftovers(this.dataSource);
    if (schemas.length > 0) this.emit('shadowsDropped', { schemas });
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const prefix = `${this.options.service}.replay.`;
      const { groups } = await admin.listGroups();
      const candidates = groups.map((group) => group.groupId).filter((groupId) => groupId.startsWith(prefix));
      const { groups: described } = candidates.length > 0 ? await admin.describeGroups(candidates) : { groups: [] };
      const building = new Set(await this.schemasNamed(ShadowSchema.nameFor('%')));
      const dead = described.filter((group) => !building.has(ShadowSchema.nameFor(group.groupId.slice(prefix.length))));
      const empty = dead.filter((group) => group.state === 'Empty').map((group) => group.groupId);
      if (empty.length > 0) {
        await admin.deleteGroups(empty);
        this.emit('groupsDeleted', { groups: empty });
      }
      if (dead.length > empty.length) setTimeout(() => void this.clearLeftovers().catch(() => undefined), REPLAY_SESSION_TIMEOUT_MS + 2_000).unref();
    } finally {
      await admin.disconnect();
    }
  }

  private async schemasNamed(pattern: string): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.dataSource.query('SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE $1', [pattern]);
    return rows.map((row) => row.name);
  }

  private async schemaExists(name: string): Promise<boolean> {
    const rows = await this.dataSource.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name]);
    return rows.length > 0;
  }

  private async dropOldSnapshots(): Promise<void> {
    const rows: Array<{ name: string }> = await this.dataSource.query(
      `SELECT nspname AS name FROM pg_namespace WHERE nspname ~ '^asof_[0-9]+'
        ORDER BY substring(nspname from '^asof_([0-9]+)')::bigint DESC OFFSET $1`,
      [SNAPSHOTS_KEPT],
    );
    for (const { name } of rows) await this.dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(name)} CASCADE`);
  }
}
