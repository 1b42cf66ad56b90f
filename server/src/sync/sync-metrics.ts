/**
 * Counters of the sync subsystem. Plain numbers on one object so tests and
 * `GET /metrics` (server/src/metrics/server-metrics.ts) read the same thing;
 * nothing here holds user content.
 */
export class SyncMetrics {
  /** Connections accepted and attached to a document. */
  connectionsOpened = 0;
  /** Connections closed by the server, by close code. */
  readonly closedByCode = new Map<number, number>();
  /** Client frames that were malformed, unsupported, too large or over the rate. */
  messagesRejected = 0;
  /** Sockets or updates refused by a per-user cap: connections, write budget, document size. */
  userCapRefusals = 0;
  /** Sockets closed because their session ended (sign-out, revocation, expiry). */
  sessionsEndedOnSocket = 0;
  /** Updates (socket or REST) that changed a document and were logged. */
  updatesPersisted = 0;
  /** Log entries another instance appended, applied here and broadcast (fan-out). */
  updatesFannedIn = 0;
  /** Awareness changes of this instance's replicas told to the other instances. */
  awarenessFannedOut = 0;
  /** Awareness changes another instance told, applied here and relayed. */
  awarenessFannedIn = 0;
  /** Awareness changes too large for one notification (the others learn of them at the next renewal, or never). */
  awarenessTooLarge = 0;
  /** Times the fan-out listener (re)connected to PostgreSQL. */
  fanoutConnects = 0;
  /** Updates that could not be applied to the document (undecodable). */
  updatesRejected = 0;
  /** Logged updates skipped on load because they no longer decode. */
  logEntriesSkipped = 0;
  /** Documents loaded from the log / unloaded from memory. */
  documentsLoaded = 0;
  documentsUnloaded = 0;
  /** Compactions that merged at least two log entries. */
  compactions = 0;
  /** Reconciler: rows written, entries skipped as invalid, ids owned by someone else, failures. */
  sessionsUpserted = 0;
  sessionsDeleted = 0;
  flowStatesUpserted = 0;
  flowStatesDeleted = 0;
  entriesRejectedInvalid = 0;
  entriesRejectedForeign = 0;
  entriesRejectedByStore = 0;
  reconcileRuns = 0;
  /** Transactions that reconciled several documents together. */
  reconcileBatches = 0;
  /** ...of which failed and were redone document by document. */
  reconcileBatchesSplit = 0;
  reconcileFailures = 0;
  /** Documents whose reconciliation kept failing and that wait for their next change. */
  documentsQuarantined = 0;

  countClose(code: number): void {
    this.closedByCode.set(code, (this.closedByCode.get(code) ?? 0) + 1);
  }

  /** A plain-object view (for tests and JSON). */
  toJSON(): Record<string, number | Record<string, number>> {
    const { closedByCode, ...counters } = this;
    return { ...counters, closedByCode: Object.fromEntries(closedByCode) };
  }
}
