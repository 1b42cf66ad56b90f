import type { Logger } from 'pino';
import type pg from 'pg';
import * as Y from 'yjs';
import { userDocName, type UserDoc } from '@mindful/shared';
import type { FieldCipher } from '../privacy/cipher';
import { CloseCodes, generationReason } from './close-codes';
import { LiveDocument } from './live-document';
import { Reconciler, type ReconciledListener } from './reconciler';
import { SyncMetrics } from './sync-metrics';
import { GenerationMovedError, UpdateLog } from './update-log';

/** Tuning of the registry; the defaults suit production. */
export interface RegistryOptions {
  /** A document with no peers and nothing in flight is unloaded after this long. */
  idleUnloadMs?: number;
  /** Reconciliation runs this long after the last logged update of a burst. */
  reconcileDebounceMs?: number;
  /** Wait before retrying a reconciliation that failed on a store error. */
  reconcileRetryMs?: number;
}

const DEFAULTS: Required<RegistryOptions> = {
  idleUnloadMs: 60_000,
  reconcileDebounceMs: 300,
  reconcileRetryMs: 5_000,
};

/** Awareness of `clientIds` changed through the peers of `doc` on this instance. */
export type PeerAwarenessListener = (doc: LiveDocument, clientIds: number[]) => void;

/** The registry is shutting down and takes no more work. */
export class RegistryClosedError extends Error {
  constructor() {
    super('The document registry is shut down');
    this.name = 'RegistryClosedError';
  }
}

/**
 * One in-memory Y.Doc per loaded user document, shared by the sync socket and
 * the REST API: the single write path. Loads a document from the log before
 * anyone touches it, schedules its reconciliation into relational rows after
 * each logged update, and unloads it when idle.
 */
export class DocumentRegistry {
  readonly metrics = new SyncMetrics();
  readonly updateLog: UpdateLog;
  private readonly reconciler: Reconciler;
  private readonly options: Required<RegistryOptions>;
  private readonly loading = new Map<string, Promise<LiveDocument>>();
  private readonly live = new Map<string, LiveDocument>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  private readonly awarenessListeners = new Set<PeerAwarenessListener>();

  constructor(
    pool: pg.Pool,
    cipher: FieldCipher,
    private readonly log: Logger,
    options: RegistryOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.updateLog = new UpdateLog(pool, cipher);
    this.reconciler = new Reconciler(pool, cipher, log, this.metrics);
    const every = Math.max(50, Math.min(this.options.idleUnloadMs / 2, 10_000));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  /** Number of documents in memory. */
  get loadedCount(): number {
    return this.live.size;
  }

  /** Number of connected replicas across all documents. */
  get peerCount(): number {
    let n = 0;
    for (const doc of this.live.values()) n += doc.peers.size;
    return n;
  }

  /** Names of the documents in memory or loading (the fan-out re-reads their logs). */
  loadedNames(): string[] {
    return [...new Set([...this.live.keys(), ...this.loading.keys()])];
  }

  /**
   * The document if it is in memory, once any load in flight has finished;
   * undefined if it is not loaded (nothing is loaded for the caller).
   */
  async whenLoaded(docName: string): Promise<LiveDocument | undefined> {
    const loading = this.loading.get(docName);
    if (loading) await loading.catch(() => undefined);
    const doc = this.live.get(docName);
    return doc && !doc.dead ? doc : undefined;
  }

  /**
   * Subscribes to "a user's rows were reconciled" (e.g. team aggregates).
   * The listener runs inside the reconciling transaction on `client`.
   */
  onReconciled(listener: ReconciledListener): () => void {
    return this.reconciler.onReconciled(listener);
  }

  /** Subscribes to awareness changes of this instance's replicas (the fan-out relays them). */
  onPeerAwareness(listener: PeerAwarenessListener): () => void {
    this.awarenessListeners.add(listener);
    return () => this.awarenessListeners.delete(listener);
  }

  /**
   * The loaded document, loading it from the log first if needed. The caller
   * holds it (it is not unloaded) until it calls {@link release}.
   */
  async acquire(docName: string, userId: string): Promise<LiveDocument> {
    for (;;) {
      if (this.closed) throw new RegistryClosedError();
      const ready = this.live.get(docName);
      if (ready && !ready.dead) {
        ready.users++;
        ready.lastActive = Date.now();
        return ready;
      }
      let pending = this.loading.get(docName);
      if (!pending) {
        pending = this.load(docName, userId);
        this.loading.set(docName, pending);
        pending.then(
          () => this.loading.delete(docName),
          () => this.loading.delete(docName),
        );
      }
      const doc = await pending;
      if (!doc.dead && this.live.get(docName) === doc) {
        doc.users++;
        doc.lastActive = Date.now();
        return doc;
      }
    }
  }

  release(doc: LiveDocument): void {
    doc.users = Math.max(0, doc.users - 1);
    doc.lastActive = Date.now();
  }

  /** Runs `work` with the user's document held. */
  async use<T>(userId: string, work: (doc: LiveDocument) => Promise<T>): Promise<T> {
    const doc = await this.acquire(userDocName(userId), userId);
    try {
      return await work(doc);
    } finally {
      this.release(doc);
    }
  }

  /**
   * The REST write path: runs `mutate` on the user's document; resolves once
   * the change is in the log and on its way to every connected replica.
   */
  write<T>(userId: string, mutate: (doc: UserDoc) => T): Promise<T> {
    return this.use(userId, (doc) => doc.write(mutate));
  }

  /** Reconciles the user's document now (waiting for any run in flight). */
  async reconcileNow(userId: string): Promise<void> {
    const doc = this.live.get(userDocName(userId));
    if (doc) await this.runReconcile(doc, true);
  }

  /**
   * Drops a document whose generation moved on (purge): every connected
   * replica is closed with 4410 `generation=<generation>` at once, queued
   * writes are refused and no pending reconciliation runs.
   */
  async evict(docName: string, generation: number): Promise<void> {
    const loading = this.loading.get(docName);
    if (loading) await loading.catch(() => undefined);
    const doc = this.live.get(docName);
    if (!doc) return;
    this.live.delete(docName);
    this.metrics.documentsUnloaded++;
    doc.kill(CloseCodes.generationGone, generationReason(generation));
    await doc.reconciling?.catch(() => undefined);
  }

  /** Reconciles every document with pending changes, then closes every replica (1001). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.loading.values()]);
    const docs = [...this.live.values()];
    await Promise.allSettled(docs.map((doc) => doc.whenLogged()));
    await Promise.allSettled(
      docs
        .filter((doc) => doc.reconcileTimer !== null || doc.reconciling !== null)
        .map((doc) => this.runReconcile(doc, true)),
    );
    for (const doc of docs) doc.kill(CloseCodes.goingAway);
    this.live.clear();
  }

  /**
   * Reconciles documents whose log is ahead of their rows (the server died
   * between logging an update and reconciling it). Idempotent, so several
   * instances may run it at once; it needs no advisory lock (and must not hold
   * a connection while the registry uses the pool: PGlite has only one).
   * @returns how many documents were reconciled.
   */
  async reconcilePending(limit = 100): Promise<number> {
    let done = 0;
    for (const { docName, userId } of await this.updateLog.unreconciled(limit)) {
      if (this.closed) break;
      const doc = await this.acquire(docName, userId);
      try {
        await this.runReconcile(doc, true);
        done++;
      } finally {
        this.release(doc);
      }
    }
    return done;
  }

  private async load(docName: string, userId: string): Promise<LiveDocument> {
    const generation = await this.updateLog.ensureDocument(docName, userId);
    const { updates, skipped, lastId } = await this.updateLog.load(docName, generation);
    const doc = new LiveDocument(docName, userId, generation, {
      log: this.updateLog,
      metrics: this.metrics,
      persisted: (d) => this.scheduleReconcile(d),
      failed: (d, error) => this.failed(d, error),
      peerAwareness: (d, ids) => {
        for (const listener of this.awarenessListeners) listener(d, ids);
      },
    });
    doc.lastLoggedId = lastId;
    let unreadable = skipped;
    Y.transact(
      doc.ydoc,
      () => {
        for (const entry of updates) {
          try {
            Y.applyUpdate(doc.ydoc, entry.update);
          } catch {
            unreadable++;
          }
        }
      },
      'load',
    );
    if (unreadable > 0) {
      doc.loadIncomplete = true;
      this.metrics.logEntriesSkipped += unreadable;
      this.log.error(
        { doc: docName, unreadable },
        'log entries could not be read; deletions are paused for this document',
      );
    }
    if (this.closed) {
      doc.kill(CloseCodes.goingAway);
      throw new RegistryClosedError();
    }
    this.live.set(docName, doc);
    this.metrics.documentsLoaded++;
    // Rows may lag the log after a crash between logging and reconciling.
    if (updates.length > 0) this.scheduleReconcile(doc);
    return doc;
  }

  private scheduleReconcile(doc: LiveDocument, delayMs = this.options.reconcileDebounceMs): void {
    doc.reconcileDirty = true;
    if (doc.dead || doc.reconcileTimer !== null || doc.reconciling !== null) return;
    doc.reconcileTimer = setTimeout(() => {
      doc.reconcileTimer = null;
      void this.runReconcile(doc, false);
    }, delayMs);
  }

  private async runReconcile(doc: LiveDocument, force: boolean): Promise<void> {
    if (doc.reconcileTimer !== null) {
      clearTimeout(doc.reconcileTimer);
      doc.reconcileTimer = null;
    }
    while (doc.reconciling) await doc.reconciling;
    if (doc.dead || (!force && !doc.reconcileDirty)) return;
    doc.reconcileDirty = false;
    let retry = false;
    doc.reconciling = this.reconciler.reconcile(doc).catch((error: unknown) => {
      this.metrics.reconcileFailures++;
      if (error instanceof GenerationMovedError) {
        this.log.warn(
          { doc: doc.docName },
          'generation moved on during reconciliation; dropping the document',
        );
        this.dropStale(doc, error.current);
        return;
      }
      this.log.error({ err: error, doc: doc.docName }, 'reconciliation failed; retrying');
      retry = true;
    });
    try {
      await doc.reconciling;
    } finally {
      doc.reconciling = null;
    }
    if (retry) this.scheduleReconcile(doc, this.options.reconcileRetryMs);
    else if (doc.reconcileDirty) this.scheduleReconcile(doc);
  }

  private dropStale(doc: LiveDocument, current: number | null): void {
    if (this.live.get(doc.docName) === doc) this.live.delete(doc.docName);
    doc.kill(CloseCodes.generationGone, generationReason(current ?? doc.generation + 1));
  }

  /** Logging failed: the memory is ahead of the log, so forget it and let replicas re-send. */
  private failed(doc: LiveDocument, error: unknown): void {
    if (error instanceof GenerationMovedError) {
      this.dropStale(doc, error.current);
      return;
    }
    this.log.error(
      { err: error, doc: doc.docName },
      'could not log an update; closing the document',
    );
    if (this.live.get(doc.docName) === doc) this.live.delete(doc.docName);
    doc.kill(CloseCodes.internalError);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [name, doc] of this.live) {
      if (doc.quiet && now - doc.lastActive >= this.options.idleUnloadMs) {
        this.live.delete(name);
        this.metrics.documentsUnloaded++;
        doc.kill(CloseCodes.goingAway);
      }
    }
  }
}
