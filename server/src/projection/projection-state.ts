/**
 * What the projection keeps per loaded document: its scheduling (debounce
 * timer, dirty flag, run in flight) and what the last runs wrote (fingerprints
 * per row id, so unchanged entries are not written again; keys currently
 * failing validation, so each is counted once). Dropped with the document.
 */
export class ProjectionState {
  /** The debounce timer of the next run, if one is scheduled. */
  timer: NodeJS.Timeout | null = null;
  /** The run in flight, if any. */
  running: Promise<void> | null = null;
  /** A change arrived since the last run started. */
  dirty = false;
  /** When the first change not covered by a run arrived (ms since the epoch). */
  dirtySince = 0;
  /** The scheduled run is a retry after a failure: new changes do not bring it forward. */
  backingOff = false;
  /** The state holds the document loaded (while a run is scheduled). */
  holding = false;
  /** Fingerprint of what each session row reflects, by id. */
  readonly sessions = new Map<string, string>();
  /** Fingerprint of what each flow-state row reflects, by id. */
  readonly flowStates = new Map<string, string>();
  /** Keys of entries currently failing validation (each is counted once). */
  readonly rejectedKeys = new Set<string>();
  /**
   * Entries the store refused, by id, with the fingerprint refused: the same
   * content is not tried (nor counted, nor logged) again while loaded.
   */
  readonly refused = new Map<string, string>();
  /** The settings (JSON) the last successful run projected onto the user row. */
  projectedSettings: string | null = null;
  /** Runs in a row that failed for a reason other than the database being away. */
  failures = 0;

  /** True while a run is scheduled or in flight. */
  get pending(): boolean {
    return this.timer !== null || this.running !== null;
  }
}
