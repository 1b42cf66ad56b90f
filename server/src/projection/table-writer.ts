import type { Logger } from 'pino';
import type pg from 'pg';
import { isDatabaseUnavailable } from '../db/connection-errors';
import type { FieldCipher } from '../crypto/cipher';
import type { RowUpsert } from './row-upserts';

/**
 * How a run writes the entries that changed: all in one statement per table
 * (the usual case), or, after the store refused that statement, one row at a
 * time under a savepoint, so the refused entries are quarantined and the
 * others written.
 */
export type WriteMode = 'batch' | 'row-by-row';

/** The store refused a batched upsert: the run is repeated row by row. */
export class BatchRefusedError extends Error {
  constructor(cause: unknown) {
    super('the store refused a batched upsert', { cause });
    this.name = 'BatchRefusedError';
  }
}

/** An entry whose row does not reflect it yet. */
export interface Changed {
  id: string;
  /** Fingerprint of the entry under the settings. */
  key: string;
  /** The row's parameters, then the fingerprint. */
  params: unknown[];
}

/** What a run did, added to the metrics once it committed. */
export interface Tally {
  sessionsUpserted: number;
  sessionsDeleted: number;
  flowStatesUpserted: number;
  flowStatesDeleted: number;
  entriesRejectedForeign: number;
  entriesRejectedByStore: number;
}

/** What a run knows of one table: rows stored before it, and what it wrote. */
export interface TableRun {
  upsert: RowUpsert;
  /** Fingerprints of the rows stored at the start of the run, by lower-case id. */
  stored: Map<string, string | null>;
  /** Fingerprint each row reflects, by entry id (the state's, updated by the run). */
  known: Map<string, string>;
  /** Entries the store refused, with the refused fingerprint (the state's). */
  refused: Map<string, string>;
}

/** One document's changed entries of a table, written together with other documents'. */
export interface TablePart {
  table: TableRun;
  changed: Changed[];
}

/**
 * Decides which entries of a table a run writes (by fingerprint) and writes
 * them, in one statement or row by row.
 */
export class TableWriter {
  /**
   * Fingerprints by entry: entries read from a document are the same frozen
   * objects while unchanged (see `parseHeld`), so each is fingerprinted once
   * per settings.
   */
  private readonly prints = new WeakMap<object, { settingsKey: string; key: string }>();

  constructor(
    private readonly cipher: FieldCipher,
    private readonly log: Logger,
  ) {}

  /**
   * The entries whose row does not reflect them: not stored, or stored with
   * another fingerprint. Entries the store refused with this very content are
   * skipped (they would be refused again), as are entries that cannot become
   * a row at all (refused here, before the store).
   */
  changed<E extends { id: string }>(
    table: TableRun,
    entries: E[],
    settingsKey: string,
    tally: Tally,
    rowParams: (entry: E) => unknown[],
  ): Changed[] {
    const changed: Changed[] = [];
    for (const entry of entries) {
      const { id } = entry;
      const key = this.fingerprint(entry, settingsKey);
      const lower = id.toLowerCase();
      if (table.stored.has(lower) && (table.known.get(id) ?? table.stored.get(lower)) === key) {
        table.known.set(id, key);
        continue;
      }
      if (table.refused.get(id) === key) {
        table.known.delete(id);
        continue;
      }
      try {
        changed.push({ id, key, params: [...rowParams(entry), key] });
      } catch (error) {
        this.refuse(table, id, key, error, tally);
      }
    }
    return changed;
  }
  private fingerprint(entry: object, settingsKey: string): string {
    const kept = this.prints.get(entry);
    if (kept?.settingsKey === settingsKey) return kept.key;
    const key = this.cipher.fingerprint(`${settingsKey}|${JSON.stringify(entry)}`);
    this.prints.set(entry, { settingsKey, key });
    return key;
  }

  /**
   * Writes the changed entries of one or more documents' runs of the same
   * table: in one statement (`batch`; a refusal by the store aborts the run,
   * which is then repeated row by row), or one row at a time under a
   * savepoint (`row-by-row`; a refused entry is quarantined while its content
   * stays the same). Keeps each run's `known` fingerprints up to date.
   * @returns per part, the ids of the entries written.
   */
  async write(
    client: pg.PoolClient,
    parts: readonly TablePart[],
    mode: WriteMode,
    tally: Tally,
  ): Promise<string[][]> {
    const stored: Changed[][] = parts.map(() => []);
    const rows = parts.flatMap((part) => part.changed.map((c) => c.params));
    if (rows.length === 0) return stored.map(() => []);
    if (mode === 'batch') {
      let written: Set<string>;
      try {
        written = await parts[0]!.table.upsert.many(client, rows);
      } catch (error) {
        if (isDatabaseUnavailable(error)) throw error;
        throw new BatchRefusedError(error);
      }
      parts.forEach((part, i) => {
        for (const c of part.changed) {
          if (written.has(c.id.toLowerCase())) stored[i]!.push(c);
          else this.foreign(part.table, c, tally);
        }
      });
    } else {
      for (const [i, part] of parts.entries()) {
        for (const c of part.changed) {
          const outcome = await part.table.upsert.one(client, c.params);
          if (outcome === 'stored') stored[i]!.push(c);
          else if (outcome === 'foreign') this.foreign(part.table, c, tally);
          else this.refuse(part.table, c.id, c.key, outcome, tally);
        }
      }
    }
    return parts.map((part, i) =>
      stored[i]!.map((c) => {
        part.table.refused.delete(c.id);
        part.table.known.set(c.id, c.key);
        return c.id;
      }),
    );
  }

  /** The id belongs to another user's row: nothing was written. */
  private foreign(table: TableRun, entry: Changed, tally: Tally): void {
    table.refused.delete(entry.id);
    table.known.delete(entry.id);
    tally.entriesRejectedForeign++;
  }

  /** The entry cannot be stored as it is: quarantined until it changes. */
  refuse(table: TableRun, id: string, key: string, error: unknown, tally: Tally): void {
    table.refused.set(id, key);
    table.known.delete(id);
    tally.entriesRejectedByStore++;
    // The message of a store error can quote the value: log its kind only.
    this.log.warn(
      { key: id, err: { name: (error as Error).name, code: (error as { code?: string }).code } },
      'entry refused by the store; quarantined until it changes',
    );
  }
}
