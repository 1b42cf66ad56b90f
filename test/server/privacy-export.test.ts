import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_PRIVACY_SETTINGS, UserDoc } from '@mindful/shared';
import { placeOf, type RunningServer, EXPORT_SECTIONS, userDataColumns } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { connectReplica, startSyncServer, synced, waitFor } from './sync-helpers';

describeEachStore('privacy export and settings', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startSyncServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });
  const q = (sql: string, params: unknown[] = []) => store().pool.query(sql, params);

  async function start(user: TestUser, body: Record<string, unknown>) {
    const response = await authedFetch(server.url, user.token, '/api/sessions/start', {
      method: 'POST',
      body,
    });
    expect(response.status).toBe(201);
    const session = (await response.json()) as { id: string };
    await waitFor(
      async () =>
        (await q('SELECT 1 FROM coding_sessions WHERE id = $1', [session.id])).rowCount === 1,
      'row',
    );
    return session.id;
  }

  it('exports every table that holds the user, decrypted and equal to what was written', async () => {
    const user = await signUp(server.url, { name: 'Exporter' });
    await authedFetch(server.url, user.token, '/api/privacy/settings', {
      method: 'PUT',
      body: { sync_project_paths: true, retention_days: 400 },
    });
    const sessionId = await start(user, { project_path: '/work/secret-app', language: 'rust' });

    // Rows other subsystems write, sealed the way they seal them.
    const flowId = randomUUID();
    const cipher = server.ctx.cipher;
    await q(
      `INSERT INTO flow_states (id, session_id, user_id, start_time, end_time, duration_ms, intensity_score,
         typing_rhythm_data, context_switches, error_events, environmental_factors)
       VALUES ($1, $2, $3, '2026-01-05T09:10:00Z', '2026-01-05T09:40:00Z', 1800000, 0.8, $4, 1, $5, $6)`,
      [
        flowId,
        sessionId,
        user.id,
        cipher.encryptJson(
          { mean_interval_ms: 180, coefficient_of_variation: 0.3 },
          placeOf('flow_states', 'typing_rhythm_data', flowId),
        ),
        cipher.encryptJson({ count: 2 }, placeOf('flow_states', 'error_events', flowId)),
        cipher.encryptJson({ hour: 9 }, placeOf('flow_states', 'environmental_factors', flowId)),
      ],
    );
    await q(
      `INSERT INTO user_insights (user_id, insight_type, insight_data, confidence_score) VALUES ($1, 'peak_hours', '{"hours":[9]}', 0.6)`,
      [user.id],
    );
    await q(`UPDATE users SET subscription_tier = 'team' WHERE id = $1`, [user.id]);
    const team = (await (
      await authedFetch(server.url, user.token, '/api/teams', {
        method: 'POST',
        body: { name: 'Exporters' },
      })
    ).json()) as { id: string };

    const response = await authedFetch(server.url, user.token, '/api/privacy/export');
    expect(response.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON under test
    const exported = (await response.json()) as Record<string, any>;

    for (const { table } of await userDataColumns(store().pool)) {
      const section = EXPORT_SECTIONS[table];
      expect(section, `table ${table} holds user data but has no export section`).toBeDefined();
      expect(exported, `export section ${section}`).toHaveProperty(section!);
    }
    expect(exported.user).toMatchObject({ id: user.id, email: user.email, name: 'Exporter' });
    expect(exported.settings).toMatchObject({ sync_project_paths: true, retention_days: 400 });
    expect(exported.sessions).toHaveLength(1);
    expect(exported.sessions[0]).toMatchObject({
      id: sessionId,
      user_id: user.id,
      project_path: '/work/secret-app',
    });
    expect(exported.flow_states).toEqual([
      expect.objectContaining({
        id: flowId,
        session_id: sessionId,
        typing_rhythm_data: { mean_interval_ms: 180, coefficient_of_variation: 0.3 },
        error_events: { count: 2 },
        environmental_factors: { hour: 9 },
        intensity_score: 0.8,
      }),
    ]);
    expect(exported.insights).toEqual([
      expect.objectContaining({
        insight_type: 'peak_hours',
        insight_data: { hours: [9] },
        confidence_score: 0.6,
      }),
    ]);
    expect(exported.teams).toEqual([
      expect.objectContaining({ team_id: team.id, role: 'admin', data_sharing_consent: false }),
    ]);
    expect(exported.accounts).toEqual([expect.objectContaining({ provider_id: 'credential' })]);
    expect(JSON.stringify(exported)).not.toMatch(/"password"|"token"/);
    expect(Date.parse(exported.export_timestamp)).not.toBeNaN();
  });

  it('streams a large history without building it in memory first', async () => {
    const user = await signUp(server.url);
    await q(
      `INSERT INTO coding_sessions (user_id, start_time) SELECT $1, NOW() - (g || ' minutes')::interval FROM generate_series(1, 1500) g`,
      [user.id],
    );
    const response = await authedFetch(server.url, user.token, '/api/privacy/export');
    expect(response.headers.get('content-length')).toBeNull();
    const exported = (await response.json()) as { sessions: unknown[] };
    expect(exported.sessions).toHaveLength(1500);
  });

  it('settings live in the document: a replica sees a change, bad input is a 400 naming the field', async () => {
    const user = await signUp(server.url);
    expect(
      await (await authedFetch(server.url, user.token, '/api/privacy/settings')).json(),
    ).toEqual(DEFAULT_PRIVACY_SETTINGS);
    const doc = new Y.Doc();
    const replica = connectReplica(server.url, user, { doc });
    await synced(replica);
    const bad = await authedFetch(server.url, user.token, '/api/privacy/settings', {
      method: 'PUT',
      body: { retention_days: -3, track_languages: 'yes' },
    });
    expect(bad.status).toBe(400);
    const details = (
      (await bad.json()) as { error: { details: { field: string }[] } }
    ).error.details.map((d) => d.field);
    expect(details.sort()).toEqual(['retention_days', 'track_languages']);
    const ok = await authedFetch(server.url, user.token, '/api/privacy/settings', {
      method: 'PUT',
      body: { retention_days: 30 },
    });
    expect(ok.status).toBe(200);
    await waitFor(
      () => new UserDoc(doc).settings.retention_days === 30,
      'the setting on the replica',
    );
    replica.destroy();
  });

  async function consentingTeamMember() {
    const user = await signUp(server.url);
    await q(`UPDATE users SET subscription_tier = 'team' WHERE id = $1`, [user.id]);
    const team = (await (
      await authedFetch(server.url, user.token, '/api/teams', {
        method: 'POST',
        body: { name: 'Sharers' },
      })
    ).json()) as { id: string };
    const setConsent = (value: boolean) =>
      authedFetch(server.url, user.token, `/api/teams/${team.id}/consent`, {
        method: 'PUT',
        body: { data_sharing_consent: value },
      });
    expect((await setConsent(true)).status).toBe(200);
    const consent = async (): Promise<boolean> =>
      (await q('SELECT data_sharing_consent FROM team_members WHERE user_id = $1', [user.id]))
        .rows[0].data_sharing_consent;
    expect(await consent()).toBe(true);
    return { user, setConsent, consent };
  }

  it('turning team sharing off withdraws consent in every team and refuses it until back on', async () => {
    const { user, setConsent, consent } = await consentingTeamMember();
    const share = (value: boolean) =>
      authedFetch(server.url, user.token, '/api/privacy/settings', {
        method: 'PUT',
        body: { share_with_teams: value },
      });
    await share(false);
    expect(await consent()).toBe(false);
    const refused = await setConsent(true);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /share_with_teams/,
    );
    expect(await consent()).toBe(false);
    await share(true);
    expect((await setConsent(true)).status).toBe(200);
    expect(await consent()).toBe(true);
  });

  it('settings changed on a replica reach the user row: retention and team consent follow them', async () => {
    const { user, consent } = await consentingTeamMember();
    const doc = new Y.Doc();
    const replica = connectReplica(server.url, user, { doc });
    await synced(replica);
    new UserDoc(doc).updateSettings({ share_with_teams: false, retention_days: 14 });
    await waitFor(
      async () =>
        (await q('SELECT privacy_settings FROM users WHERE id = $1', [user.id])).rows[0]
          .privacy_settings.retention_days === 14,
      'the settings on the user row',
    );
    const { rows } = await q('SELECT privacy_settings FROM users WHERE id = $1', [user.id]);
    expect(rows[0].privacy_settings).toEqual({
      ...DEFAULT_PRIVACY_SETTINGS,
      share_with_teams: false,
      retention_days: 14,
    });
    expect(await consent()).toBe(false);
    replica.destroy();
  });

  it('a project path the user did not allow to leave the device never reaches the document or the tables', async () => {
    const user = await signUp(server.url);
    const doc = new Y.Doc();
    const replica = connectReplica(server.url, user, { doc });
    await synced(replica);
    const sessionId = await start(user, { project_path: '/home/me/private-thing', language: 'go' });
    await waitFor(
      () => new UserDoc(doc).getSession(sessionId) !== undefined,
      'the session on the replica',
    );
    expect(new UserDoc(doc).getSession(sessionId)!.project_path).toBeNull();
    const { rows } = await q('SELECT project_path FROM coding_sessions WHERE id = $1', [sessionId]);
    expect(rows[0].project_path).toBeNull();
    const exported = (await (
      await authedFetch(server.url, user.token, '/api/privacy/export')
    ).json()) as { sessions: { project_path: unknown }[] };
    expect(exported.sessions[0]!.project_path).toBeNull();
    replica.destroy();
  });
});
