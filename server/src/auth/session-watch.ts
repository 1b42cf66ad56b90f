import type { Logger } from 'pino';
import type pg from 'pg';

/** Most session ids checked in one query. */
const CHUNK = 1_000;

/**
 * Keeps long-lived connections (the sync sockets) tied to the session they
 * were opened with. A socket is authenticated once, at the upgrade; without
 * this, a sign-out, a revocation, a password change that ends other
 * sessions, or plain expiry would leave it writing for as long as it stays
 * open (ASVS 5.0 V7.4: revocation reaches open connections).
 *
 * Every `everyMs` it asks the store, in one query for all watched sessions,
 * which of them still exist and have not expired, and calls `onEnded` for
 * the others. The store is the truth every instance shares, so a sign-out on
 * one instance reaches sockets on all of them within `everyMs`. A failed
 * query ends nothing: the database being away is not a sign-out.
 */
export class SessionWatch {
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly timer: NodeJS.Timeout;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    readonly everyMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => {
      this.checking ??= this.check().finally(() => (this.checking = null));
    }, everyMs);
    this.timer.unref();
  }

  /** Calls `onEnded` once when the session ends; returns a function that stops watching. */
  watch(sessionId: string, onEnded: () => void): () => void {
    let set = this.watchers.get(sessionId);
    if (!set) {
      set = new Set();
      this.watchers.set(sessionId, set);
    }
    set.add(onEnded);
    return () => {
      const current = this.watchers.get(sessionId);
      current?.delete(onEnded);
      if (current?.size === 0) this.watchers.delete(sessionId);
    };
  }

  /** Sessions watched now (for tests and metrics). */
  get size(): number {
    return this.watchers.size;
  }

  /** One round: ends the watchers of every session that is gone or expired. */
  async check(): Promise<void> {
    const ids = [...this.watchers.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      let alive: Set<string>;
      try {
        const { rows } = await this.pool.query<{ id: string }>(
          `SELECT id::text AS id FROM auth_sessions
           WHERE id = ANY($1::uuid[]) AND expires_at > NOW()`,
          [chunk],
        );
        alive = new Set(rows.map((row) => row.id));
      } catch (error) {
        this.log.warn({ err: error }, 'could not re-check the sessions of open sockets');
        return;
      }
      for (const id of chunk) {
        if (alive.has(id)) continue;
        const ended = this.watchers.get(id);
        this.watchers.delete(id);
        for (const onEnded of ended ?? []) onEnded();
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
