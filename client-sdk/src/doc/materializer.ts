import { flowStateEntrySchema, type FlowStateEntry, type UserDoc } from '@mindful/shared';
import type { MaterializedRowStore } from '../replica/replica-store';
import type { WriteQueue } from '../replica/write-queue';

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
 */
export class Materializer {
  private readonly pendingSessions = new Set<string>();
  private readonly pendingFlowStates = new Set<string>();
  private scheduled = false;
  private stopObserving: (() => void) | null = null;

  constructor(
    private readonly doc: UserDoc,
    private readonly store: MaterializedRowStore,
    private readonly queue: WriteQueue,
    private readonly onRejected: (entry: RejectedEntry) => void,
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

  /** Reconciles every key of the document and every row of the replica (on open). */
  async fullSync(): Promise<void> {
    for (const id of await this.store.sessionIds()) this.pendingSessions.add(id);
    for (const id of await this.store.flowStateIds()) this.pendingFlowStates.add(id);
    for (const key of this.doc.sessions.keys()) this.pendingSessions.add(key);
    for (const key of this.doc.flowStates.keys()) this.pendingFlowStates.add(key);
    this.schedule();
    await this.queue.idle();
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
    const sessions = [...this.pendingSessions];
    const flowStates = [...this.pendingFlowStates];
    this.pendingSessions.clear();
    this.pendingFlowStates.clear();
    for (const key of sessions) {
      const entry = this.doc.getSession(key);
      if (entry) await this.store.upsertSession(entry);
      else if (!this.doc.sessions.has(key)) await this.store.deleteSession(key);
      else this.onRejected({ kind: 'session', key });
    }
    for (const key of flowStates) {
      const entry = flowStateAt(this.doc, key);
      if (entry) await this.store.upsertFlowState(entry);
      else if (!this.doc.flowStates.has(key)) await this.store.deleteFlowState(key);
      else this.onRejected({ kind: 'flow_state', key });
    }
  }
}

/** The valid flow state stored under `key`, or undefined (UserDoc has no getter for one). */
function flowStateAt(doc: UserDoc, key: string): FlowStateEntry | undefined {
  const result = flowStateEntrySchema.safeParse(doc.flowStates.get(key));
  return result.success && result.data.id === key ? result.data : undefined;
}
