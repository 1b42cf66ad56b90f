import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UserDoc, userDocName } from '@mindful/shared';
import { type RunningServer, subjectHash, userDataColumns, recomputeTeam } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import {
  closedWith,
  connectReplica,
  sessionEntry,
  startSyncServer,
  synced,
  waitFor,
} from './sync-helpers';

describeEachStore('purge reaches every replica and nothing comes back', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startSyncServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });

  const q = (sql: string, params: unknown[] = []) => store().pool.query(sql, params);

  async function startSession(user: TestUser): Promise<string> {
    const response = await authedFetch(server.url, user.token, '/api/sessions/start', {
      method: 'POST',
      body: { language: 'typescript', start_time: '2026-01-05T09:00:00.000Z' },
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await authedFetch(server.url, user.token, `/api/sessions/${id}/end`, {
      method: 'POST',
      body: { end_time: '2026-01-05T10:00:00.000Z' },
    });
    await waitFor(
      async () =>
        (await q('SELECT 1 FROM coding_sessions WHERE id = $1 AND end_time IS NOT NULL', [id]))
          .rowCount === 1,
      'the session row',
    );
    return id;
  }

  async function teamWith(members: TestUser[]): Promise<string> {
    await q(`UPDATE users SET subscription_tier = 'team' WHERE id = ANY($1::uuid[])`, [
      members.map((m) => m.id),
    ]);
    const [owner, ...rest] = members;
    const created = await authedFetch(server.url, owner!.token, '/api/teams', {
      method: 'POST',
      body: { name: 'purge team' },
    });
    const team = (await created.json()) as { id: string };
    for (const member of rest) {
      const { rows } = await q('SELECT email FROM users WHERE id = $1', [member.id]);
      await authedFetch(server.url, owner!.token, `/api/teams/${team.id}/members`, {
        method: 'POST',
        body: { email: rows[0].email },
      });
    }
    for (const member of members) {
      await authedFetch(server.url, member.token, `/api/teams/${team.id}/consent`, {
        method: 'PUT',
        body: { data_sharing_consent: true },
      });
    }
    return team.id;
  }

  async function contributors(teamId: string): Promise<number> {
    const client = await store().pool.connect();
    try {
      await recomputeTeam(client, teamId);
    } finally {
      client.release();
    }
    const { rows } = await q(
      'SELECT COALESCE(max(contributors), 0)::int AS n FROM team_daily_metrics WHERE team_id = $1',
      [teamId],
    );
    return rows[0].n;
  }

  it('scope=all: connected replicas get 4410 at once, an offline replica is refused before sync, no table keeps the user', async () => {
    const ada = await signUp(server.url, { name: 'Ada' });
    const bob = await signUp(server.url, { name: 'Bob' });
    const sessionId = await startSession(ada);
    await startSession(bob);
    const teamId = await teamWith([bob, ada]);
    expect(await contributors(teamId)).toBe(2);

    // Three replicas: the extension (connected), the dashboard (connected), a laptop (goes offline).
    const extension = connectReplica(server.url, ada);
    const dashboard = connectReplica(server.url, ada);
    const laptopDoc = new Y.Doc();
    const laptop = connectReplica(server.url, ada, { doc: laptopDoc });
    await Promise.all([synced(extension), synced(dashboard), synced(laptop)]);
    expect(new UserDoc(laptopDoc).getSession(sessionId)).toBeDefined();
    laptop.disconnect();
    const offlineSession = sessionEntry({ project_path: null });
    new UserDoc(laptopDoc).putSession(offlineSession);

    const extensionClosed = closedWith(extension);
    const dashboardClosed = closedWith(dashboard);
    const purge = await authedFetch(server.url, ada.token, '/api/privacy/purge', {
      method: 'DELETE',
    });
    expect(purge.status).toBe(200);
    const { generation } = (await purge.json()) as { generation: number };
    expect(generation).toBe(2);
    expect(await extensionClosed).toEqual({ code: 4410, reason: 'generation=2' });
    expect(await dashboardClosed).toEqual({ code: 4410, reason: 'generation=2' });
    extension.destroy();
    dashboard.destroy();

    // The offline laptop comes back with its old generation and a fresh edit: refused before any sync.
    const laptopClosed = closedWith(laptop);
    laptop.connect();
    expect((await laptopClosed).code).toBe(4410);
    laptop.destroy();

    // The account is gone: its token no longer works.
    expect((await authedFetch(server.url, ada.token, '/api/me')).status).toBe(401);

    for (const { table, column } of await userDataColumns(store().pool)) {
      const { rows } = await q(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [
        ada.id,
      ]);
      expect(rows[0].n, `${table}.${column}`).toBe(0);
    }
    const leftovers = await q(
      `SELECT (SELECT count(*)::int FROM coding_sessions WHERE id = ANY($1::uuid[])) AS sessions,
              (SELECT count(*)::int FROM crdt_updates WHERE doc_name = $2) AS updates`,
      [[sessionId, offlineSession.id], userDocName(ada.id)],
    );
    expect(leftovers.rows[0]).toEqual({ sessions: 0, updates: 0 });
    expect(await contributors(teamId)).toBe(1);

    // The tombstone holds a hash and a generation, nothing that names the user.
    const { rows: tombstones } = await q('SELECT * FROM purge_tombstones WHERE subject_hash = $1', [
      subjectHash(userDocName(ada.id)),
    ]);
    expect(tombstones).toHaveLength(1);
    expect(JSON.stringify(tombstones[0])).not.toContain(ada.id);
    expect(tombstones[0]).toMatchObject({ generation: 2, scope: 'all' });
  });

  it('scope=data keeps the account; the old generation is refused, the new one syncs an empty document', async () => {
    const user = await signUp(server.url);
    const sessionId = await startSession(user);
    const stale = connectReplica(server.url, user);
    await synced(stale);
    const staleClosed = closedWith(stale);

    const purge = await authedFetch(server.url, user.token, '/api/privacy/purge?scope=data', {
      method: 'DELETE',
    });
    expect(purge.status).toBe(200);
    expect((await staleClosed).code).toBe(4410);
    stale.destroy();

    expect((await authedFetch(server.url, user.token, '/api/me')).status).toBe(200);
    const history = await (
      await authedFetch(server.url, user.token, '/api/sessions/history')
    ).json();
    expect(history).toEqual({ sessions: [], next_cursor: null });

    const freshDoc = new Y.Doc();
    const fresh = connectReplica(server.url, user, { doc: freshDoc, generation: 2 });
    await synced(fresh);
    expect(new UserDoc(freshDoc).readSessions().entries).toEqual([]);
    expect(new UserDoc(freshDoc).getSession(sessionId)).toBeUndefined();

    // Writing in the new generation works and reaches the tables again.
    const again = await startSession(user);
    await waitFor(
      () => new UserDoc(freshDoc).getSession(again) !== undefined,
      'the new session on the replica',
    );
    fresh.destroy();
  });

  it('rejects an unknown purge scope with a 400 naming the field', async () => {
    const user = await signUp(server.url);
    const response = await authedFetch(
      server.url,
      user.token,
      '/api/privacy/purge?scope=everything',
      { method: 'DELETE' },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: { field: string }[] } };
    expect(body.error.details[0]!.field).toBe('scope');
    expect((await authedFetch(server.url, user.token, '/api/me')).status).toBe(200);
  });

  it('a purge while the user never synced still moves the generation', async () => {
    const user = await signUp(server.url);
    const response = await authedFetch(server.url, user.token, '/api/privacy/purge?scope=data', {
      method: 'DELETE',
    });
    expect(response.status).toBe(200);
    const late = connectReplica(server.url, user, { generation: 1 });
    expect((await closedWith(late)).code).toBe(4410);
    late.destroy();
  });
});
