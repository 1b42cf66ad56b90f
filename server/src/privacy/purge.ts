import type pg from 'pg';
import { userDocName } from '@mindful/shared';
import { inTransaction } from '../db/database';
import { generationNotice } from '../sync/instance-fanout';
import { DOC_UPDATES_CHANNEL, subjectHash } from '../sync/log-places';
import { consentingTeamIdsOf, recomputeTeam } from '../teams/team-metrics';
import { takeOutOfTeamAlerts } from '../teams/member-withdrawal';
import { handOverTeams } from '../teams/team-store';
import { purgeWakatimeData } from '../wakatime/wakatime-privacy';

/** `all` deletes the account too; `data` keeps the account and its sign-in. */
export const PURGE_SCOPES = ['all', 'data'] as const;
export type PurgeScope = (typeof PURGE_SCOPES)[number];

/** What a purge did. */
export interface PurgeOutcome {
  /** The document's new generation: replicas holding an older one must wipe. */
  generation: number;
  /** Teams whose aggregates were recomputed without the user. */
  teamsRecomputed: number;
}

/**
 * Deletes everything the server holds about a user in one transaction: the
 * relational rows, the CRDT update log and snapshots, named alerts, and (for
 * scope `all`) the account with its better-auth sessions — then recomputes the
 * aggregates of the teams they contributed to and records a tombstone (a hash
 * of the document name and the new generation, nothing personal) that outlives
 * everything else. The document row is locked first, so a concurrent append or
 * reconciliation waits and then finds the generation moved on.
 *
 * The caller then evicts the live document, which closes connected replicas
 * with 4410.
 */
export async function purgeUser(
  pool: pg.Pool,
  userId: string,
  scope: PurgeScope,
): Promise<PurgeOutcome> {
  const docName = userDocName(userId);
  const subject = subjectHash(docName);
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ generation: number }>(
      `SELECT GREATEST(
         (SELECT generation FROM crdt_documents WHERE doc_name = $1 FOR UPDATE),
         (SELECT generation FROM purge_tombstones WHERE subject_hash = $2 FOR UPDATE),
         1) AS generation`,
      [docName, subject],
    );
    const generation = (rows[0]?.generation ?? 1) + 1;
    const teams = await consentingTeamIdsOf(client, userId);
    await takeOutOfTeamAlerts(client, userId);

    await client.query('DELETE FROM crdt_updates WHERE doc_name = $1 OR user_id = $2', [
      docName,
      userId,
    ]);
    await client.query('DELETE FROM coding_sessions WHERE user_id = $1', [userId]);
    await client.query('DELETE FROM flow_states WHERE user_id = $1', [userId]);
    await client.query('DELETE FROM user_insights WHERE user_id = $1', [userId]);
    await client.query('DELETE FROM team_alert_members WHERE user_id = $1', [userId]);
    await purgeWakatimeData(client, userId);
    if (scope === 'all') {
      // Erasing an account is never refused: its teams go on with their members.
      await handOverTeams(client, userId);
      // Invitations to the account's address hold the address, not the id.
      await client.query(
        'DELETE FROM team_invitations WHERE email = (SELECT lower(email) FROM users WHERE id = $1)',
        [userId],
      );
      await client.query('DELETE FROM users WHERE id = $1', [userId]);
    } else {
      await client.query(
        `UPDATE crdt_documents SET generation = $2, updated_at = NOW() WHERE doc_name = $1`,
        [docName, generation],
      );
      await client.query(
        `UPDATE users SET privacy_settings = '{}', updated_at = NOW() WHERE id = $1`,
        [userId],
      );
    }
    await client.query(
      `INSERT INTO purge_tombstones (subject_hash, generation, scope) VALUES ($1, $2, $3)
       ON CONFLICT (subject_hash) DO UPDATE
         SET generation = EXCLUDED.generation, scope = EXCLUDED.scope, purged_at = NOW()`,
      [subject, generation, scope],
    );
    for (const teamId of teams) await recomputeTeam(client, teamId);
    // Other instances evict their copy at commit (doc name and number only).
    await client.query('SELECT pg_notify($1, $2)', [
      DOC_UPDATES_CHANNEL,
      generationNotice(docName, generation),
    ]);
    return { generation, teamsRecomputed: teams.length };
  });
}
