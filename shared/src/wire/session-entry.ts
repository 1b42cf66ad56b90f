import { DOC_LIMITS, type FlowPeriodEntry, type SessionEntry } from '../doc/entries';

/**
 * What a writer knows of a session. `id`, `start_time` and `updated_at` are required; every other
 * column defaults to "nothing yet" (zero counters, no periods, nulls).
 */
export interface SessionEntryFields {
  id: string;
  start_time: string;
  updated_at: string;
  end_time?: string | null;
  total_duration_ms?: number;
  active_duration_ms?: number;
  files_modified?: number;
  keystrokes?: number;
  lines_added?: number;
  lines_deleted?: number;
  language_breakdown?: Record<string, number>;
  project_path?: string | null;
  environment_data?: Record<string, unknown> | null;
  flow_state_periods?: FlowPeriodEntry[];
  interruption_count?: number;
  error_rate?: number | null;
  focus_score?: number | null;
  device_id?: string | null;
}

/** A duration within the document's bounds: whole, non-negative milliseconds. */
export function clampDurationMs(ms: number): number {
  return Math.min(Math.max(0, Math.round(ms)), DOC_LIMITS.maxDurationMs);
}

/** A counter within the document's bounds. */
export function clampCounter(n: number): number {
  return Math.min(n, DOC_LIMITS.maxCounter);
}

/**
 * The one builder of a {@link SessionEntry}, used by every writer (the SDK's capture and the
 * server's REST sessions): fills the columns a writer does not know yet and keeps durations,
 * counters and the focus score within {@link DOC_LIMITS}, so an entry a writer builds is one
 * every reader accepts. What the user's privacy settings let leave the device is the caller's
 * decision (it passes `null` for what may not).
 *
 * @example
 * buildSessionEntry({ id, start_time: now, updated_at: now }).keystrokes // 0
 */
export function buildSessionEntry(fields: SessionEntryFields): SessionEntry {
  return {
    id: fields.id,
    start_time: fields.start_time,
    end_time: fields.end_time ?? null,
    total_duration_ms: clampDurationMs(fields.total_duration_ms ?? 0),
    active_duration_ms: clampDurationMs(fields.active_duration_ms ?? 0),
    files_modified: clampCounter(fields.files_modified ?? 0),
    keystrokes: clampCounter(fields.keystrokes ?? 0),
    lines_added: clampCounter(fields.lines_added ?? 0),
    lines_deleted: clampCounter(fields.lines_deleted ?? 0),
    language_breakdown: fields.language_breakdown ?? {},
    project_path: fields.project_path ?? null,
    environment_data: fields.environment_data ?? null,
    flow_state_periods: fields.flow_state_periods ?? [],
    interruption_count: clampCounter(fields.interruption_count ?? 0),
    error_rate: fields.error_rate ?? null,
    focus_score:
      fields.focus_score === null || fields.focus_score === undefined
        ? null
        : Math.min(1, Math.max(0, fields.focus_score)),
    device_id: fields.device_id ?? null,
    updated_at: fields.updated_at,
  };
}
