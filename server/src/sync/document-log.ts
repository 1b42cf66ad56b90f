/** The document's generation moved on while we were writing to it (a purge). */
export class GenerationMovedError extends Error {
  constructor(
    readonly docName: string,
    readonly expected: number,
    readonly current: number | null,
  ) {
    super(`Document ${docName} is at generation ${current ?? '(deleted)'}, not ${expected}`);
    this.name = 'GenerationMovedError';
  }
}

/** One stored entry of the log, decrypted. */
export interface LoggedUpdate {
  /** Log id: a positive integer as decimal text, increasing in append order. */
  id: string;
  kind: 'update' | 'snapshot';
  update: Uint8Array;
}

/** What reading a document's log found. */
export interface LoadedLog {
  /** The readable entries, oldest first. */
  updates: LoggedUpdate[];
  /** Entries that could not be read back (a retired key, tampering). */
  skipped: number;
  /** The newest id read, readable or not (`afterId` when nothing was). */
  lastId: string;
}

/**
 * The durable half of replication: where a user document's updates are appended before anything
 * is acknowledged or broadcast, and read back when the document loads. The sync core needs only
 * this; PostgreSQL/PGlite ({@link PgDocumentLog}) and memory ({@link MemoryDocumentLog}) implement
 * it, and one acceptance suite runs against both.
 */
export interface DocumentLog {
  /**
   * The document's current generation, creating it on first use. A document that was purged
   * starts at its purge's generation, so an old replica can never roll it back.
   */
  ensureDocument(docName: string, userId: string): Promise<number>;
  /**
   * The generation a replica must hold to connect: the document's, or for a document that no
   * longer exists, its purge's. Null when neither exists.
   */
  currentGeneration(docName: string): Promise<number | null>;
  /**
   * Every entry of the document's generation, oldest first. With `afterId`, only the entries
   * after it (plus any of `ids`, which may have committed late).
   */
  load(
    docName: string,
    generation: number,
    since?: { afterId?: string; ids?: string[] },
  ): Promise<LoadedLog>;
  /**
   * Appends an update, but only while the document is still at `generation`: an update racing a
   * purge is refused with {@link GenerationMovedError} instead of landing in the new generation.
   * @returns the entry's log id.
   */
  append(docName: string, userId: string, generation: number, update: Uint8Array): Promise<string>;
  /**
   * Folds the current generation's entries into one snapshot (what a user deleted does not linger).
   * @returns how many entries were merged (0 when there was nothing to do).
   */
  compact(docName: string): Promise<number>;
}
