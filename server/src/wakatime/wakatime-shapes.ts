import type { DailyTotals, DayWindow, SecondsBreakdown } from '@mindful/shared';

/** WakaTime's way of writing a duration: `text`, `digital`, `decimal` and the parts. */
export function durationParts(totalSeconds: number) {
  const whole = Math.floor(totalSeconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = whole % 60;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const text =
    hours > 0
      ? `${plural(hours, 'hr')} ${plural(minutes, 'min')}`
      : minutes > 0
        ? plural(minutes, 'min')
        : plural(seconds, 'sec');
  return {
    total_seconds: Math.round(totalSeconds * 1000) / 1000,
    text,
    digital: `${hours}:${String(minutes).padStart(2, '0')}`,
    decimal: (totalSeconds / 3600).toFixed(2),
    hours,
    minutes,
    seconds,
  };
}

/** A breakdown as WakaTime's list of `{name, total_seconds, percent, text, …}`, largest first. */
export function breakdownItems(breakdown: SecondsBreakdown, grandTotalSeconds: number) {
  return Object.entries(breakdown)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, seconds]) => ({
      name,
      ...durationParts(seconds),
      percent: grandTotalSeconds > 0 ? Math.round((seconds / grandTotalSeconds) * 10_000) / 100 : 0,
    }));
}

/** Mindful's own figures, as an extra key WakaTime clients ignore. */
export function mindfulFields(totals: DailyTotals) {
  return {
    flow_seconds: totals.flow_seconds,
    longest_flow_seconds: totals.longest_flow_seconds,
    interruptions: totals.interruptions,
    session_count: totals.session_count,
    focus_score: totals.focus_score,
  };
}

/** One day (or a combined range) in WakaTime's summary shape, with Mindful's extra key. */
export function summaryBody(totals: DailyTotals) {
  const total = totals.coding_seconds;
  return {
    grand_total: durationParts(total),
    categories: breakdownItems(totals.categories, total),
    projects: breakdownItems(totals.projects, total),
    languages: breakdownItems(totals.languages, total),
    editors: breakdownItems(totals.editors, total),
    machines: breakdownItems(totals.machines, total),
    operating_systems: [] as unknown[],
    dependencies: [] as unknown[],
    branches: [] as unknown[],
    entities: [] as unknown[],
    mindful: mindfulFields(totals),
  };
}

/** The `range` member of a day. */
export function dayRange(window: DayWindow, timeZone: string, text = window.date) {
  return {
    date: window.date,
    start: new Date(window.start_ms).toISOString(),
    end: new Date(window.end_ms).toISOString(),
    text,
    timezone: timeZone,
  };
}
