import type pg from 'pg';
import { notFound } from '../../errors/domain-error';

/**
 * Serialises everything that writes a team's alerts or decides who they may
 * count (a run, a consent change, a member leaving, a purge) on the team row.
 * FOR NO KEY UPDATE still lets the reconciler's metric upserts (which only
 * take KEY SHARE through their foreign key) through. Callers take it before
 * any team_members row lock, in the order lockTeam in team-store uses, and
 * several teams in id order.
 */
export async function lockTeamAlerts(client: pg.ClientBase, teamId: string): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM teams WHERE id = $1 FOR NO KEY UPDATE', [
    teamId,
  ]);
  if (rows.length === 0) throw notFound('No such team');
}
