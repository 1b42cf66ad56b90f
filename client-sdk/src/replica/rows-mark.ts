import { toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';

/** Where the mark lives in `replica_meta`. */
export const ROWS_MARK_KEY = 'rows_match';

/**
 * Bump when the rows the materializer writes for the same entries change
 * without a replica migration (validation, a derived column): a mark written
 * by older code then no longer matches, and the next open rebuilds the rows.
 * A replica migration withdraws the mark itself (see migrateReplica).
 */
const MATERIALIZED_FORMAT = 1;

/**
 * "At a clean close, the replica's rows were exactly the valid entries of the
 * document in this state": the document's Yjs snapshot (state vector and
 * delete set, so deletions count too), its generation, and the format the
 * rows were written in. Equal marks at open mean the rows need no rebuilding.
 */
export interface RowsMark {
  format: number;
  generation: number;
  /** `Y.encodeSnapshot(Y.snapshot(doc))`, base64. */
  snapshot: string;
}

/** The mark for `ydoc` as it is now. */
export function rowsMarkOf(ydoc: Y.Doc, generation: number): RowsMark {
  return {
    format: MATERIALIZED_FORMAT,
    generation,
    snapshot: toBase64(Y.encodeSnapshot(Y.snapshot(ydoc))),
  };
}

export function sameRowsMark(a: RowsMark | null | undefined, b: RowsMark): boolean {
  return !!a && a.format === b.format && a.generation === b.generation && a.snapshot === b.snapshot;
}
