import type pg from 'pg';
import { badRequest, notFound } from '../../errors/domain-error';
import {
  burnoutThresholdsInput,
  DEFAULT_BURNOUT_THRESHOLDS,
  mergeThresholds,
  thresholdProblems,
  thresholdsToJson,
  type BurnoutThresholds,
  type BurnoutThresholdsInput,
} from './thresholds';

/**
 * The team's burnout thresholds: the defaults, then what the team saved in
 * `teams.settings.burnout_thresholds` (a stored value that no longer parses
 * counts as unset), then `override`. An override that makes the whole
 * inconsistent is a 400 naming the field.
 * @param forUpdate lock the team row (a save reads, merges and writes it).
 */
export async function teamThresholds(
  client: pg.ClientBase,
  teamId: string,
  override?: BurnoutThresholdsInput,
  { forUpdate = false, fieldPrefix = 'thresholds.' } = {},
): Promise<BurnoutThresholds> {
  const { rows } = await client.query<{ settings: { burnout_thresholds?: unknown } | null }>(
    `SELECT settings FROM teams WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [teamId],
  );
  if (!rows[0]) throw notFound('No such team');
  const stored = burnoutThresholdsInput.safeParse(rows[0].settings?.burnout_thresholds ?? {});
  const merged = mergeThresholds(
    DEFAULT_BURNOUT_THRESHOLDS,
    stored.success ? stored.data : undefined,
    override,
  );
  const problems = thresholdProblems(merged, fieldPrefix);
  if (problems.length > 0) {
    throw badRequest('These burnout thresholds contradict each other', problems);
  }
  return merged;
}

/**
 * Saves `changes` over the team's current thresholds (fields left out keep
 * their value) and returns the whole set now in force.
 */
export async function saveTeamThresholds(
  client: pg.ClientBase,
  teamId: string,
  changes: BurnoutThresholdsInput,
): Promise<ReturnType<typeof thresholdsToJson>> {
  const merged = await teamThresholds(client, teamId, changes, {
    forUpdate: true,
    fieldPrefix: 'burnout_thresholds.',
  });
  const json = thresholdsToJson(merged);
  await client.query(
    `UPDATE teams SET settings = jsonb_set(COALESCE(settings, '{}'::jsonb), '{burnout_thresholds}', $2::jsonb)
     WHERE id = $1`,
    [teamId, JSON.stringify(json)],
  );
  return json;
}
