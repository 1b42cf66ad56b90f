import type pg from 'pg';
import { dropNamedMember, recountTeamAlerts } from './burnout/alert-recount';
import { recomputeTeam } from './team-metrics';

/**
 * Locks `teamIds` for their alerts in id order (one statement), so two
 * withdrawals or purges over shared teams never wait on each other in a
 * circle. Returns the teams that still exist.
 */
async function lockTeams(client: pg.ClientBase, teamIds: readonly string[]): Promise<string[]> {
  if (teamIds.length === 0) return [];
  const { rows } = await client.query<{ id: string }>(
    'SELECT id FROM teams WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE',
    [teamIds],
  );
  return rows.map((row) => row.id);
}

async function teamIdsOf(client: pg.ClientBase, userId: string, consenting: boolean) {
  const { rows } = await client.query<{ team_id: string }>(
    `SELECT team_id FROM team_members WHERE user_id = $1 AND (data_sharing_consent OR NOT $2)`,
    [userId, consenting],
  );
  return rows.map((row) => row.team_id);
}

/**
 * For a purge: deletes every alert row naming `userId` and recounts the
 * stored alerts of every team they are in without them. Call it inside the
 * purge's transaction while the user still exists (before the account goes):
 * the recount leaves them out explicitly, so their rows need not be gone yet.
 * Returns how many teams were recounted.
 */
export async function takeOutOfTeamAlerts(client: pg.ClientBase, userId: string): Promise<number> {
  const teams = await lockTeams(client, await teamIdsOf(client, userId, false));
  await client.query('DELETE FROM team_alert_members WHERE user_id = $1', [userId]);
  for (const teamId of teams) await recountTeamAlerts(client, teamId, userId);
  return teams.length;
}

/**
 * Withdraws every data-sharing consent `userId` still gives (team sharing
 * turned off in their privacy settings), as a withdrawal through the consent
 * route would: the teams' aggregates recomputed, the rows naming them in
 * alerts deleted, the stored alerts recounted. Returns the teams affected;
 * costs one index lookup when there are none. Take the users row first, as
 * mirrorPrivacySettings does.
 */
export async function withdrawTeamConsents(
  client: pg.ClientBase,
  userId: string,
): Promise<string[]> {
  const teams = await lockTeams(client, await teamIdsOf(client, userId, true));
  if (teams.length === 0) return [];
  const { rows } = await client.query<{ team_id: string }>(
    `UPDATE team_members SET data_sharing_consent = false
     WHERE user_id = $1 AND data_sharing_consent AND team_id = ANY($2::uuid[])
     RETURNING team_id`,
    [userId, teams],
  );
  const withdrawn = rows.map((row) => row.team_id).sort();
  for (const teamId of withdrawn) {
    await dropNamedMember(client, teamId, userId);
    await recomputeTeam(client, teamId);
    await recountTeamAlerts(client, teamId);
  }
  return withdrawn;
}
