import type { SessionRecord } from './replica-records';

/**
 * Where a session ends for the range queries: its end time, or for an open session its start plus
 * its recorded length so far (0 when none is recorded yet).
 */
export function sessionEnd(s: SessionRecord): number {
  const start = Date.parse(s.start_time);
  if (s.end_time !== null) return Date.parse(s.end_time);
  return start + (s.total_duration_ms ?? s.active_duration_ms ?? 0);
}

/**
 * The real time a session touches, ms since epoch, both ends included: from the earliest of its
 * start and its flow periods' starts to the latest of its end ({@link sessionEnd}) and its flow
 * periods' ends. Flow periods are not bound to the session's times (any replica writes them), so
 * the session's own span is not enough. Both ends are null when a time is unreadable: the replica
 * then counts the session as touching every range.
 */
export interface SessionExtent {
  extent_start_ms: number | null;
  extent_end_ms: number | null;
}

/**
 * The {@link SessionExtent} of a session: every range query keeps a session only if something it
 * counts (the session's span, a flow period, an interruption at a period's end) lies inside it.
 *
 * @example
 * sessionExtent(entry); // { extent_start_ms: 1772442000000, extent_end_ms: 1772445600000 }
 */
export function sessionExtent(s: SessionRecord): SessionExtent {
  const start = Date.parse(s.start_time);
  const end = sessionEnd(s);
  let from = Math.min(start, end);
  let to = Math.max(start, end) + storedLater(s.start_time) + storedLater(s.end_time);
  for (const p of s.flow_state_periods) {
    const a = Date.parse(p.start_time);
    const b = Date.parse(p.end_time);
    from = Math.min(from, a, b);
    to = Math.max(to, a, b);
  }
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    return { extent_start_ms: null, extent_end_ms: null };
  }
  return { extent_start_ms: from, extent_end_ms: to };
}

/**
 * 1 when the replica may read `iso` back 1 ms later than `Date.parse` reads it, else 0. The
 * session's own times go through a TIMESTAMPTZ column, which rounds to the microsecond: a time
 * with finer digits (`…00.9999996Z`) can come back as the next millisecond. Flow periods are kept
 * as written (JSONB) and need no margin.
 */
function storedLater(iso: string | null): number {
  return iso !== null && /\.\d{7}/.test(iso) ? 1 : 0;
}
