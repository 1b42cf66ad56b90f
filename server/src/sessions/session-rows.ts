import {
  MAX_ERROR_RATE,
  type FlowStateEntry,
  type PrivacySettings,
  type SessionEntry,
} from '@mindful/shared';
import type { FieldCipher } from '../privacy/cipher';
import { placeOf } from '../privacy/cipher';

/** The columns of `coding_sessions` the reconciler writes, in order, as query parameters. */
export const SESSION_COLUMNS = [
  'id',
  'user_id',
  'start_time',
  'end_time',
  'total_duration_ms',
  'active_duration_ms',
  'files_modified',
  'keystrokes',
  'lines_added',
  'lines_deleted',
  'language_breakdown',
  'project_path',
  'environment_data',
  'flow_state_periods',
  'interruption_count',
  'error_rate',
  'focus_score',
  'device_id',
  'editor',
  'machine',
  'category',
  'source',
] as const;

/** The columns of `flow_states` the reconciler writes, in order. */
export const FLOW_STATE_COLUMNS = [
  'id',
  'session_id',
  'user_id',
  'start_time',
  'end_time',
  'duration_ms',
  'intensity_score',
  'typing_rhythm_data',
  'context_switches',
  'error_events',
  'recovery_time_ms',
  'environmental_factors',
] as const;

/** An entry the relational store cannot hold even though the document schema allows it. */
export class UnstorableEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnstorableEntryError';
  }
}

/**
 * A session entry as `coding_sessions` parameters: the owner from the
 * authenticated document (never from the data), what the user's privacy
 * settings keep from being tracked or from leaving the device dropped,
 * sensitive columns sealed.
 */
export function sessionRowParams(
  entry: SessionEntry,
  userId: string,
  settings: PrivacySettings,
  cipher: FieldCipher,
): unknown[] {
  if (entry.error_rate !== null && entry.error_rate > MAX_ERROR_RATE) {
    throw new UnstorableEntryError('error_rate above the column maximum');
  }
  const place = (column: string) => placeOf('coding_sessions', column, entry.id);
  // A replica may have captured before tracking was turned off: store as if it had not.
  const projectPath =
    settings.track_project_names && settings.sync_project_paths && entry.project_path !== null
      ? cipher.encrypt(entry.project_path, place('project_path'))
      : null;
  const environment =
    settings.sync_environment_data && entry.environment_data !== null
      ? cipher.encryptJson(entry.environment_data, place('environment_data'))
      : null;
  return [
    entry.id,
    userId,
    entry.start_time,
    entry.end_time,
    entry.total_duration_ms,
    entry.active_duration_ms,
    entry.files_modified,
    entry.keystrokes,
    entry.lines_added,
    entry.lines_deleted,
    JSON.stringify(settings.track_languages ? entry.language_breakdown : {}),
    projectPath,
    environment,
    JSON.stringify(entry.flow_state_periods),
    entry.interruption_count,
    entry.error_rate,
    entry.focus_score,
    entry.device_id,
    entry.editor ?? null,
    entry.machine ?? null,
    entry.category ?? null,
    entry.source ?? null,
  ];
}

/** A flow-state entry as `flow_states` parameters (same rules as {@link sessionRowParams}). */
export function flowStateRowParams(
  entry: FlowStateEntry,
  userId: string,
  settings: PrivacySettings,
  cipher: FieldCipher,
): unknown[] {
  const place = (column: string) => placeOf('flow_states', column, entry.id);
  let rhythm: unknown = null;
  if (entry.typing_rhythm_data && settings.track_keystroke_timing) {
    const { samples, ...summary } = entry.typing_rhythm_data;
    // Raw keystroke samples leave the device only with explicit consent.
    rhythm = settings.sync_raw_keystrokes && samples ? { ...summary, samples } : summary;
  }
  return [
    entry.id,
    entry.session_id,
    userId,
    entry.start_time,
    entry.end_time,
    entry.duration_ms,
    entry.intensity_score,
    rhythm === null ? null : cipher.encryptJson(rhythm, place('typing_rhythm_data')),
    entry.context_switches,
    entry.error_events === null
      ? null
      : cipher.encryptJson(entry.error_events, place('error_events')),
    entry.recovery_time_ms,
    settings.sync_environment_data && entry.environmental_factors !== null
      ? cipher.encryptJson(entry.environmental_factors, place('environmental_factors'))
      : null,
  ];
}

/** A `coding_sessions` row as read by `pg`. */
export interface SessionRow {
  id: string;
  user_id: string;
  start_time: Date;
  end_time: Date | null;
  total_duration_ms: string | null;
  active_duration_ms: string | null;
  files_modified: number | null;
  keystrokes: number | null;
  lines_added: number | null;
  lines_deleted: number | null;
  language_breakdown: Record<string, number> | null;
  project_path: string | null;
  environment_data: string | null;
  flow_state_periods: unknown[] | null;
  interruption_count: number | null;
  error_rate: string | null;
  focus_score: string | null;
  device_id: string | null;
  editor?: string | null;
  machine?: string | null;
  category?: string | null;
  source?: string | null;
  created_at: Date;
}

/** The session JSON of API.md (seed columns, snake_case, ISO-8601 UTC times). */
export interface SessionWire {
  id: string;
  user_id: string;
  start_time: string;
  end_time: string | null;
  total_duration_ms: number | null;
  active_duration_ms: number | null;
  files_modified: number;
  keystrokes: number;
  lines_added: number;
  lines_deleted: number;
  language_breakdown: Record<string, number>;
  project_path: string | null;
  environment_data: Record<string, unknown> | null;
  flow_state_periods: unknown[];
  interruption_count: number;
  error_rate: number | null;
  focus_score: number | null;
  device_id: string | null;
  created_at: string;
  /** Present only on sessions built from WakaTime heartbeats (added fields, see docs/wakatime.md). */
  editor?: string | null;
  machine?: string | null;
  category?: string | null;
  source?: string;
}

/** The WakaTime fields of a session, only when it has them (other sessions keep their shape). */
function wakatimeFields(source: {
  editor?: string | null;
  machine?: string | null;
  category?: string | null;
  source?: string | null;
}): Pick<SessionWire, 'editor' | 'machine' | 'category' | 'source'> {
  if (!source.source) return {};
  return {
    editor: source.editor ?? null,
    machine: source.machine ?? null,
    category: source.category ?? null,
    source: source.source,
  };
}

const num = (value: string | null): number | null => (value === null ? null : Number(value));

/** A stored row as session JSON, sensitive columns decrypted. */
export function sessionFromRow(row: SessionRow, cipher: FieldCipher): SessionWire {
  const place = (column: string) => placeOf('coding_sessions', column, row.id);
  return {
    id: row.id,
    user_id: row.user_id,
    start_time: row.start_time.toISOString(),
    end_time: row.end_time ? row.end_time.toISOString() : null,
    total_duration_ms: num(row.total_duration_ms),
    active_duration_ms: num(row.active_duration_ms),
    files_modified: row.files_modified ?? 0,
    keystrokes: row.keystrokes ?? 0,
    lines_added: row.lines_added ?? 0,
    lines_deleted: row.lines_deleted ?? 0,
    language_breakdown: row.language_breakdown ?? {},
    project_path: row.project_path
      ? cipher.decryptString(row.project_path, place('project_path'))
      : null,
    environment_data: row.environment_data
      ? cipher.decryptJson<Record<string, unknown>>(row.environment_data, place('environment_data'))
      : null,
    flow_state_periods: row.flow_state_periods ?? [],
    interruption_count: row.interruption_count ?? 0,
    error_rate: num(row.error_rate),
    focus_score: num(row.focus_score),
    device_id: row.device_id,
    created_at: row.created_at.toISOString(),
    ...wakatimeFields(row),
  };
}

/**
 * A document entry as session JSON, for answers given before the reconciler
 * has written the row (privacy settings applied as the reconciler would).
 */
export function sessionFromEntry(
  entry: SessionEntry,
  userId: string,
  settings: PrivacySettings,
  createdAt: string,
): SessionWire {
  return {
    id: entry.id,
    user_id: userId,
    start_time: new Date(entry.start_time).toISOString(),
    end_time: entry.end_time === null ? null : new Date(entry.end_time).toISOString(),
    total_duration_ms: entry.total_duration_ms,
    active_duration_ms: entry.active_duration_ms,
    files_modified: entry.files_modified,
    keystrokes: entry.keystrokes,
    lines_added: entry.lines_added,
    lines_deleted: entry.lines_deleted,
    language_breakdown: settings.track_languages ? entry.language_breakdown : {},
    project_path: settings.sync_project_paths ? entry.project_path : null,
    environment_data: settings.sync_environment_data ? entry.environment_data : null,
    flow_state_periods: entry.flow_state_periods,
    interruption_count: entry.interruption_count,
    error_rate: entry.error_rate,
    focus_score: entry.focus_score,
    device_id: entry.device_id,
    created_at: createdAt,
    ...wakatimeFields(entry),
  };
}
