import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { expect } from 'vitest';
import { UserDoc } from '@mindful/shared';
import { userDataColumns } from '@mindful/server';
import { authedFetch, type TestUser } from '../helpers/test-server';
import { connectReplica, endedSessionWithFlow, synced, waitFor } from './sync-helpers';
import { cliHeartbeat, sendBulk } from './wakatime-helpers';

/** Anything that runs SQL: a pool, a client. */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * How many rows reference `userId` in each column that has a foreign key to
 * `users`, as the catalog lists them (`"table.column" → count`): a table
 * added later is counted without anyone editing this list.
 */
export async function referencingCounts(
  db: Queryable,
  userId: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { table, column } of await userDataColumns(db as never)) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`,
      [userId],
    );
    counts[`${table}.${column}`] = rows[0]!.n as number;
  }
  return counts;
}

/**
 * Writes at least one row of `user` into every table that references users,
 * each the way the product writes it where a route exists: the account and a
 * sign-in (sign-up), a session and its flow state through a replica (so the
 * document and its log), a team they own with a teammate who accepted an
 * invitation, an invitation they sent (and the quota it counts against), a
 * named burnout alert and an insight (as their jobs store them), an API key,
 * a WakaTime heartbeat sent with it and a WakaTime import job.
 * `teammate` must be another signed-up user. Both are moved to the team tier.
 */
export async function writeUserFootprint(
  serverUrl: string,
  db: Queryable,
  user: TestUser,
  teammate: TestUser,
): Promise<{ sessionId: string; teamId: string }> {
  await db.query(`UPDATE users SET subscription_tier = 'team' WHERE id = ANY($1::uuid[])`, [
    [user.id, teammate.id],
  ]);
  const api = (who: TestUser, path: string, init: { method?: string; body?: unknown } = {}) =>
    authedFetch(serverUrl, who.token, path, init);

  // A session with a flow state, written as the extension writes them: through a replica.
  const session = endedSessionWithFlow(Date.parse('2026-01-05T09:00:00Z'));
  const doc = new Y.Doc();
  const replica = connectReplica(serverUrl, user, { doc });
  try {
    await synced(replica);
    const userDoc = new UserDoc(doc);
    userDoc.putSession(session);
    userDoc.putFlowState({
      id: randomUUID(),
      session_id: session.id,
      start_time: '2026-01-05T09:10:00.000Z',
      end_time: '2026-01-05T09:50:00.000Z',
      duration_ms: 2_400_000,
      intensity_score: 0.8,
      context_switches: 1,
      recovery_time_ms: null,
      typing_rhythm_data: null,
      error_events: null,
      environmental_factors: null,
    });
    await waitFor(
      async () =>
        (await db.query('SELECT 1 FROM flow_states WHERE session_id = $1', [session.id])).rows
          .length === 1,
      'the flow state row',
    );
  } finally {
    replica.destroy();
  }

  const created = await api(user, '/api/teams', { method: 'POST', body: { name: 'Footprint' } });
  expect(created.status).toBe(201);
  const teamId = ((await created.json()) as { id: string }).id;
  const invited = await api(user, `/api/teams/${teamId}/members`, {
    method: 'POST',
    body: { email: teammate.email },
  });
  const invitationId = ((await invited.json()) as { id: string }).id;
  const accepted = await api(teammate, `/api/teams/invitations/${invitationId}/accept`, {
    method: 'POST',
  });
  expect(accepted.status).toBe(200);
  const pending = await api(user, `/api/teams/${teamId}/members`, {
    method: 'POST',
    body: { email: `pending-${randomUUID()}@example.com` },
  });
  expect(pending.status).toBe(201);
  for (const who of [user, teammate]) {
    const consent = await api(who, `/api/teams/${teamId}/consent`, {
      method: 'PUT',
      body: { data_sharing_consent: true, individual_alerts_opt_in: true },
    });
    expect(consent.status).toBe(200);
  }
  const { rows: alert } = await db.query(
    `INSERT INTO team_alerts (team_id, rule, week_start, week_end, affected_members, evaluated_members, message)
     VALUES ($1, 'long_hours', '2026-01-05', '2026-01-11', 1, 3, 'Long hours this week') RETURNING id`,
    [teamId],
  );
  await db.query(
    `INSERT INTO team_alert_members (alert_id, user_id, dates) VALUES ($1, $2, '["2026-01-05"]')`,
    [alert[0]!.id, user.id],
  );
  await db.query(
    `INSERT INTO user_insights (user_id, insight_type, insight_data, confidence_score, date_range_start, date_range_end)
     VALUES ($1, 'peak_hours', '{"hours":[9]}', 0.6, '2026-01-05', '2026-01-11')`,
    [user.id],
  );
  const createdKey = await api(user, '/api/api-keys', { method: 'POST', body: { name: 'editor' } });
  expect(createdKey.status).toBe(201);
  const { key } = (await createdKey.json()) as { key: string };
  const heartbeat = cliHeartbeat(Date.UTC(2026, 0, 5, 9) / 1000);
  expect((await sendBulk(serverUrl, key, [heartbeat])).status).toBe(202);
  expect((await api(user, '/api/wakatime/imports', { method: 'POST' })).status).toBe(201);
  return { sessionId: session.id, teamId };
}
