import type { DailyMetric, HourlyMetric } from './team-queries';

/** An optimisation suggestion and the aggregates it rests on. */
export interface TeamSuggestion {
  type: 'peak_focus_hours' | 'meeting_free_window' | 'interruption_heavy_days' | 'long_sessions';
  message: string;
  evidence: Record<string, unknown>;
}

/** Knobs of the suggestion heuristics. */
export const INSIGHT_RULES = {
  /** An hour needs this many sessions over the range to be ranked at all. */
  minSessionsPerHour: 3,
  /** Hours named as peak focus hours. */
  peakHours: 3,
  /** Length of the suggested meeting-free window, hours. */
  windowHours: 2,
  /** A weekday is interruption-heavy at this multiple of the overall rate. */
  interruptionFactor: 1.5,
  /** Sessions longer than this on average suggest breaks (50–60 min guidance, plus slack). */
  longSessionMinutes: 90,
} as const;

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const hh = (hour: number) => `${String(hour % 24).padStart(2, '0')}:00`;

interface HourStat {
  hour: number;
  sessions: number;
  focus: number;
}

/** Focus by UTC hour over the range, weighted by sessions; hours with too little data dropped. */
function hourStats(hourly: readonly HourlyMetric[]): HourStat[] {
  const acc = new Map<number, { sessions: number; weighted: number; weight: number }>();
  for (const row of hourly) {
    const a = acc.get(row.hour) ?? { sessions: 0, weighted: 0, weight: 0 };
    a.sessions += row.session_count;
    if (row.average_focus !== null) {
      a.weighted += row.average_focus * row.session_count;
      a.weight += row.session_count;
    }
    acc.set(row.hour, a);
  }
  return [...acc]
    .filter(([, a]) => a.weight > 0 && a.sessions >= INSIGHT_RULES.minSessionsPerHour)
    .map(([hour, a]) => ({ hour, sessions: a.sessions, focus: a.weighted / a.weight }))
    .sort((x, y) => x.hour - y.hour);
}

function peakHours(stats: HourStat[]): TeamSuggestion | null {
  if (stats.length < 2) return null;
  const weight = stats.reduce((s, h) => s + h.sessions, 0);
  const overall = stats.reduce((s, h) => s + h.focus * h.sessions, 0) / weight;
  const top = [...stats]
    .filter((h) => h.focus > overall)
    .sort((a, b) => b.focus - a.focus || a.hour - b.hour)
    .slice(0, INSIGHT_RULES.peakHours)
    .sort((a, b) => a.hour - b.hour);
  if (top.length === 0) return null;
  return {
    type: 'peak_focus_hours',
    message:
      `Team focus peaks at ${top.map((h) => hh(h.hour)).join(', ')} UTC ` +
      `(average ${round(Math.max(...top.map((h) => h.focus)), 2)} against ${round(overall, 2)} overall): ` +
      'protect these hours from meetings and interruptions.',
    evidence: {
      hours: top.map((h) => ({
        hour: h.hour,
        average_focus: round(h.focus),
        session_count: h.sessions,
      })),
      overall_average_focus: round(overall),
    },
  };
}

function meetingFreeWindow(stats: HourStat[]): TeamSuggestion | null {
  const byHour = new Map(stats.map((h) => [h.hour, h]));
  let best: { start: number; focus: number; sessions: number } | null = null;
  for (const first of stats) {
    const window = Array.from({ length: INSIGHT_RULES.windowHours }, (_, i) =>
      byHour.get(first.hour + i),
    );
    if (window.some((h) => h === undefined)) continue;
    const hours = window as HourStat[];
    const sessions = hours.reduce((s, h) => s + h.sessions, 0);
    const focus = hours.reduce((s, h) => s + h.focus * h.sessions, 0) / sessions;
    if (!best || focus > best.focus) best = { start: first.hour, focus, sessions };
  }
  if (!best) return null;
  const end = best.start + INSIGHT_RULES.windowHours;
  return {
    type: 'meeting_free_window',
    message:
      `Keep ${hh(best.start)}–${hh(end)} UTC meeting-free: it is the team's most focused ` +
      `${INSIGHT_RULES.windowHours}-hour block (average focus ${round(best.focus, 2)}).`,
    evidence: {
      start_hour: best.start,
      end_hour: end % 24,
      average_focus: round(best.focus),
      session_count: best.sessions,
    },
  };
}

function interruptionHeavyDays(daily: readonly DailyMetric[]): TeamSuggestion | null {
  const acc = new Map<number, { sessions: number; interruptions: number }>();
  let sessions = 0;
  let interruptions = 0;
  for (const day of daily) {
    const weekday = new Date(`${day.date}T00:00:00Z`).getUTCDay();
    const a = acc.get(weekday) ?? { sessions: 0, interruptions: 0 };
    a.sessions += day.session_count;
    a.interruptions += day.interruptions;
    acc.set(weekday, a);
    sessions += day.session_count;
    interruptions += day.interruptions;
  }
  if (sessions === 0 || interruptions === 0) return null;
  const overall = interruptions / sessions;
  const heavy = [...acc]
    .map(([weekday, a]) => ({ weekday, sessions: a.sessions, rate: a.interruptions / a.sessions }))
    .filter((d) => d.rate >= overall * INSIGHT_RULES.interruptionFactor)
    .sort((a, b) => a.weekday - b.weekday);
  if (heavy.length === 0) return null;
  return {
    type: 'interruption_heavy_days',
    message:
      `${heavy.map((d) => WEEKDAYS[d.weekday]).join(', ')} ${heavy.length === 1 ? 'sees' : 'see'} ` +
      `${round(Math.max(...heavy.map((d) => d.rate)), 1)} interruptions per session against ` +
      `${round(overall, 1)} on average: batch meetings and messages away from those days.`,
    evidence: {
      days: heavy.map((d) => ({
        weekday: WEEKDAYS[d.weekday],
        interruptions_per_session: round(d.rate),
        session_count: d.sessions,
      })),
      overall_interruptions_per_session: round(overall),
    },
  };
}

function longSessions(daily: readonly DailyMetric[]): TeamSuggestion | null {
  const withLength = daily.filter((d) => d.average_session_minutes !== null);
  const sessions = withLength.reduce((s, d) => s + d.session_count, 0);
  if (sessions === 0) return null;
  const minutes =
    withLength.reduce((s, d) => s + (d.average_session_minutes ?? 0) * d.session_count, 0) /
    sessions;
  if (minutes <= INSIGHT_RULES.longSessionMinutes) return null;
  return {
    type: 'long_sessions',
    message:
      `Sessions last ${Math.round(minutes)} minutes on average: encourage a short break ` +
      'every 50–60 minutes of continuous work.',
    evidence: { average_session_minutes: round(minutes, 1), session_count: sessions },
  };
}

/**
 * Suggestions from a team's aggregates (already filtered to days and hours
 * with enough consenting contributors). Pure; hours are UTC, the one clock a
 * team across zones shares for scheduling.
 */
export function teamSuggestions(
  daily: readonly DailyMetric[],
  hourly: readonly HourlyMetric[],
): TeamSuggestion[] {
  const stats = hourStats(hourly);
  return [
    peakHours(stats),
    meetingFreeWindow(stats),
    interruptionHeavyDays(daily),
    longSessions(daily),
  ].filter((s): s is TeamSuggestion => s !== null);
}
