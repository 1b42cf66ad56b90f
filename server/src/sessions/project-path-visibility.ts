import type pg from 'pg';
import { DEFAULT_PRIVACY_SETTINGS, type PrivacySettings } from '@mindful/shared';
import type { ProjectPathHiddenReason } from './session-wire-schema';

/** The two settings that decide whether a project path reaches the server. */
export type PathSettings = Pick<PrivacySettings, 'sync_project_paths' | 'track_project_names'>;

/**
 * Why a session's `project_path` is null when a setting keeps paths off the
 * server, so a client can tell "no path" from "not shared" (docs/api.md).
 */
export function projectPathHiddenReason(
  projectPath: string | null,
  settings: PathSettings,
): ProjectPathHiddenReason | null {
  if (projectPath !== null) return null;
  if (!settings.sync_project_paths) return 'sync_project_paths_off';
  if (!settings.track_project_names) return 'track_project_names_off';
  return null;
}

/** Adds `project_path_hidden_reason` to a session answer. */
export function withPathReason<S extends { project_path: string | null }>(
  session: S,
  settings: PathSettings,
): S & { project_path_hidden_reason: ProjectPathHiddenReason | null } {
  return {
    ...session,
    project_path_hidden_reason: projectPathHiddenReason(session.project_path, settings),
  };
}

/**
 * The path settings from `users.privacy_settings`, the copy of the
 * document's settings kept for SQL readers: a history read need not load the
 * user's document. Unset fields are the defaults.
 */
export async function storedPathSettings(pool: pg.Pool, userId: string): Promise<PathSettings> {
  const { rows } = await pool.query<{ sync: boolean | null; track: boolean | null }>(
    `SELECT (privacy_settings ->> 'sync_project_paths')::boolean AS sync,
            (privacy_settings ->> 'track_project_names')::boolean AS track
     FROM users WHERE id = $1`,
    [userId],
  );
  return {
    sync_project_paths: rows[0]?.sync ?? DEFAULT_PRIVACY_SETTINGS.sync_project_paths,
    track_project_names: rows[0]?.track ?? DEFAULT_PRIVACY_SETTINGS.track_project_names,
  };
}
