import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UserDoc, userDocName } from '@mindful/shared';
import { type RunningServer, subjectHash, updatePlace, userDataColumns } from '@mindful/server';
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
import { joinTeam, teamsApi } from './team-fixtures';

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
    for (const member of rest)
      await joinTeam(
        teamsApi(() => server.url),
        owner!,
        team.id,
        member,
      );
    for (const member of members) {
      await authedFetch(server.url, member.token, `/api/teams/${team.id}/consent`, {
        method: 'PUT',
        body: { data_sharing_consent: true },
      });
    }
    return team.id;
  }

  /**
   * The team's stored aggregates exactly as they are: nothing is recomputed
   * first, so a purge that forgot to recompute shows up here.
   */
  async function storedContributors(teamId: string): Promise<{ daily: number; hourly: number }> {
    const { rows } = await q(
      `SELECT (SELECT COALESCE(max(contributors), 0)::int FROM team_daily_metrics WHERE team_id = $1) AS daily,
              (SELECT COALESCE(max(contributors), 0)::int FROM team_hourly_metrics WHERE team_id = $1) AS hourly`,
      [teamId],
    );
    return rows[0];
  }

  /** Every row that references the user, per catalog column (except `keep`), as counts. */
  async function referencingRows(userId: string, keep: ReadonlySet<string> = new Set()) {
    const counts: Record<string, number> = {};
    for (const { table, column } of await userDataColumns(store().pool)) {
      if (keep.has(`${table}.${column}`)) continue;
      const { rows } = await q(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [
        userId,
      ]);
      counts[`${table}.${column}`] = rows[0].n;
    }
    return counts;
  }
  const nothingIn = (counts: Record<string, number>) =>
    Object.fromEntries(Object.keys(counts).map((key) => [key, 0]));

  /** The user's document as PostgreSQL holds it: every logged update of `generation`, merged. */
  async function loggedDoc(userId: string, generation: number): Promise<UserDoc> {
    const docName = userDocName(userId);
    const { rows } = await q(
      'SELECT payload FROM crdt_updates WHERE doc_name = $1 AND generation = $2 ORDER BY id',
      [docName, generation],
    );
    const doc = new Y.Doc();
    for (const row of rows) {
      Y.applyUpdate(doc, server.ctx.cipher.decrypt(row.payload, updatePlace(docName, generation)));
    }
    return new UserDoc(doc);
  }

  /** A replica that wiped its state and comes back with the generation a 4410 named. */
  async function freshReplica(user: TestUser, generation: number) {
    const doc = new Y.Doc();
    const provider = connectReplica(server.url, user, { doc, generation });
    await synced(provider);
    return { provider, doc: new UserDoc(doc) };
  }

  /** What a data-only purge keeps by design: the account, its sign-in, its teams, the generation. */
  const KEPT_BY_DATA_PURGE = new Set([
    'auth_accounts.user_id',
    'auth_sessions.user_id',
    'crdt_documents.user_id',
    'team_members.user_id',
    'teams.owner_id',
  ]);

  it('three replicas of one user (connected, offline, dashboard): after purge and reconnection every replica, every table and the team aggregates are empty of them', async () => {
    const ada = await signUp(server.url, { name: 'Ada' });
    const bob = await signUp(server.url, { name: 'Bob' });
    const sessionId = await startSession(ada);
    await startSession(bob);
    const teamId = await teamWith([bob, ada]);
    expect(await storedContributors(teamId)).toEqual({ daily: 2, hourly: 2 });

    // The extension (connected), the dashboard (connected), a laptop (synced, then offline).
    const extension = connectReplica(server.url, ada);
    const dashboard = connectReplica(server.url, ada);
    const laptopDoc = new Y.Doc();
    const laptop = connectReplica(server.url, ada, { doc: laptopDoc });
    await Promise.all([synced(extension), synced(dashboard), synced(laptop)]);
    expect(new UserDoc(laptopDoc).getSession(sessionId)).toBeDefined();
    laptop.disconnect();
    const offlineSession = sessionEntry({ project_path: '/laptop/offline-work' });
    new UserDoc(laptopDoc).putSession(offlineSession);

    const extensionClosed = closedWith(extension);
    const dashboardClosed = closedWith(dashboard);
    const purge = await authedFetch(server.url, ada.token, '/api/privacy/purge?scope=data', {
      method: 'DELETE',
    });
    expect(purge.status).toBe(200);
    expect(await purge.json()).toEqual({ status: 'purged', scope: 'data', generation: 2 });
    // Read before anything else runs: only the purge itself can have recomputed these.
    expect(await storedContributors(teamId)).toEqual({ daily: 1, hourly: 1 });
    expect(await extensionClosed).toEqual({ code: 4410, reason: 'generation=2' });
    expect(await dashboardClosed).toEqual({ code: 4410, reason: 'generation=2' });
    extension.destroy();
    dashboard.destroy();

    // The connected replicas wipe and come back with the new generation: an empty document.
    const extensionAgain = await freshReplica(ada, 2);
    const dashboardAgain = await freshReplica(ada, 2);
    expect(extensionAgain.doc.readSessions().entries).toEqual([]);
    expect(dashboardAgain.doc.readSessions().entries).toEqual([]);

    // The laptop comes back with its old generation and its offline edit, knowing nothing:
    // refused with 4410 before the server sends a single sync message.
    const received: unknown[] = [];
    const laptopClosed = closedWith(laptop);
    laptop.connect();
    laptop.ws!.addEventListener('message', (event) => received.push(event.data));
    expect(await laptopClosed).toEqual({ code: 4410, reason: 'generation=2' });
    expect(received).toEqual([]);
    expect(laptop.synced).toBe(false);
    laptop.destroy();
    const laptopAgain = await freshReplica(ada, 2);
    expect(laptopAgain.doc.readSessions().entries).toEqual([]);
    const serverSessions = await server.ctx.registry.use(
      ada.id,
      async (doc) => doc.userDoc.readSessions().entries,
    );
    expect(serverSessions).toEqual([]);

    // PostgreSQL: none of the user's rows outside the account, and no old update in the new log.
    const leftovers = await referencingRows(ada.id, KEPT_BY_DATA_PURGE);
    expect(Object.keys(leftovers).length).toBeGreaterThan(0);
    expect(leftovers).toEqual(nothingIn(leftovers));
    const { rows: oldLog } = await q(
      'SELECT count(*)::int AS n FROM crdt_updates WHERE doc_name = $1 AND generation < 2',
      [userDocName(ada.id)],
    );
    expect(oldLog[0].n).toBe(0);
    expect(await storedContributors(teamId)).toEqual({ daily: 1, hourly: 1 });

    // The account is kept: it signs in, has an empty history, and writes again in the new generation.
    expect((await authedFetch(server.url, ada.token, '/api/me')).status).toBe(200);
    expect(
      await (await authedFetch(server.url, ada.token, '/api/sessions/history')).json(),
    ).toEqual({ sessions: [], next_cursor: null });
    const again = await startSession(ada);
    await waitFor(
      () => laptopAgain.doc.getSession(again) !== undefined,
      'the new session on the wiped laptop',
    );
    // With the new generation's log in use, still nothing of the old state in it or in the rows.
    const logged = await loggedDoc(ada.id, 2);
    expect(logged.readSessions().entries.map((entry) => entry.id)).toEqual([again]);
    const { rows: sessionRows } = await q(
      'SELECT id::text FROM coding_sessions WHERE user_id = $1 OR id = ANY($2::uuid[])',
      [ada.id, [sessionId, offlineSession.id]],
    );
    expect(sessionRows).toEqual([{ id: again }]);
    for (const replica of [extensionAgain, dashboardAgain, laptopAgain]) replica.provider.destroy();
  });

  it('scope=all: the account and its sign-in go too, an offline replica still learns of it, no table references the user, the tombstone names no one', async () => {
    const ada = await signUp(server.url, { name: 'Ada' });
    const bob = await signUp(server.url, { name: 'Bob' });
    await startSession(ada);
    await startSession(bob);
    const teamId = await teamWith([bob, ada]);
    expect(await storedContributors(teamId)).toEqual({ daily: 2, hourly: 2 });
    const connected = connectReplica(server.url, ada);
    const laptop = connectReplica(server.url, ada);
    await Promise.all([synced(connected), synced(laptop)]);
    laptop.disconnect();

    const connectedClosed = closedWith(connected);
    const purge = await authedFetch(server.url, ada.token, '/api/privacy/purge', {
      method: 'DELETE',
    });
    expect(purge.status).toBe(200);
    expect(await storedContributors(teamId)).toEqual({ daily: 1, hourly: 1 });
    expect(await connectedClosed).toEqual({ code: 4410, reason: 'generation=2' });
    connected.destroy();

    // Its token is dead, yet the tombstone still tells the offline replica to wipe.
    expect((await authedFetch(server.url, ada.token, '/api/me')).status).toBe(401);
    const laptopClosed = closedWith(laptop);
    laptop.connect();
    expect(await laptopClosed).toEqual({ code: 4410, reason: 'generation=2' });
    laptop.destroy();

    const counts = await referencingRows(ada.id);
    expect(counts).toEqual(nothingIn(counts));
    const { rows: users } = await q('SELECT count(*)::int AS n FROM users WHERE id = $1', [ada.id]);
    expect(users[0].n).toBe(0);
    const { rows: log } = await q(
      'SELECT count(*)::int AS n FROM crdt_updates WHERE doc_name = $1',
      [userDocName(ada.id)],
    );
    expect(log[0].n).toBe(0);

    // The tombstone holds a hash and a generation, nothing that names the user.
    const { rows: tombstones } = await q('SELECT * FROM purge_tombstones WHERE subject_hash = $1', [
      subjectHash(userDocName(ada.id)),
    ]);
    expect(tombstones).toHaveLength(1);
    expect(JSON.stringify(tombstones[0])).not.toContain(ada.id);
    expect(tombstones[0]).toMatchObject({ generation: 2, scope: 'all' });
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
