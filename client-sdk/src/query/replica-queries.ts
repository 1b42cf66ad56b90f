import type {
  DailyTotals,
  PersonalPatterns,
  PrivacySettings,
  UserDoc,
  UserInsight,
} from '@mindful/shared';
import { dailyTotals } from '@mindful/shared';
import type { SessionRecord } from '../replica/replica-records';
import { liveDerived } from './live-derived';
import {
  flowPeriodsInRange,
  focusHeatmap,
  parseDayRange,
  parseTimeRange,
  sessionsInRange,
  type DayRange,
  type FlowPeriodRecord,
  type TimeRange,
} from './range-queries';

/** What the range queries need from the client (kept narrow so they stay testable on their own). */
export interface ReplicaQueryContext {
  allSessions(): Promise<SessionRecord[]>;
  /** A superset of the sessions touching [startMs, endMs], oldest first (see ReplicaQueryStore). */
  sessionsOverlapping(startMs: number, endMs: number): Promise<SessionRecord[]>;
  onSessionsChanged(listener: () => void): Promise<() => Promise<void>>;
  onWiped(listener: () => void): () => void;
  onError(error: unknown): void;
  /** The current document (a wipe replaces it). */
  doc(): UserDoc;
  /** The client's configured offset, undefined for this machine's zone. */
  utcOffsetMinutes(): number | undefined;
  /** Personal patterns and insights of the replica's sessions (the client's own computation). */
  patternsAndInsights(): Promise<PatternsAndInsights>;
}

/** Personal patterns with the insights drawn from them. */
export interface PatternsAndInsights {
  patterns: PersonalPatterns;
  insights: UserInsight[];
}

/** One-shot range queries over the replica (they work offline). */
export interface RangeQueries {
  /** Sessions overlapping a time range, oldest first. */
  sessions(range: TimeRange): Promise<SessionRecord[]>;
  /** Closed flow periods overlapping a time range, oldest first. */
  flowPeriods(range: TimeRange): Promise<FlowPeriodRecord[]>;
  /** Daily totals of local days (the shared definitions, as the server's summaries). */
  dailyTotals(range: DayRange): Promise<DailyTotals[]>;
  /** Flow seconds per local hour of the week (0 = Sunday 00:00) over all sessions. */
  focusHeatmap(timeZone?: string): Promise<number[]>;
}

/** The live twins of {@link RangeQueries}, plus the privacy settings. */
export interface LiveRangeQueries {
  sessions(
    onChange: (sessions: SessionRecord[]) => void,
    range: TimeRange,
  ): Promise<() => Promise<void>>;
  flowPeriods(
    onChange: (periods: FlowPeriodRecord[]) => void,
    range: TimeRange,
  ): Promise<() => Promise<void>>;
  dailyTotals(
    onChange: (days: DailyTotals[]) => void,
    range: DayRange,
  ): Promise<() => Promise<void>>;
  focusHeatmap(
    onChange: (cells: number[]) => void,
    timeZone?: string,
  ): Promise<() => Promise<void>>;
  /** Patterns and insights, recomputed on every change of the sessions, reported when they differ. */
  patternsAndInsights(onChange: (value: PatternsAndInsights) => void): Promise<() => Promise<void>>;
  /** The privacy settings now and after every change (from any replica); survives a wipe. */
  settings(onChange: (settings: PrivacySettings) => void): Promise<() => Promise<void>>;
}

/**
 * Builds the one-shot range queries. The replica reads only the sessions whose extent meets the
 * range (SQL prunes); the same filters as over every session then decide, so the answers are
 * those over {@link ReplicaQueryContext.allSessions}. A range is checked before the replica is
 * read.
 */
export function rangeQueries(ctx: ReplicaQueryContext): RangeQueries {
  const overlapping = (range: TimeRange) => {
    const { start, end } = parseTimeRange(range);
    return ctx.sessionsOverlapping(start, end);
  };
  return {
    sessions: async (range) => sessionsInRange(await overlapping(range), range),
    flowPeriods: async (range) => flowPeriodsInRange(await overlapping(range), range),
    dailyTotals: async (range) => {
      const windows = parseDayRange(range, ctx.utcOffsetMinutes());
      // Everything dailyTotals counts lies in its windows (coding time and flow clipped to
      // them, an interruption at a period's end in the window holding the instant before it).
      const first = windows[0].start_ms;
      const last = windows[windows.length - 1].end_ms;
      return dailyTotals(await ctx.sessionsOverlapping(first, last), windows);
    },
    focusHeatmap: async (timeZone) =>
      focusHeatmap(await ctx.allSessions(), timeZone, ctx.utcOffsetMinutes()),
  };
}

/** Builds the live range queries; each reports only results that changed. */
export function liveRangeQueries(ctx: ReplicaQueryContext): LiveRangeQueries {
  const once = rangeQueries(ctx);
  const derived = <T>(compute: () => Promise<T>, onChange: (value: T) => void) =>
    liveDerived(
      {
        onSessionsChanged: ctx.onSessionsChanged,
        onWiped: ctx.onWiped,
        onError: ctx.onError,
        compute,
      },
      onChange,
    );
  return {
    sessions: (onChange, range) => derived(() => once.sessions(range), onChange),
    flowPeriods: (onChange, range) => derived(() => once.flowPeriods(range), onChange),
    dailyTotals: (onChange, range) => derived(() => once.dailyTotals(range), onChange),
    focusHeatmap: (onChange, timeZone) => derived(() => once.focusHeatmap(timeZone), onChange),
    patternsAndInsights: (onChange) => derived(() => ctx.patternsAndInsights(), onChange),
    settings: (onChange) => Promise.resolve(liveSettings(ctx, onChange)),
  };
}

function liveSettings(
  ctx: ReplicaQueryContext,
  onChange: (settings: PrivacySettings) => void,
): () => Promise<void> {
  let last = '';
  const report = () => {
    const settings = ctx.doc().settings;
    const print = JSON.stringify(settings);
    if (print === last) return;
    last = print;
    onChange(settings);
  };
  let map = ctx.doc().settingsMap;
  map.observe(report);
  const offWiped = ctx.onWiped(() => {
    // A wipe swaps in a fresh document: follow it.
    map.unobserve(report);
    map = ctx.doc().settingsMap;
    map.observe(report);
    report();
  });
  report();
  return () => {
    map.unobserve(report);
    offWiped();
    return Promise.resolve();
  };
}
