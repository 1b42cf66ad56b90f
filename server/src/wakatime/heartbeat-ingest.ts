import type { SessionEntry, UserDoc } from '@mindful/shared';
import type { AppContext } from '../context';
import { lockKey } from '../jobs/advisory-lock';
import type { Heartbeat } from './heartbeat-input';
import {
  heartbeatRunAround,
  insertHeartbeats,
  loadPoints,
  sessionIdFor,
  userWakatimeProfile,
} from './heartbeat-store';
import { buildSessions } from './session-builder';

/** What one ingest did. */
export interface IngestOutcome {
  /** Heartbeats not seen before (a re-sent bulk stores 0). */
  stored: number;
  /** Sessions written to (or removed from) the user's document. */
  sessionsChanged: number;
}

const withoutStamp = (s: SessionEntry) => JSON.stringify({ ...s, updated_at: '' });

/**
 * The valid sessions of the document overlapping [fromMs, toMs]. Raw entries
 * are screened by their times first, so only the few nearby ones are
 * validated: a long history does not make every ingest slower.
 */
function nearbySessions(doc: UserDoc, fromMs: number, toMs: number, now: Date): SessionEntry[] {
  const found: SessionEntry[] = [];
  for (const [id, raw] of doc.sessions.entries()) {
    const times = raw as { start_time?: unknown; end_time?: unknown } | null;
    if (typeof times?.start_time !== 'string') continue;
    const start = Date.parse(times.start_time);
    const end = typeof times.end_time === 'string' ? Date.parse(times.end_time) : now.getTime();
    if (!(start <= toMs && end >= fromMs)) continue;
    const entry = doc.getSession(id);
    if (entry) found.push(entry);
  }
  return found;
}

/**
 * Heartbeats in, coding sessions out: new heartbeats are stored (duplicates
 * dropped), then every session they can touch is rebuilt from the stored
 * heartbeats and written to the user's document through the registry, the
 * one write path (replicas, reconciliation, export, purge and retention all
 * follow from there). One user's ingests run one at a time: in this process
 * by a queue, across instances on PostgreSQL by an advisory lock held on a
 * connection of its own (PGlite is a single process with one connection).
 */
export class HeartbeatIngest {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly ctx: Pick<AppContext, 'db' | 'cipher' | 'registry'>) {}

  ingest(
    userId: string,
    heartbeats: readonly Heartbeat[],
    now = new Date(),
  ): Promise<IngestOutcome> {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.locked(userId, heartbeats, now));
    this.queues.set(userId, run);
    void run
      .finally(() => {
        if (this.queues.get(userId) === run) this.queues.delete(userId);
      })
      .catch(() => undefined);
    return run;
  }

  private async locked(
    userId: string,
    heartbeats: readonly Heartbeat[],
    now: Date,
  ): Promise<IngestOutcome> {
    if (this.ctx.db.kind !== 'postgres') return this.run(userId, heartbeats, now);
    const lock = await this.ctx.db.pool.connect();
    const key = lockKey(`wakatime-ingest:${userId}`);
    try {
      await lock.query('SELECT pg_advisory_lock($1::bigint)', [key]);
      try {
        return await this.run(userId, heartbeats, now);
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      }
    } finally {
      lock.release();
    }
  }

  private async run(
    userId: string,
    heartbeats: readonly Heartbeat[],
    now: Date,
  ): Promise<IngestOutcome> {
    const { pool } = this.ctx.db;
    const settings = await this.ctx.registry.use(userId, async (doc) => doc.userDoc.settings);
    const times = await insertHeartbeats(pool, this.ctx.cipher, userId, heartbeats, settings);
    if (times.length === 0) return { stored: 0, sessionsChanged: 0 };
    const { idleTimeoutMs, timeZone } = await userWakatimeProfile(pool, userId);
    // Every session the new heartbeats can touch lies in the run around them.
    const { lo, hi } = await heartbeatRunAround(
      pool,
      userId,
      Math.min(...times),
      Math.max(...times),
      idleTimeoutMs,
    );
    const points = await loadPoints(pool, this.ctx.cipher, userId, lo, hi);
    const sessionsChanged = await this.ctx.registry.write(userId, (doc) => {
      const existing = nearbySessions(doc, lo - idleTimeoutMs, hi + idleTimeoutMs, now);
      const keystrokeCovered = existing
        .filter((s) => s.source !== 'wakatime')
        .map((s) => ({
          start: Date.parse(s.start_time),
          end: s.end_time ? Date.parse(s.end_time) : now.getTime(),
        }));
      const built = buildSessions(points, {
        idleTimeoutMs,
        timeZone,
        settings: doc.settings,
        sessionId: (stream, start) => sessionIdFor(userId, stream, start),
        keystrokeCovered,
        now,
      });
      const next = new Map(built.map((s) => [s.id, s]));
      const stale = existing.filter(
        (s) =>
          s.source === 'wakatime' &&
          !next.has(s.id) &&
          Date.parse(s.start_time) <= hi &&
          Date.parse(s.end_time ?? s.start_time) >= lo,
      );
      const current = new Map(existing.map((s) => [s.id, s]));
      const changed = built.filter((s) => {
        const before = current.get(s.id);
        return !before || withoutStamp(before) !== withoutStamp(s);
      });
      doc.ydoc.transact(() => {
        if (stale.length > 0) doc.deleteSessions(stale.map((s) => s.id));
        for (const session of changed) doc.putSession(session);
      });
      return stale.length + changed.length;
    });
    return { stored: times.length, sessionsChanged };
  }
}
