import { flowStateEntrySchema, type FlowStateEntry, type UserDoc } from '@mindful/shared';
import type { MaterializedRowStore, ReplicaMetaStore, RowChange } from '../replica/replica-store';
import type { WriteQueue } from '../replica/write-queue';
import { ROWS_MARK_KEY, rowsMarkOf, sameRowsMark, type RowsMark } from '../replica/rows-mark';

/** An entry of the document that failed validation and was not materialised. */
export interface RejectedEntry {
  kind: 'session' | 'flow_state';
  key: string;
}

/**
 * Keeps the replica's `sessions` and `flow_states` tables equal to the valid entries of the
 * user's document. Every change, local or remote, marks its keys; a queued flush then reads the
 * current value of each key and upserts or deletes the row — so replays, duplicates and
 * reordering all end in the same rows (idempotent). Invalid entries (any replica may write
 * anything) are skipped and reported, never stored.
 *
 * A clean close leaves a {@link RowsMark} saying which document state the rows equal; an open
 * that finds the document in that state skips rebuilding every row (seconds for a year of
 * sessions). The first row written afterwards withdraws the mark, so a crash can never leave a
 * mark over rows that changed.
 */
export class Materializer {
  private readonly pendingSessions = new Set<string>();
  private readonly pendingFlowStates = new Set<string>();
  private scheduled = false;
  private stopObserving: (() => void) | null = null;
  /** The mark `replica_meta` holds, as far as this materializer knows. */
  private storedMark: RowsMark | null = null;
  /** Keys left out of the rows (invalid) or a write that failed: the rows are not the document. */
  private readonly unmaterialized = new Set<string>();
  private writeFailed = false;

  constructor(
    private readonly doc: UserDoc,
    private readonly store: MaterializedRowStore & ReplicaMetaStore,
    private readonly queue: WriteQueue,
    private readonly onRejected: (entry: RejectedEntry) => void,
    private readonly generation: () => number,
  ) {}

  /** Starts observing the document; call {@link Materializer.stop} to end. */
  start(): void {
    const onSessions = (event: { keysChanged: Set<string> }) =>
      this.mark(this.pendingSessions, event.keysChanged);
    const onFlowStates = (event: { keysChanged: Set<string> }) =>
      this.mark(this.pendingFlowStates, event.keysChanged);
    this.doc.sessions.observe(onSessions);
    this.doc.flowStates.observe(onFlowStates);
    this.stopObserving = () => {
      this.doc.sessions.unobserve(onSessions);
      this.doc.flowStates.unobserve(onFlowStates);
    };
  }

  stop(): void {
    this.stopObserving?.();
    this.stopObserving = null;
  }

  /**
   * Reconciles every key of the document and every row of the replica (on open), unless the
   * last clean close marked the rows as equal to the document in its present state.
   */
  async fullSync(): Promise<void> {
    this.storedMark = (await this.store.getMeta<RowsMark>(ROWS_MARK_KEY)) ?? null;
    if (sameRowsMark(this.storedMark, rowsMarkOf(this.doc.ydoc, this.generation()))) return;
    for (const id of await this.store.sessionIds()) this.pendingSessions.add(id);
    for (const id of await this.store.flowStateIds()) this.pendingFlowStates.add(id);
    for (const key of this.doc.sessions.keys()) this.pendingSessions.add(key);
    for (const key of this.doc.flowStates.keys()) this.pendingFlowStates.add(key);
    this.schedule();
    await this.queue.idle();
  }

  /**
   * Records that the rows equal the document as it is now (at a clean close, once every write
   * is done); nothing is written when the stored mark already says so, or when they do not.
   */
  async markClean(): Promise<void> {
    if (this.writeFailed || this.unmaterialized.size > 0) return;
    if (this.pendingSessions.size > 0 || this.pendingFlowStates.size > 0) return;
    const mark = rowsMarkOf(this.doc.ydoc, this.generation());
    if (sameRowsMark(this.storedMark, mark)) return;
    await this.store.setMeta(ROWS_MARK_KEY, mark);
    this.storedMark = mark;
  }

  /** Withdraws the mark before the rows change other than through this materializer (a wipe). */
  async withdrawMark(): Promise<void> {
    if (this.storedMark === null) return;
    await this.store.setMeta(ROWS_MARK_KEY, null);
    this.storedMark = null;
  }

  private mark(pending: Set<string>, keys: Set<string>): void {
    for (const key of keys) pending.add(key);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.queue.run(() => this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const written: string[] = [];
    const sessions = this.sort('session', this.pendingSessions, written, (key) =>
      this.doc.getSession(key),
    );
    const flows = this.sort('flow_state', this.pendingFlowStates, written, (key) =>
      flowStateAt(this.doc, key),
    );
    const change: RowChange = {
      sessions: sessions.upserts,
      deletedSessions: sessions.deletes,
      flowStates: flows.upserts,
      deletedFlowStates: flows.deletes,
    };
    try {
      await this.withdrawMark();
      if (written.length > 0) await this.store.writeRows(change);
    } catch (error) {
      this.writeFailed = true;
      throw error;
    }
    for (const key of written) this.unmaterialized.delete(key);
  }

  /**
   * Empties `pending` into what to write: the valid entry of each key to upsert, a key the
   * document no longer has to delete, and an invalid entry rejected. `written` gets the keys of
   * the first two.
   */
  private sort<T>(
    kind: RejectedEntry['kind'],
    pending: Set<string>,
    written: string[],
    valid: (key: string) => T | undefined,
  ): { upserts: T[]; deletes: string[] } {
    const map = kind === 'session' ? this.doc.sessions : this.doc.flowStates;
    const upserts: T[] = [];
    const deletes: string[] = [];
    for (const key of pending) {
      const entry = valid(key);
      if (entry) upserts.push(entry);
      else if (!map.has(key)) deletes.push(key);
      else {
        this.reject({ kind, key });
        continue;
      }
      written.push(`${kind}:${key}`);
    }
    pending.clear();
    return { upserts, deletes };
  }

  /** An invalid entry: reported, and the rows now leave something of the document out. */
  private reject(entry: RejectedEntry): void {
    this.unmaterialized.add(`${entry.kind}:${entry.key}`);
    this.onRejected(entry);
  }
}

/** The valid flow state stored under `key`, or undefined (UserDoc has no getter for one). */
function flowStateAt(doc: UserDoc, key: string): FlowStateEntry | undefined {
  const result = flowStateEntrySchema.safeParse(doc.flowStates.get(key));
  return result.success && result.data.id === key ? result.data : undefined;
}
