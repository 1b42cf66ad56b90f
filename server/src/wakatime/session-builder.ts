import type { FlowPeriodEntry, PrivacySettings, SessionEntry } from '@mindful/shared';
import { DOC_LIMITS } from '@mindful/shared';
import { toWallMs, wallDate, dayStartWall, zoneOffsetMs } from '../time/zoned-time';

/** A stored heartbeat, as much as building sessions needs. */
export interface HeartbeatPoint {
  timeMs: number;
  editor: string | null;
  machine: string | null;
  project: string | null;
  category: string;
  language: string | null;
  isWrite: boolean;
  /** An HMAC of the entity: counts distinct files without the path. */
  entityKey: string;
}

/**
 * How heartbeat cadence reads as (coarse) flow: heartbeats no further apart
 * than `maxGapMs` for at least `minDurationMs`. WakaTime plugins send a
 * heartbeat at least every 2 minutes while someone types or navigates, and
 * on every save, so a long unbroken run is sustained work. It says nothing
 * about rhythm or switching, hence `signal: 'coarse'`.
 */
export const COARSE_FLOW = { maxGapMs: 3 * 60_000, minDurationMs: 20 * 60_000 } as const;

/** Gaps at least this long inside a session count as interruptions. */
export const INTERRUPTION_GAP_MS = 5 * 60_000;

/** What the builder needs besides the heartbeats. */
export interface BuildOptions {
  idleTimeoutMs: number;
  timeZone: string;
  settings: PrivacySettings;
  /** Deterministic session id for a stream and start time (same heartbeats, same id). */
  sessionId(streamKey: string, startMs: number): string;
  /** Times covered by keystroke-level sessions: no coarse flow is inferred there. */
  keystrokeCovered: readonly { start: number; end: number }[];
  now: Date;
}

interface Draft {
  streamKey: string;
  points: HeartbeatPoint[];
  endMs: number;
}

/** Time order, ties broken by content, so arrival order never changes the result. */
function byTimeThenContent(a: HeartbeatPoint, b: HeartbeatPoint): number {
  if (a.timeMs !== b.timeMs) return a.timeMs - b.timeMs;
  const key = (p: HeartbeatPoint) =>
    JSON.stringify([p.project, p.category, p.language, p.entityKey, p.isWrite]);
  const [x, y] = [key(a), key(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

const streamOf = (p: HeartbeatPoint) => `${p.machine ?? ''}\u0000${p.editor ?? ''}`;

/** The UTC instant of the first local midnight after `fromMs` (in `timeZone`). */
function nextMidnight(fromMs: number, timeZone: string): number {
  const day = wallDate(toWallMs(fromMs, timeZone));
  const wallMidnight = dayStartWall(day) + 24 * 3600 * 1000;
  return wallMidnight - zoneOffsetMs(wallMidnight - zoneOffsetMs(fromMs, timeZone), timeZone);
}

/**
 * Joins heartbeats into sessions, WakaTime's way: within one editor on one
 * machine, consecutive heartbeats closer than the idle timeout are one
 * duration; a change of project or category starts a new session and the
 * gap goes to the one before (as WakaTime credits it); a session never
 * crosses the user's local midnight, so every session belongs to one day.
 * A lone heartbeat is a zero-length duration and makes no session.
 * Pure: the same heartbeats always give the same sessions and ids.
 */
export function buildSessions(
  points: readonly HeartbeatPoint[],
  options: BuildOptions,
): SessionEntry[] {
  const streams = new Map<string, HeartbeatPoint[]>();
  for (const point of points) {
    const key = streamOf(point);
    const list = streams.get(key) ?? [];
    list.push(point);
    streams.set(key, list);
  }
  const sessions: SessionEntry[] = [];
  for (const [streamKey, list] of streams) {
    list.sort(byTimeThenContent);
    for (const draft of drafts(streamKey, list, options)) {
      const entry = toEntry(draft, options);
      if (entry) sessions.push(entry);
    }
  }
  return sessions.sort(
    (a, b) => a.start_time.localeCompare(b.start_time) || a.id.localeCompare(b.id),
  );
}

function drafts(streamKey: string, list: HeartbeatPoint[], options: BuildOptions): Draft[] {
  const out: Draft[] = [];
  let current: Draft | null = null;
  for (const point of list) {
    if (current) {
      let last: HeartbeatPoint = current.points[current.points.length - 1]!;
      const midnight = nextMidnight(last.timeMs, options.timeZone);
      if (point.timeMs - last.timeMs < options.idleTimeoutMs && point.timeMs >= midnight) {
        // Split at midnight: the gap's part after midnight opens the next day.
        current.endMs = midnight;
        out.push(current);
        last = { ...last, timeMs: midnight };
        current = { streamKey, points: [last], endMs: midnight };
      }
      const gap = point.timeMs - last.timeMs;
      if (gap >= options.idleTimeoutMs) {
        out.push(current);
      } else if (point.project !== last.project || point.category !== last.category) {
        current.endMs = point.timeMs;
        out.push(current);
      } else {
        current.points.push(point);
        current.endMs = point.timeMs;
        continue;
      }
    }
    current = { streamKey, points: [point], endMs: point.timeMs };
  }
  if (current) out.push(current);
  return out;
}

function toEntry(draft: Draft, options: BuildOptions): SessionEntry | null {
  const first = draft.points[0]!;
  const startMs = first.timeMs;
  const durationMs = Math.min(Math.round(draft.endMs - startMs), DOC_LIMITS.maxDurationMs);
  if (durationMs <= 0) return null;
  const languages: Record<string, number> = {};
  const files = new Set<string>();
  let interruptions = 0;
  draft.points.forEach((point, i) => {
    if (point.isWrite) files.add(point.entityKey);
    const nextMs = draft.points[i + 1]?.timeMs ?? draft.endMs;
    const gap = nextMs - point.timeMs;
    if (gap >= INTERRUPTION_GAP_MS) interruptions++;
    const language = (point.language ?? 'Other').slice(0, 64);
    if (
      gap > 0 &&
      (language in languages || Object.keys(languages).length < DOC_LIMITS.maxLanguages)
    ) {
      languages[language] = (languages[language] ?? 0) + Math.round(gap);
    }
  });
  const { settings } = options;
  const project =
    first.project && settings.track_project_names && settings.sync_project_paths
      ? first.project.slice(0, DOC_LIMITS.maxStringLength)
      : null;
  return {
    id: options.sessionId(draft.streamKey, startMs),
    start_time: new Date(startMs).toISOString(),
    end_time: new Date(startMs + durationMs).toISOString(),
    total_duration_ms: durationMs,
    active_duration_ms: durationMs,
    files_modified: files.size,
    keystrokes: 0,
    lines_added: 0,
    lines_deleted: 0,
    language_breakdown: settings.track_languages ? languages : {},
    project_path: project,
    environment_data: null,
    flow_state_periods: coarseFlow(draft, options.keystrokeCovered),
    interruption_count: interruptions,
    error_rate: null,
    focus_score: null,
    device_id: null,
    updated_at: options.now.toISOString(),
    editor: first.editor,
    machine: first.machine,
    category: first.category,
    source: 'wakatime',
  };
}

/** Runs of dense heartbeats long enough to read as flow, outside keystroke-covered time. */
export function coarseFlow(
  draft: Pick<Draft, 'points' | 'endMs'>,
  covered: readonly { start: number; end: number }[],
): FlowPeriodEntry[] {
  const periods: FlowPeriodEntry[] = [];
  const times = draft.points.map((p) => p.timeMs);
  let runStart = 0;
  for (let i = 1; i <= times.length; i++) {
    if (i < times.length && times[i]! - times[i - 1]! <= COARSE_FLOW.maxGapMs) continue;
    const start = times[runStart]!;
    const end = times[i - 1]!;
    const count = i - runStart;
    runStart = i;
    if (end - start < COARSE_FLOW.minDurationMs) continue;
    if (covered.some((c) => c.start < end && c.end > start)) continue;
    // Denser than one heartbeat per two minutes reads as more intense; capped at 1.
    const perTwoMinutes = count / ((end - start) / (2 * 60_000));
    periods.push({
      start_time: new Date(start).toISOString(),
      end_time: new Date(end).toISOString(),
      duration_ms: Math.round(end - start),
      intensity: Math.round(Math.min(1, Math.max(0.5, perTwoMinutes / 2)) * 1000) / 1000,
      signal: 'coarse',
    });
  }
  return periods;
}
