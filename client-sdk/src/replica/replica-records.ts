import type { FlowStateEntry, SessionEntry } from '@mindful/shared';

/**
 * A session as the replica answers it: the document entry, with the project path and environment
 * data that the privacy settings kept on this device filled back in (they never left it).
 * Sessions built from WakaTime heartbeats also carry `editor`, `machine`, `category` and
 * `source: 'wakatime'`; those fields are absent on the others (never null on a record).
 */
export type SessionRecord = SessionEntry;

/** A flow state as the replica answers it (the document entry). */
export type FlowStateRecord = FlowStateEntry;

/** One page of session history, newest first. */
export interface HistoryPage {
  sessions: SessionRecord[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Options of a history query. */
export interface HistoryQuery {
  /** Page size, 1–500; default 50. */
  limit?: number;
  /** From a previous page's `nextCursor`. */
  cursor?: string | null;
  /** Only sessions starting at or after this time (ms or ISO). */
  start?: number | string;
  /** Only sessions starting before this time (ms or ISO). */
  end?: number | string;
}

/** The flow state right now, as far as the replica knows (any device of the user). */
export interface CurrentFlow {
  /** The open session (no end time) that started last, or null when none is open. */
  sessionId: string | null;
  /** Whether an open flow period exists in that session. */
  inFlow: boolean;
  /** Start of the open flow period (ISO), null when not in flow. */
  flowSince: string | null;
  /** Intensity recorded for the open flow period so far, null when not in flow. */
  intensity: number | null;
}

/** A raw activity update stored on this device only. */
export interface LocalActivityRow {
  at: number;
  payload: unknown;
}
