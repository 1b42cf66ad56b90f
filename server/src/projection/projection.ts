import type { Logger } from 'pino';
import pLimit, { type LimitFunction } from 'p-limit';
import type pg from 'pg';
import { userDocName } from '@mindful/shared';
import type { FieldCipher } from '../crypto/cipher';
import { GenerationMovedError } from '../sync/document-log';
import type { DocumentRegistry } from '../sync/document-registry';
import type { LiveDocument } from '../sync/live-document';
import type {
  ProjectionEvents,
  RowsReconciledListener,
  SettingsProjectedListener,
} from './projection-events';
import { ProjectionState } from './projection-state';
import { isDatabaseUnavailable } from '../db/connection-errors';
import { quarantineDocument, unreconciledDocuments } from './projection-store';
import { Reconciler, type ReconcileItem } from './reconciler';

/** Tuning of the projection; the defaults suit production. */
export interface ProjectionOptions {
  /** Reconciliation runs this long after the last logged update of a burst. */
  reconcileDebounceMs?: number;
  /**
   * ...but no later than this after the first change it has not covered
   * (while updates keep coming). Never less than the debounce.
   */
  reconcileMaxWaitMs?: number;
  /** Wait before retrying a reconciliation that failed on a store error. */
  reconcileRetryMs?: number;
  /**
   * Scheduled reconciliations running at once, across documents. The rest
   * wait their turn and, meanwhile, gather more of their document's changes
   * into one run; log appends (what writers wait for) keep the store's
   * capacity. Runs someone waits for (reconcileNow, shutdown) are not limited.
   */
  maxConcurrentReconciles?: number;
  /**
   * Scheduled runs fall due on multiples of this window (0: as computed), so
   * documents whose updates paused at about the same time are reconciled
   * together, in one transaction (see {@link Reconciler.reconcileMany}).
   */
  reconcileBatchWindowMs?: number;
  /** At most this many documents in one such transaction. */
  maxReconcileBatch?: number;
}

/**
 * Runs in a row that may fail for a reason other than the database being
 * away before the document is quarantined: not retried until its next change
 * (the catch-up skips it too, also after a restart).
 */
export const QUARANTINE_AFTER_FAILURES = 3;

const DEFAULTS: Required<ProjectionOptions> = {
  reconcileDebounceMs: 300,
  reconcileMaxWaitMs: 2_000,
  reconcileRetryMs: 5_000,
  maxConcurrentReconciles: 2,
  reconcileBatchWindowMs: 200,
  maxReconcileBatch: 64,
};

/** How long the first scheduled run due waits for others due at about the same time. */
const GATHER_MS = 10;

/** A scheduled run waiting for a slot, with how to tell it how it went. */
interface DueRun extends ReconcileItem {
  settle(failure: unknown): void;
}

/**
 * The projection of user documents into relational rows. Subscribes to the
 * registry's "document persisted" and reconciles the document once its
 * updates pause for the debounce, or at the latest the maximum wait after the
 * first change the rows lack (one run at a time per document, a change during
 * a run queues another): an editor sending an update a minute sees its rows a
 * debounce later, a document written continuously is reconciled every
 * maximum wait, not after every burst. Runs fall due on window boundaries,
 * and the documents due together are reconciled in one transaction.
 * Publishes "settings projected" and "rows reconciled" to the features that
 * follow the rows (privacy's settings mirror, team aggregates). Owns all of the scheduling state; the registry
 * knows nothing of it.
 */
export class Projection implements ProjectionEvents {
  private readonly options: Required<ProjectionOptions>;
  private readonly reconciler: Reconciler;
  private readonly states = new WeakMap<LiveDocument, ProjectionState>();
  private readonly settingsListeners = new Set<SettingsProjectedListener>();
  private readonly rowsListeners = new Set<RowsReconciledListener>();
  private readonly unsubscribe: (() => void)[];
  private catchUpTimer: NodeJS.Timeout | null = null;
  private catchUp: Promise<unknown> = Promise.resolve();
  private readonly scheduledSlots: LimitFunction;
  /** Scheduled runs waiting for a slot; the next slot takes them all (up to the batch size). */
  private readonly due: DueRun[] = [];
  private slotRequested = false;

  constructor(
    private readonly registry: DocumentRegistry,
    private readonly pool: pg.Pool,
    cipher: FieldCipher,
    private readonly log: Logger,
    options: ProjectionOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.scheduledSlots = pLimit(this.options.maxConcurrentReconciles);
    this.reconciler = new Reconciler(pool, cipher, log, registry.metrics, {
      settings: this.settingsListeners,
      rows: this.rowsListeners,
    });
    this.unsubscribe = [
      registry.on('persisted', (doc) => this.schedule(doc)),
      registry.on('closed', (doc) => this.forget(doc)),
      registry.on('closing', (docs) => this.flush(docs)),
    ];
  }

  onSettingsProjected(listener: SettingsProjectedListener): () => void {
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  }

  onRowsReconciled(listener: RowsReconciledListener): () => void {
    this.rowsListeners.add(listener);
    return () => this.rowsListeners.delete(listener);
  }

  /** Reconciles the user's document now if it is loaded (waiting for any run in flight). */
  async reconcileNow(userId: string): Promise<void> {
    const doc = this.registry.peek(userDocName(userId));
    if (doc) await this.run(doc, true);
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
    for (const { docName, userId } of await unreconciledDocuments(this.pool, limit)) {
      if (this.registry.isClosed) break;
      const doc = await this.registry.acquire(docName, userId);
      try {
        await this.run(doc, true);
        done++;
      } finally {
        this.registry.release(doc);
      }
    }
    return done;
  }

  /**
   * Catches up on reconciliation a crash left behind: now, then every `everyMs`.
   * Stopped by {@link stopCatchingUp}.
   */
  startCatchingUp(everyMs: number): void {
    const runCatchUp = () => {
      this.catchUp = this.reconcilePending().catch((error: unknown) => {
        this.log.error({ err: error }, 'catching up on reconciliation failed; will retry');
      });
    };
    this.catchUpTimer = setInterval(runCatchUp, everyMs);
    this.catchUpTimer.unref();
    runCatchUp();
  }

  /** Stops the periodic catch-up and waits for a run in flight. */
  async stopCatchingUp(): Promise<void> {
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    this.catchUpTimer = null;
    await this.catchUp;
  }

  /** Stops following the registry (after it closed). */
  detach(): void {
    for (const off of this.unsubscribe) off();
  }

  private stateOf(doc: LiveDocument): ProjectionState {
    let state = this.states.get(doc);
    if (!state) this.states.set(doc, (state = new ProjectionState()));
    return state;
  }

  /**
   * "Document persisted": reconcile it once its updates pause for the
   * debounce, at the latest the maximum wait after the first change the rows
   * lack (a run in flight schedules the next one when it ends).
   */
  private schedule(doc: LiveDocument): void {
    const state = this.stateOf(doc);
    const now = Date.now();
    if (!state.dirty) state.dirtySince = now;
    state.dirty = true;
    // A run in flight schedules the next when it ends; a retry keeps its back-off.
    if (doc.dead || state.running || state.backingOff) return;
    const { reconcileDebounceMs: debounce, reconcileMaxWaitMs: maxWait } = this.options;
    const due = Math.min(now + debounce, state.dirtySince + Math.max(maxWait, debounce));
    const window = this.options.reconcileBatchWindowMs;
    const aligned = window > 0 ? Math.ceil(due / window) * window : due;
    this.startTimer(doc, state, Math.max(0, aligned - now));
  }

  /** Runs the document's reconciliation in `delayMs` (replacing a timer already set). */
  private startTimer(doc: LiveDocument, state: ProjectionState, delayMs: number): void {
    if (state.timer !== null) clearTimeout(state.timer);
    this.holdWhilePending(doc, state);
    state.timer = setTimeout(() => {
      state.timer = null;
      state.backingOff = false;
      void this.run(doc, false);
    }, delayMs);
  }

  private async run(doc: LiveDocument, force: boolean): Promise<void> {
    const state = this.stateOf(doc);
    if (state.timer !== null) {
      clearTimeout(state.timer);
      state.timer = null;
    }
    state.backingOff = false;
    while (state.running) await state.running;
    if (doc.dead || (!force && !state.dirty)) {
      this.releaseIfIdle(doc, state);
      return;
    }
    state.dirty = false;
    let retry = false;
    this.holdWhilePending(doc, state);
    // Read before the run: what a quarantine covers is what this run saw.
    const readUpTo = doc.lastLoggedId;
    // A scheduled run waits for a slot inside `running`, so changes arriving
    // meanwhile only mark the document dirty (no second run is scheduled).
    const reconciled = force ? this.reconciler.reconcile(doc, state) : this.inNextSlot(doc, state);
    state.running = doc.track(
      reconciled.then(
        () => {
          state.failures = 0;
        },
        async (error: unknown) => {
          retry = await this.failed(doc, state, error, readUpTo);
        },
      ),
    );
    try {
      await state.running;
    } finally {
      state.running = null;
    }
    if (retry) {
      state.dirty = true;
      state.backingOff = true;
      this.startTimer(doc, state, this.options.reconcileRetryMs);
    } else if (state.dirty) {
      this.schedule(doc);
    }
    this.releaseIfIdle(doc, state);
  }

  /**
   * A run failed: a moved generation drops the document; the database being
   * away, or a failure before the quarantine threshold, retries after the
   * back-off; past it, the document is quarantined until its next change.
   * @returns whether to retry.
   */
  private async failed(
    doc: LiveDocument,
    state: ProjectionState,
    error: unknown,
    readUpTo: string,
  ): Promise<boolean> {
    this.registry.metrics.reconcileFailures++;
    if (error instanceof GenerationMovedError) {
      this.log.warn(
        { doc: doc.docName },
        'generation moved on during reconciliation; dropping the document',
      );
      this.registry.discardStale(doc, error);
      return false;
    }
    // The error's message may quote document content: log its kind only.
    const kind = { name: (error as Error)?.name, code: (error as { code?: string })?.code };
    if (isDatabaseUnavailable(error)) {
      this.log.warn(
        { err: kind, doc: doc.docName },
        'reconciliation failed; database away, retrying',
      );
      return true;
    }
    state.failures++;
    if (state.failures < QUARANTINE_AFTER_FAILURES) {
      this.log.error(
        { err: kind, doc: doc.docName, attempt: state.failures },
        'reconciliation failed; retrying',
      );
      return true;
    }
    this.registry.metrics.documentsQuarantined++;
    this.log.error(
      { err: kind, doc: doc.docName, attempts: state.failures, upToId: readUpTo },
      'reconciliation keeps failing; document quarantined until its next change',
    );
    await quarantineDocument(this.pool, doc.docName, readUpTo).catch((failure: unknown) =>
      this.log.warn({ err: failure, doc: doc.docName }, 'could not record the quarantine'),
    );
    return false;
  }

  /**
   * A scheduled run: waits for a slot together with every other document
   * due meanwhile, and is reconciled with them. Timers due on one window
   * boundary fire a few ms apart (each counts from its own start), so a slot
   * is asked for {@link GATHER_MS} after the first of them.
   */
  private inNextSlot(doc: LiveDocument, state: ProjectionState): Promise<void> {
    return new Promise((resolve, reject) => {
      this.due.push({
        doc,
        state,
        settle: (failure) => (failure === undefined ? resolve() : reject(failure)),
      });
      this.requestSlot();
    });
  }

  private requestSlot(): void {
    if (this.slotRequested) return;
    this.slotRequested = true;
    setTimeout(() => {
      void this.scheduledSlots(async () => {
        this.slotRequested = false;
        const batch = this.due.splice(0, this.options.maxReconcileBatch);
        if (this.due.length > 0) this.requestSlot();
        const failures = await this.reconciler.reconcileMany(batch);
        batch.forEach((run, i) => run.settle(failures[i]));
      });
    }, GATHER_MS);
  }

  /** A scheduled or running reconciliation keeps the document loaded. */
  private holdWhilePending(doc: LiveDocument, state: ProjectionState): void {
    if (state.holding || doc.dead) return;
    state.holding = true;
    doc.hold();
  }

  private releaseIfIdle(doc: LiveDocument, state: ProjectionState): void {
    if (!state.holding || state.pending) return;
    state.holding = false;
    doc.release();
  }

  /** "Document closed": nothing scheduled runs any more. */
  private forget(doc: LiveDocument): void {
    const state = this.states.get(doc);
    if (!state) return;
    if (state.timer !== null) clearTimeout(state.timer);
    state.timer = null;
    state.dirty = false;
    state.backingOff = false;
    this.releaseIfIdle(doc, state);
  }

  /** "Registry closing": every document with work pending is reconciled now. */
  private async flush(docs: LiveDocument[]): Promise<void> {
    await Promise.allSettled(
      docs.filter((doc) => this.states.get(doc)?.pending).map((doc) => this.run(doc, true)),
    );
  }
}
