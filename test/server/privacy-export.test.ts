import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  DEFAULT_PRIVACY_SETTINGS,
  UserDoc,
  userDocName,
  type FlowStateEntry,
} from '@mindful/shared';
import { type RunningServer, EXPORT_SECTIONS, userDataColumns } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { connectReplica, sessionEntry, startSyncServer, synced, waitFor } from './sync-helpers';
import { cliHeartbeat, createKey, sendBulk } from './wakatime-helpers';

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

  /** Timestamps the server stamps itself: checked for shape, not value. */
  const isoTime = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  /** `rows` with every Date as the ISO string JSON gives it. */
  const asJson = (rows: Record<string, unknown>[]) => JSON.parse(JSON.stringify(rows)) as unknown[];

  it('exports every table that holds the user (from the catalog), each section equal to what was written', async () => {
    const user = await signUp(server.url, { name: 'Exporter' });
    await q(
      `UPDATE users SET subscription_tier = 'team', image = 'https://img.example/ada.png', email_verified = true
       WHERE id = $1`,
      [user.id],
    );
    const settings = {
      ...DEFAULT_PRIVACY_SETTINGS,
      sync_project_paths: true,
      sync_environment_data: true,
      sync_raw_keystrokes: true,
      retention_days: 400,
    };
    await authedFetch(server.url, user.token, '/api/privacy/settings', {
      method: 'PUT',
      body: settings,
    });

    // Sessions and flow states arrive as the extension writes them: through a replica.
    const session = sessionEntry({
      end_time: '2026-01-05T10:00:00.000Z',
      total_duration_ms: 3_600_000,
      active_duration_ms: 3_000_000,
      files_modified: 4,
      keystrokes: 4200,
      lines_added: 120,
      lines_deleted: 30,
      language_breakdown: { rust: 3_000_000 },
      project_path: '/work/secret-app',
      environment_data: { editor: 'helix', monitors: 2 },
      flow_state_periods: [
        {
          start_time: '2026-01-05T09:10:00.000Z',
          end_time: '2026-01-05T09:40:00.000Z',
          duration_ms: 1_800_000,
          intensity: 0.8,
        },
      ],
      interruption_count: 2,
      error_rate: 1.5,
      focus_score: 0.7,
      device_id: 'laptop-7',
    });
    const flow: FlowStateEntry = {
      id: randomUUID(),
      session_id: session.id,
      start_time: '2026-01-05T09:10:00.000Z',
      end_time: '2026-01-05T09:40:00.000Z',
      duration_ms: 1_800_000,
      intensity_score: 0.8,
      context_switches: 1,
      recovery_time_ms: 60_000,
      typing_rhythm_data: {
        mean_interval_ms: 180,
        coefficient_of_variation: 0.3,
        samples: [170, 190],
      },
      error_events: { count: 2, kinds: ['type'] },
      environmental_factors: { hour: 9, noise: 'low' },
    };
    const doc = new Y.Doc();
    const replica = connectReplica(server.url, user, { doc });
    await synced(replica);
    new UserDoc(doc).putSession(session);
    new UserDoc(doc).putFlowState(flow);
    await waitFor(
      async () => (await q('SELECT 1 FROM flow_states WHERE id = $1', [flow.id])).rowCount === 1,
      'the flow state row',
    );
    replica.destroy();

    await q(
      `INSERT INTO user_insights (user_id, insight_type, insight_data, confidence_score, date_range_start, date_range_end)
       VALUES ($1, 'peak_hours', '{"hours":[9]}', 0.6, '2026-01-05', '2026-01-11')`,
      [user.id],
    );
    const team = (await (
      await authedFetch(server.url, user.token, '/api/teams', {
        method: 'POST',
        body: { name: 'Exporters' },
      })
    ).json()) as { id: string };
    await authedFetch(server.url, user.token, `/api/teams/${team.id}/consent`, {
      method: 'PUT',
      body: { data_sharing_consent: true, individual_alerts_opt_in: true },
    });
    // A named burnout alert, as the alert job stores one for an opted-in member.
    const alert = await q(
      `INSERT INTO team_alerts (team_id, rule, week_start, week_end, affected_members, evaluated_members, message)
       VALUES ($1, 'long_hours', '2026-01-05', '2026-01-11', 1, 3, 'Long hours this week') RETURNING id::text AS id`,
      [team.id],
    );
    const alertId = alert.rows[0].id as string;
    await q(
      `INSERT INTO team_alert_members (alert_id, user_id, dates) VALUES ($1, $2, '["2026-01-05","2026-01-06"]')`,
      [alertId, user.id],
    );

    // An invitation the user sent, and one sent to them (by address).
    const sent = await authedFetch(server.url, user.token, `/api/teams/${team.id}/members`, {
      method: 'POST',
      body: { email: 'friend@example.com' },
    });
    expect(sent.status).toBe(201);
    const sentInvitation = (await sent.json()) as Record<string, unknown>;
    const inviter = await signUp(server.url);
    await q(`UPDATE users SET subscription_tier = 'team' WHERE id = $1`, [inviter.id]);
    const otherTeam = (await (
      await authedFetch(server.url, inviter.token, '/api/teams', {
        method: 'POST',
        body: { name: 'Inviters' },
      })
    ).json()) as { id: string };
    const received = (await (
      await authedFetch(server.url, inviter.token, `/api/teams/${otherTeam.id}/members`, {
        method: 'POST',
        body: { email: user.email },
      })
    ).json()) as Record<string, unknown>;

    // An API key, one WakaTime heartbeat (alone it makes no session) and an import job.
    const apiKey = await createKey(server, user);
    const heartbeat = cliHeartbeat(Date.UTC(2026, 0, 6, 9) / 1000);
    expect((await sendBulk(server.url, apiKey.key, [heartbeat])).status).toBe(202);
    const wakatimeImport = await authedFetch(server.url, user.token, '/api/wakatime/imports', {
      method: 'POST',
    });
    expect(wakatimeImport.status).toBe(201);
    const importId = ((await wakatimeImport.json()) as { id: string }).id;

    const response = await authedFetch(server.url, user.token, '/api/privacy/export');
    expect(response.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON under test
    const exported = (await response.json()) as Record<string, any>;

    // Every table that references the user holds a row of theirs here, and its section shows it.
    expect(exported.user).toBeTypeOf('object');
    for (const { table, column } of await userDataColumns(store().pool)) {
      const held = await q(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [
        user.id,
      ]);
      expect(held.rows[0].n, `the fixture writes no row into ${table}.${column}`).toBeGreaterThan(
        0,
      );
      const section = EXPORT_SECTIONS[table];
      expect(section, `table ${table} holds user data but has no export section`).toBeDefined();
      expect(exported[section!], `export section ${section}`).toSatisfy(
        (value: unknown) => Array.isArray(value) && value.length > 0,
      );
    }

    expect(exported.user).toEqual({
      id: user.id,
      email: user.email,
      email_verified: true,
      name: 'Exporter',
      image: 'https://img.example/ada.png',
      subscription_tier: 'team',
      timezone: 'UTC',
      privacy_settings: settings,
      created_at: isoTime,
      updated_at: isoTime,
    });
    expect(exported.settings).toEqual(settings);
    const { updated_at: _stamped, ...sessionColumns } = session;
    expect(exported.sessions).toEqual([
      { ...sessionColumns, user_id: user.id, created_at: isoTime },
    ]);
    expect(exported.flow_states).toEqual([{ ...flow, created_at: isoTime }]);
    expect(exported.insights).toEqual([
      {
        insight_type: 'peak_hours',
        insight_data: { hours: [9] },
        confidence_score: 0.6,
        date_range_start: '2026-01-05',
        date_range_end: '2026-01-11',
        is_active: true,
        created_at: isoTime,
      },
    ]);
    expect(exported.teams).toEqual([
      {
        team_id: team.id,
        name: 'Exporters',
        role: 'admin',
        data_sharing_consent: true,
        individual_alerts_opt_in: true,
        joined_at: isoTime,
      },
    ]);
    const teamSettings = (await q('SELECT settings FROM teams WHERE id = $1', [team.id])).rows[0]
      .settings as unknown;
    expect(exported.owned_teams).toEqual([
      { id: team.id, name: 'Exporters', settings: teamSettings, created_at: isoTime },
    ]);
    expect(exported.named_alerts).toEqual([
      {
        alert_id: alertId,
        team_id: team.id,
        rule: 'long_hours',
        week_start: '2026-01-05',
        week_end: '2026-01-11',
        message: 'Long hours this week',
        dates: ['2026-01-05', '2026-01-06'],
        created_at: isoTime,
      },
    ]);
    expect(exported.sent_invitations).toEqual([
      {
        id: sentInvitation.id,
        team_id: team.id,
        email: 'friend@example.com',
        role: 'member',
        created_at: sentInvitation.created_at,
        expires_at: sentInvitation.expires_at,
      },
    ]);
    expect(exported.received_invitations).toEqual([
      {
        id: received.id,
        team_id: otherTeam.id,
        role: 'member',
        created_at: received.created_at,
        expires_at: received.expires_at,
      },
    ]);
    expect(exported.invitation_quota).toEqual([{ window_start: isoTime, sent: 1 }]);
    expect(exported.accounts).toEqual([
      { provider_id: 'credential', account_id: user.id, created_at: isoTime, updated_at: isoTime },
    ]);
    const devices = await q(
      `SELECT created_at, expires_at, ip_address, user_agent FROM auth_sessions WHERE user_id = $1`,
      [user.id],
    );
    expect(exported.devices).toEqual(asJson(devices.rows));
    const log = await q(
      `SELECT count(*)::int AS n, sum(byte_length)::bigint::text AS bytes FROM crdt_updates WHERE user_id = $1`,
      [user.id],
    );
    expect(exported.api_keys).toEqual([
      {
        id: apiKey.id,
        name: 'editor',
        prefix: apiKey.prefix,
        created_at: isoTime,
        last_used_at: isoTime,
        revoked_at: null,
      },
    ]);
    expect(exported.wakatime_heartbeats).toEqual([
      expect.objectContaining({
        time: heartbeat.time,
        entity: heartbeat.entity,
        project: heartbeat.project,
        branch: heartbeat.branch,
        language: heartbeat.language,
        editor: 'vscode',
        machine: 'ada-laptop',
      }),
    ]);
    expect(exported.wakatime_imports).toEqual([expect.objectContaining({ id: importId })]);
    expect(exported.sync).toEqual([
      {
        doc_name: userDocName(user.id),
        generation: 1,
        logged_updates: log.rows[0].n,
        logged_bytes: log.rows[0].bytes,
      },
    ]);
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
