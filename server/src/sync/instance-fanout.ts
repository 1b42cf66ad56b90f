import type { Logger } from 'pino';
import pg from 'pg';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
  DOC_AWARENESS_CHANNEL,
  encodeAwarenessNotice,
  parseAwarenessNotice,
} from './awareness-notice';
import type { DocumentRegistry } from './document-registry';
import type { LiveDocument } from './live-document';
import { compareIds } from './log-ids';
import { DOC_UPDATES_CHANNEL } from './log-places';
import type { PgDocumentLog } from './pg-document-log';

/** One notification on {@link DOC_UPDATES_CHANNEL}. */
export interface DocNotice {
  docName: string;
  generation: number;
  /** The appended log id; '0' for a new generation (purge). */
  id: string;
  /** The notifying instance ('0' when not an instance's append, e.g. a purge). */
  instance: string;
}

const DIGITS = /^\d{1,19}$/;

/**
 * Parses `<doc_name>|<generation>|<id>|<instance>` (the name may contain `|`:
 * the numbers are taken from the right). Null for anything else.
 */
export function parseDocNotice(payload: string): DocNotice | null {
  const parts = payload.split('|');
  if (parts.length < 4) return null;
  const [generation, id, instance] = parts.slice(-3) as [string, string, string];
  const docName = parts.slice(0, -3).join('|');
  if (!docName || ![generation, id, instance].every((p) => DIGITS.test(p))) return null;
  const gen = Number(generation);
  if (!Number.isSafeInteger(gen) || gen < 1) return null;
  return { docName, generation: gen, id, instance };
}

/** The payload announcing a new generation of `docName` (what a purge sends). */
export function generationNotice(docName: string, generation: number): string {
  return `${docName}|${generation}|0|0`;
}

/** Tuning of the listener (tests shorten it). */
export interface FanoutOptions {
  /** First reconnect delay after the listening connection drops; doubles up to the max. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A `SELECT 1` on the listening connection this often finds a silently dead one. */
  pingEveryMs?: number;
}

const DEFAULTS: Required<FanoutOptions> = {
  minBackoffMs: 100,
  maxBackoffMs: 10_000,
  pingEveryMs: 30_000,
};

/** Application name of the listening connection (visible in pg_stat_activity). */
export const FANOUT_APPLICATION_NAME = 'mindful-fanout';

/** Work pending for one document: coalesces a burst of notifications into few reads. */
interface Pending {
  dirty: boolean;
  /** Re-read the whole generation (after the listener reconnected, or a compacted id). */
  full: boolean;
  /** Read the tail after the document's last applied id. */
  tail: boolean;
  /** Notified ids, read even when not after the last applied id (they may commit late). */
  ids: Set<string>;
  generation: number;
}

/** Remembered notified ids per document, so a burst does not re-read them. */
const SEEN_LIMIT = 512;

/**
 * Fan-out between server instances that share one PostgreSQL. Every append to
 * `crdt_updates` (and every purge) notifies {@link DOC_UPDATES_CHANNEL}; this
 * holds ONE dedicated listening connection (not from the pool) and, for each
 * notification about a document loaded here from another instance, reads the
 * log entries this instance has not applied, applies them to the in-memory
 * document without logging them again and broadcasts them to its replicas. A
 * newer generation evicts the document (its replicas are closed with 4410).
 *
 * Notifications are lost while nobody listens, so whenever the connection is
 * (re)established every loaded document's log is re-read: the tail on the
 * first connect, the whole generation after a drop (an entry may have committed
 * out of id order meanwhile). Applying what a document already holds is a no-op.
 *
 * Awareness (presence) is relayed the same way on {@link DOC_AWARENESS_CHANNEL},
 * over the same connection and never stored: the changes of one tick are sent
 * as one notice per document, and an instance that misses some (or loads the
 * document later) learns each replica's state at its next renewal (≤ 15 s).
 */
export class InstanceFanout {
  private readonly options: Required<FanoutOptions>;
  private client: pg.Client | null = null;
  private stopped = false;
  private connectedBefore = false;
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private connecting: Promise<void> | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Set<Promise<void>>();
  private readonly seen = new WeakMap<LiveDocument, Set<string>>();
  private readyWaiters: (() => void)[] = [];
  /** Awareness changes of this tick, per document, relayed together at the next turn. */
  private readonly outgoingAwareness = new Map<LiveDocument, Set<number>>();
  private readonly stopRelaying: () => void;

  constructor(
    private readonly clientConfig: pg.ClientConfig,
    private readonly registry: DocumentRegistry,
    private readonly documentLog: PgDocumentLog,
    private readonly log: Logger,
    options: FanoutOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.backoffMs = this.options.minBackoffMs;
    this.stopRelaying = registry.onPeerAwareness((doc, ids) => this.queueAwareness(doc, ids));
  }

  /** Starts listening (in the background: a store that is down is retried with backoff). */
  start(): void {
    this.connecting = this.connect();
  }

  /** True while the listening connection is up. */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Resolves once the listening connection is up (immediately if it is). */
  ready(): Promise<void> {
    if (this.client || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Closes the listening connection and waits for reads in flight. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopRelaying();
    this.outgoingAwareness.clear();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      ...this.clientConfig,
      keepAlive: true,
      application_name: FANOUT_APPLICATION_NAME,
    });
    let gone = false;
    const drop = (error?: unknown) => {
      if (gone) return;
      gone = true;
      if (this.client === client) this.client = null;
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = null;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.log.warn(
        { err: error, retryInMs: this.backoffMs },
        'fan-out listener lost its connection; reconnecting',
      );
      this.scheduleReconnect();
    };
    // Kept for the client's lifetime: a late 'error' must never go unhandled.
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (message) => this.onNotification(message));
    try {
      await client.connect();
      await client.query(`LISTEN ${DOC_UPDATES_CHANNEL}`);
      await client.query(`LISTEN ${DOC_AWARENESS_CHANNEL}`);
    } catch (error) {
      drop(error);
      return;
    }
    if (gone) return;
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backoffMs = this.options.minBackoffMs;
    this.registry.metrics.fanoutConnects++;
    const reconnected = this.connectedBefore;
    this.connectedBefore = true;
    this.pingTimer = setInterval(() => this.ping(client, drop), this.options.pingEveryMs);
    this.pingTimer.unref();
    // Whatever was notified while nobody listened is lost: read the logs.
    for (const name of this.registry.loadedNames()) {
      this.schedule(name, reconnected ? { full: true } : { tail: true });
    }
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connecting = this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private ping(client: pg.Client, drop: (error?: unknown) => void): void {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('fan-out listener ping timed out')), 10_000);
      timer.unref();
    });
    Promise.race([client.query('SELECT 1'), timeout])
      .catch((error: unknown) => drop(error))
      .finally(() => clearTimeout(timer));
  }

  private queueAwareness(doc: LiveDocument, clientIds: number[]): void {
    if (this.stopped || !this.client) return;
    let ids = this.outgoingAwareness.get(doc);
    if (!ids) {
      this.outgoingAwareness.set(doc, (ids = new Set()));
      if (this.outgoingAwareness.size === 1) setImmediate(() => this.relayAwareness());
    }
    for (const id of clientIds) ids.add(id);
  }

  private relayAwareness(): void {
    const client = this.client;
    const batch = [...this.outgoingAwareness];
    this.outgoingAwareness.clear();
    if (!client) return;
    const metrics = this.registry.metrics;
    for (const [doc, ids] of batch) {
      if (doc.dead) continue;
      const payload = encodeAwarenessNotice({
        docName: doc.docName,
        generation: doc.generation,
        instance: this.documentLog.instanceId,
        update: awarenessProtocol.encodeAwarenessUpdate(doc.awareness, [...ids]),
      });
      if (payload === null) {
        metrics.awarenessTooLarge++;
        continue;
      }
      metrics.awarenessFannedOut++;
      // Presence is ephemeral: a notice lost with the connection is renewed by the replica.
      client
        .query('SELECT pg_notify($1, $2)', [DOC_AWARENESS_CHANNEL, payload])
        .catch(() => undefined);
    }
  }

  private onAwarenessNotice(payload: string): void {
    const notice = parseAwarenessNotice(payload);
    if (!notice || notice.instance === this.documentLog.instanceId) return;
    void this.registry.whenLoaded(notice.docName).then((doc) => {
      // Only documents loaded here have replicas to tell; another generation's presence is void.
      if (!doc || doc.generation !== notice.generation) return;
      try {
        doc.applyRemoteAwareness(notice.update);
        this.registry.metrics.awarenessFannedIn++;
      } catch (error) {
        this.log.warn({ err: error, doc: notice.docName }, 'unreadable awareness notice ignored');
      }
    });
  }

  private onNotification(message: pg.Notification): void {
    if (!message.payload) return;
    if (message.channel === DOC_AWARENESS_CHANNEL) {
      this.onAwarenessNotice(message.payload);
      return;
    }
    if (message.channel !== DOC_UPDATES_CHANNEL) return;
    const notice = parseDocNotice(message.payload);
    if (!notice) return;
    // This instance's own appends are already in memory.
    if (notice.instance === this.documentLog.instanceId) return;
    this.schedule(notice.docName, {
      generation: notice.generation,
      id: notice.id === '0' ? undefined : notice.id,
    });
  }

  private schedule(
    docName: string,
    work: { generation?: number; id?: string; tail?: boolean; full?: boolean },
  ): void {
    if (this.stopped) return;
    let pending = this.pending.get(docName);
    if (!pending) {
      pending = { dirty: false, full: false, tail: false, ids: new Set(), generation: 0 };
      this.pending.set(docName, pending);
      const run = this.drain(docName, pending);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
    pending.dirty = true;
    pending.full ||= work.full ?? false;
    pending.tail ||= work.tail ?? false;
    if (work.id) pending.ids.add(work.id);
    pending.generation = Math.max(pending.generation, work.generation ?? 0);
  }

  private async drain(docName: string, pending: Pending): Promise<void> {
    // Runs after schedule() has filled in the work (and after any notification
    // delivered in the same tick).
    await Promise.resolve();
    try {
      while (pending.dirty && !this.stopped) {
        pending.dirty = false;
        const work = {
          full: pending.full,
          tail: pending.tail,
          ids: [...pending.ids],
          generation: pending.generation,
        };
        pending.full = false;
        pending.tail = false;
        pending.ids.clear();
        try {
          await this.catchUp(docName, work);
        } catch (error) {
          this.log.error(
            { err: error, doc: docName },
            'fan-out could not read the log; re-reading it shortly',
          );
          const retry = setTimeout(() => this.schedule(docName, { full: true }), 1_000);
          retry.unref();
        }
      }
    } finally {
      this.pending.delete(docName);
    }
  }

  private async catchUp(
    docName: string,
    work: { full: boolean; tail: boolean; ids: string[]; generation: number },
  ): Promise<void> {
    const doc = await this.registry.whenLoaded(docName);
    if (!doc) return;
    if (work.generation > doc.generation) {
      // Purged elsewhere: drop it here too (closes its replicas with 4410).
      await this.registry.evict(docName, work.generation);
      return;
    }
    let seen = this.seen.get(doc);
    if (!seen) this.seen.set(doc, (seen = new Set()));
    const afterId = work.full ? '0' : doc.lastLoggedId;
    // A notified id at or below what the document holds committed late: read it by id.
    const late = work.ids.filter((id) => compareIds(id, afterId) <= 0 && !seen.has(id));
    const newer = work.ids.some((id) => compareIds(id, afterId) > 0);
    // Everything notified is already held (read with an earlier notice of the burst).
    if (!work.full && !work.tail && !newer && late.length === 0) return;
    const read = await this.documentLog.load(docName, doc.generation, {
      afterId,
      ids: late,
    });
    if (doc.dead) return;
    const readIds = new Set(read.updates.map((u) => u.id));
    if (late.some((id) => !readIds.has(id)) && read.skipped === 0) {
      // Compacted into a snapshot meanwhile (or gone with a purge): read everything.
      this.schedule(docName, { full: true });
    }
    if (seen.size > SEEN_LIMIT) seen.clear();
    for (const id of work.ids) seen.add(id);
    for (const id of readIds) seen.add(id);
    const unreadable = doc.applyLogged(read.updates, read.lastId) + read.skipped;
    if (unreadable > 0) {
      doc.markIncomplete();
      this.registry.metrics.logEntriesSkipped += unreadable;
      this.log.error(
        { doc: docName, unreadable },
        'log entries from another instance could not be read; deletions are paused for this document',
      );
    }
  }
}
