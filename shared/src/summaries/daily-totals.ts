/**
 * Daily totals of coding sessions: the one definition of "coding time", "flow time", "longest
 * flow" and "interruptions" per local day, used by the SDK's on-device queries (the dashboard,
 * offline) and by the server's summaries, so both show the same figures for the same sessions.
 *
 * Definitions (each session counted on its own; two devices coding at once count twice, as the
 * team aggregates do):
 * - A session spans [start_time, end_time); an open session spans `total_duration_ms` (or
 *   `active_duration_ms`) from its start.
 * - Coding time is the session's `active_duration_ms` (its `total_duration_ms` when that is
 *   unknown), spread evenly over the span: a day gets the share of the span it overlaps. The
 *   stored columns do not say when inside the span the idle gaps fell, so an even spread is the
 *   honest reading; it is exact for sessions inside one day.
 * - Language, project, editor, machine and category breakdowns split that same day share: by the
 *   session's `language_breakdown` (its own ms per language, scaled by the day share), and by the
 *   session's `project_path`, `editor`, `machine`, `category` (all its coding time of the day).
 *   A session without the field is not tracked there, so a breakdown may sum to less than the
 *   coding time.
 * - Flow time is the flow periods clipped to the day (their times are exact); the longest flow is
 *   the longest clipped period of the day.
 * - Interruptions are the session's `interruption_count`, placed at the ends of its flow periods
 *   that ended before the session did (a period cut by the session's end is no interruption);
 *   any count beyond those ends is placed at the session start.
 * - The focus score of a day is the sessions' `focus_score` weighted by their coding time that
 *   day; null without any.
 * - `session_count` counts sessions by the day they started on.
 */
import type { DayWindow } from './day-windows';

/** A time as stored: ISO-8601 text (the document, JSON), ms since epoch, or a `Date` (a `pg` row). */
export type StoredTime = string | number | Date;

/** One flow period as stored in `flow_state_periods`. */
export interface DailyTotalsFlowPeriod {
  readonly start_time: StoredTime;
  readonly end_time: StoredTime;
}

/**
 * The columns of a session that daily totals read: the seed's `coding_sessions` columns, plus the
 * optional `editor`, `machine` and `category` of sessions imported from WakaTime-style heartbeats.
 */
export interface DailyTotalsSession {
  readonly start_time: StoredTime;
  readonly end_time: StoredTime | null;
  readonly total_duration_ms: number | null;
  readonly active_duration_ms: number | null;
  /** Active ms per language. */
  readonly language_breakdown?: Readonly<Record<string, number>> | null;
  /** Null or absent where the privacy settings keep it off this store. */
  readonly project_path?: string | null;
  readonly flow_state_periods?: readonly DailyTotalsFlowPeriod[] | null;
  readonly interruption_count?: number | null;
  readonly focus_score?: number | null;
  readonly editor?: string | null;
  readonly machine?: string | null;
  readonly category?: string | null;
}

/** Seconds per key of a breakdown (language, project, editor, machine, category). */
export type SecondsBreakdown = Record<string, number>;

/** The totals of one local day. Seconds carry millisecond precision. */
export interface DailyTotals {
  /** The local date, `YYYY-MM-DD`. */
  date: string;
  coding_seconds: number;
  flow_seconds: number;
  /** The longest flow period of the day (its part inside the day), seconds. */
  longest_flow_seconds: number;
  interruptions: number;
  /** Sessions that started on this day. */
  session_count: number;
  /** Coding-time-weighted mean focus score in [0,1]; null without coding time. */
  focus_score: number | null;
  languages: SecondsBreakdown;
  projects: SecondsBreakdown;
  editors: SecondsBreakdown;
  machines: SecondsBreakdown;
  categories: SecondsBreakdown;
}

interface DayAccumulator {
  codingMs: number;
  flowMs: number;
  longestFlowMs: number;
  interruptions: number;
  sessions: number;
  focusWeighted: number;
  focusWeight: number;
  languages: Map<string, number>;
  projects: Map<string, number>;
  editors: Map<string, number>;
  machines: Map<string, number>;
  categories: Map<string, number>;
}

function emptyDay(): DayAccumulator {
  return {
    codingMs: 0,
    flowMs: 0,
    longestFlowMs: 0,
    interruptions: 0,
    sessions: 0,
    focusWeighted: 0,
    focusWeight: 0,
    languages: new Map(),
    projects: new Map(),
    editors: new Map(),
    machines: new Map(),
    categories: new Map(),
  };
}

/** ms since epoch of a stored time; NaN when unreadable. */
export function storedTimeMs(value: StoredTime): number {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  return Date.parse(value);
}

function finiteOrZero(n: number | null | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

function add(into: Map<string, number>, key: string | null | undefined, ms: number): void {
  if (typeof key !== 'string' || key === '' || ms <= 0) return;
  into.set(key, (into.get(key) ?? 0) + ms);
}

/** Index of the window holding `t`, or -1. Windows are sorted and do not overlap. */
function windowIndex(windows: readonly DayWindow[], t: number): number {
  let lo = 0;
  let hi = windows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t < windows[mid].start_ms) hi = mid - 1;
    else if (t >= windows[mid].end_ms) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Indexes of the windows overlapping [start, end), with the overlap in ms. */
function overlaps(
  windows: readonly DayWindow[],
  start: number,
  end: number,
): Array<{ index: number; ms: number }> {
  const out: Array<{ index: number; ms: number }> = [];
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i];
    if (w.start_ms >= end) break;
    const ms = Math.min(end, w.end_ms) - Math.max(start, w.start_ms);
    if (ms > 0) out.push({ index: i, ms });
  }
  return out;
}

function sessionSpan(s: DailyTotalsSession): { start: number; end: number } | null {
  const start = storedTimeMs(s.start_time);
  if (!Number.isFinite(start)) return null;
  const endStored = s.end_time === null ? NaN : storedTimeMs(s.end_time);
  const end = Number.isFinite(endStored)
    ? endStored
    : start + finiteOrZero(s.total_duration_ms ?? s.active_duration_ms);
  return { start, end: Math.max(start, end) };
}

function addCodingTime(
  days: DayAccumulator[],
  windows: readonly DayWindow[],
  s: DailyTotalsSession,
): void {
  const span = sessionSpan(s);
  if (!span) return;
  const codingMs = finiteOrZero(s.active_duration_ms ?? s.total_duration_ms);
  const spanMs = span.end - span.start;
  const shares =
    spanMs > 0
      ? overlaps(windows, span.start, span.end).map((o) => ({
          index: o.index,
          share: o.ms / spanMs,
        }))
      : [{ index: windowIndex(windows, span.start), share: 1 }].filter((o) => o.index >= 0);
  const focus =
    typeof s.focus_score === 'number' && Number.isFinite(s.focus_score) ? s.focus_score : null;
  for (const { index, share } of shares) {
    const day = days[index];
    const ms = codingMs * share;
    day.codingMs += ms;
    if (focus !== null && ms > 0) {
      day.focusWeighted += focus * ms;
      day.focusWeight += ms;
    }
    for (const [language, languageMs] of Object.entries(s.language_breakdown ?? {})) {
      add(day.languages, language, finiteOrZero(languageMs) * share);
    }
    add(day.projects, s.project_path, ms);
    add(day.editors, s.editor, ms);
    add(day.machines, s.machine, ms);
    add(day.categories, s.category, ms);
  }
}

function addFlowAndInterruptions(
  days: DayAccumulator[],
  windows: readonly DayWindow[],
  s: DailyTotalsSession,
): void {
  const span = sessionSpan(s);
  if (!span) return;
  const startIndex = windowIndex(windows, span.start);
  if (startIndex >= 0) days[startIndex].sessions += 1;
  const ended = s.end_time !== null && Number.isFinite(storedTimeMs(s.end_time));
  const interruptionEnds: number[] = [];
  for (const p of s.flow_state_periods ?? []) {
    const start = storedTimeMs(p.start_time);
    const end = storedTimeMs(p.end_time);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) continue;
    for (const o of overlaps(windows, start, end)) {
      const day = days[o.index];
      day.flowMs += o.ms;
      day.longestFlowMs = Math.max(day.longestFlowMs, o.ms);
    }
    if (!ended || end < span.end) interruptionEnds.push(end);
  }
  const count = Math.floor(finiteOrZero(s.interruption_count));
  interruptionEnds.sort((a, b) => a - b);
  const placed = interruptionEnds.slice(0, count);
  for (const at of placed) {
    // An interruption at the instant a day ends belongs to the day it ended.
    const index = windowIndex(windows, at - 1);
    if (index >= 0) days[index].interruptions += 1;
  }
  if (count > placed.length && startIndex >= 0)
    days[startIndex].interruptions += count - placed.length;
}

const toSeconds = (ms: number): number => Math.round(ms) / 1000;

function secondsOf(map: Map<string, number>): SecondsBreakdown {
  const out: SecondsBreakdown = {};
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    out[key] = toSeconds(ms);
  }
  return out;
}

/**
 * The totals of each day in `windows` (sorted, non-overlapping, e.g. from `dayWindows`) over
 * `sessions`. Days without sessions are present with zeros, so a chart has every day.
 *
 * @example
 * ```ts
 * const days = dailyTotals(sessions, dayWindows('2026-11-23', '2026-11-29', intlZoneOffset('Europe/Paris')));
 * days.map((d) => d.flow_seconds / 60) // flow minutes per day
 * ```
 */
export function dailyTotals(
  sessions: readonly DailyTotalsSession[],
  windows: readonly DayWindow[],
): DailyTotals[] {
  const days = windows.map(emptyDay);
  for (const s of sessions) {
    addCodingTime(days, windows, s);
    addFlowAndInterruptions(days, windows, s);
  }
  return days.map((d, i) => ({
    date: windows[i].date,
    coding_seconds: toSeconds(d.codingMs),
    flow_seconds: toSeconds(d.flowMs),
    longest_flow_seconds: toSeconds(d.longestFlowMs),
    interruptions: d.interruptions,
    session_count: d.sessions,
    focus_score: d.focusWeight > 0 ? d.focusWeighted / d.focusWeight : null,
    languages: secondsOf(d.languages),
    projects: secondsOf(d.projects),
    editors: secondsOf(d.editors),
    machines: secondsOf(d.machines),
    categories: secondsOf(d.categories),
  }));
}

function sumBreakdowns(list: readonly SecondsBreakdown[]): SecondsBreakdown {
  const map = new Map<string, number>();
  for (const b of list)
    for (const [key, s] of Object.entries(b)) map.set(key, (map.get(key) ?? 0) + s * 1000);
  return secondsOf(map);
}

/** Totals over several days (a week at a glance), same definitions; `date` is the first day's. */
export function combineDailyTotals(days: readonly DailyTotals[]): DailyTotals | null {
  if (days.length === 0) return null;
  let focusWeighted = 0;
  let focusWeight = 0;
  for (const d of days) {
    if (d.focus_score !== null && d.coding_seconds > 0) {
      focusWeighted += d.focus_score * d.coding_seconds;
      focusWeight += d.coding_seconds;
    }
  }
  const sum = (pick: (d: DailyTotals) => number) => days.reduce((acc, d) => acc + pick(d), 0);
  return {
    date: days[0].date,
    coding_seconds: toSeconds(sum((d) => d.coding_seconds) * 1000),
    flow_seconds: toSeconds(sum((d) => d.flow_seconds) * 1000),
    longest_flow_seconds: Math.max(...days.map((d) => d.longest_flow_seconds)),
    interruptions: sum((d) => d.interruptions),
    session_count: sum((d) => d.session_count),
    focus_score: focusWeight > 0 ? focusWeighted / focusWeight : null,
    languages: sumBreakdowns(days.map((d) => d.languages)),
    projects: sumBreakdowns(days.map((d) => d.projects)),
    editors: sumBreakdowns(days.map((d) => d.editors)),
    machines: sumBreakdowns(days.map((d) => d.machines)),
    categories: sumBreakdowns(days.map((d) => d.categories)),
  };
}
