import { addDays, splitByDay, toWallIntervals, type WallInterval } from '../../time/zoned-time';

/** One session of a member, as the burnout rules see it (real instants, ms since epoch). */
export interface WorkSession {
  startMs: number;
  endMs: number;
  /** The session's focus_score in [0,1], or null when it has none. */
  focus: number | null;
}

/** What the rules know about one member: their sessions and their own time zone. */
export interface MemberWork {
  sessions: readonly WorkSession[];
  /** IANA name from users.timezone; working hours and weekends are read in it. */
  timeZone: string;
}

/** The evaluated week: seven local calendar days from `start` (YYYY-MM-DD), read in each member's zone. */
export interface EvaluationWeek {
  start: string;
}

/** The seven YYYY-MM-DD days of a week. */
export function weekDays(week: EvaluationWeek): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(week.start, i));
}

/** A span of real time. */
export interface RealInterval {
  startMs: number;
  endMs: number;
}

/**
 * Sessions chained into stretches of work: sorted, and a session that starts
 * less than `gapMs` after the stretch so far ends joins it. With `gapMs` 0
 * only overlapping sessions (two devices at once) merge.
 */
export function workStretches(sessions: readonly WorkSession[], gapMs: number): RealInterval[] {
  const sorted = sessions
    .filter((s) => s.endMs > s.startMs)
    .map((s) => ({ startMs: s.startMs, endMs: s.endMs }))
    .sort((a, b) => a.startMs - b.startMs);
  const stretches: RealInterval[] = [];
  for (const session of sorted) {
    const last = stretches.at(-1);
    if (last && session.startMs - last.endMs < gapMs) {
      last.endMs = Math.max(last.endMs, session.endMs);
    } else if (last && gapMs === 0 && session.startMs <= last.endMs) {
      last.endMs = Math.max(last.endMs, session.endMs);
    } else {
      stretches.push({ ...session });
    }
  }
  return stretches;
}

/** The member's worked time on the local clock, split at local midnights, overlaps merged. */
export function wallWorkByDay(work: MemberWork): Map<string, WallInterval[]> {
  const merged = workStretches(work.sessions, 0);
  return splitByDay(merged.flatMap((s) => toWallIntervals(s.startMs, s.endMs, work.timeZone)));
}

/** Minutes of `pieces` that fall outside [fromMinute, toMinute) of their (single) day. */
export function minutesOutside(
  pieces: readonly WallInterval[],
  dayStart: number,
  fromMinute: number,
  toMinute: number,
): number {
  const inFrom = dayStart + fromMinute * 60_000;
  const inTo = dayStart + toMinute * 60_000;
  let outside = 0;
  for (const piece of pieces) {
    const inside = Math.max(0, Math.min(piece.end, inTo) - Math.max(piece.start, inFrom));
    outside += piece.end - piece.start - inside;
  }
  return outside / 60_000;
}

/** Total minutes of `pieces`. */
export function totalMinutes(pieces: readonly WallInterval[]): number {
  return pieces.reduce((sum, piece) => sum + (piece.end - piece.start), 0) / 60_000;
}
