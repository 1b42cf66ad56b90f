import { expect, it } from 'vitest';
import type { PoolClient } from 'pg';
import { describeEachStore } from '../helpers/databases';
import { signUp, type TestUser } from '../helpers/test-server';
import {
  recomputeTeam,
  refreshTeamMetricsForUser,
  refreshTeamMetricsForUsers,
} from '../../server/src/teams/team-metrics';
import { lastCompleteWeekStart, teamJobs } from '../../server/src/teams/team-jobs';
import {
  joinTeam,
  newTeam as createTeam,
  seedSessions,
  teamsApi,
  useTeamServer,
  type SeedSession,
} from './team-fixtures';

describeEachStore('teams over real HTTP', (store) => {
  const running = useTeamServer(store);
  const api = teamsApi(() => running().url);

  const insertSessions = (user: TestUser, sessions: SeedSession[]) =>
    seedSessions(store().pool, user.id, sessions);

  async function withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await store().pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  const newTeam = (admin: TestUser, members: TestUser[]) => createTeam(api, admin, members);

  const consent = (user: TestUser, teamId: string, value: boolean, optIn?: boolean) =>
    api(user, `/${teamId}/consent`, {
      method: 'PUT',
      body: {
        data_sharing_consent: value,
        ...(optIn === undefined ? {} : { individual_alerts_opt_in: optIn }),
      },
    });

  async function dailyMetrics(user: TestUser, teamId: string, start: string, end: string) {
    const response = await api(user, `/${teamId}/analytics?start_date=${start}&end_date=${end}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { daily_metrics: Record<string, number | string>[] };
    return body.daily_metrics;
  }

  it('creates a team with its owner as admin, adds members, and guards every route', async () => {
    const [admin, member, outsider] = await Promise.all([
      signUp(running().url),
      signUp(running().url),
      signUp(running().url),
    ]);
    const created = await api(admin, '', { method: 'POST', body: { name: 'Core' } });
    expect(created.status).toBe(201);
    const team = (await created.json()) as Record<string, unknown>;
    expect(team).toMatchObject({ name: 'Core', owner_id: admin.id });
    expect(team.settings).toMatchObject({
      burnout_thresholds: { min_rest_hours: 11, working_hours_start: '09:00' },
    });
    expect(typeof team.created_at).toBe('string');
    const id = team.id as string;

    // Adding by email invites; the member joins by accepting.
    const joined = await joinTeam(api, admin, id, member);
    expect(joined).toMatchObject({
      team_id: id,
      user_id: member.id,
      email: member.email,
      role: 'member',
      data_sharing_consent: false,
      individual_alerts_opt_in: false,
    });
    const again = await api(admin, `/${id}/members`, {
      method: 'POST',
      body: { email: member.email },
    });
    expect(again.status).toBe(409);
    const invalid = await api(admin, `/${id}/members`, {
      method: 'POST',
      body: { email: 'not-mail', role: 'boss' },
    });
    expect(invalid.status).toBe(400);
    const problems = ((await invalid.json()) as { error: { details: { field: string }[] } }).error
      .details;
    expect(problems.map((p) => p.field).sort()).toEqual(['email', 'role']);

    // A member who is not admin may not add members.
    const byMember = await api(member, `/${id}/members`, {
      method: 'POST',
      body: { email: outsider.email },
    });
    expect(byMember.status).toBe(403);
    expect(await byMember.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await api(member, `/${id}/alerts`, { method: 'POST', body: {} })).status).toBe(403);
    expect((await api(member, `/${id}/members/${admin.id}`, { method: 'DELETE' })).status).toBe(
      403,
    );

    // Outsiders, unknown ids and bad ids look the same: 404.
    for (const path of [`/${id}/analytics`, `/${id}/insights`, `/${id}/alerts`]) {
      expect((await api(outsider, path)).status).toBe(404);
    }
    expect(
      (
        await api(outsider, `/${id}/consent`, {
          method: 'PUT',
          body: { data_sharing_consent: true },
        })
      ).status,
    ).toBe(404);
    expect((await api(member, '/00000000-0000-4000-8000-000000000000/analytics')).status).toBe(404);
    expect((await api(member, '/not-a-uuid/analytics')).status).toBe(404);
    expect((await api(member, `/${id}/analytics?start_date=yesterday`)).status).toBe(400);
  });

  it('refuses every team route below the premium tier with 402', async () => {
    const user = await signUp(running().url);
    const created = await api(user, '', { method: 'POST', body: { name: 'Paid' } });
    const teamId = ((await created.json()) as { id: string }).id;
    await store().pool.query(`UPDATE users SET subscription_tier = 'free' WHERE id = $1`, [
      user.id,
    ]);
    const refused = await api(user, '', { method: 'POST', body: { name: 'Free' } });
    expect(refused.status).toBe(402);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('tier_required');
    expect(body.error.message).toMatch(/premium or team/);
    expect((await api(user, `/${teamId}/analytics`)).status).toBe(402);
    await store().pool.query(`UPDATE users SET subscription_tier = 'premium' WHERE id = $1`, [
      user.id,
    ]);
    expect((await api(user, `/${teamId}/analytics`)).status).toBe(200);
  });

  it('consent is set only by the member themself and defaults to false', async () => {
    const [admin, member] = await Promise.all([signUp(running().url), signUp(running().url)]);
    const teamId = await newTeam(admin, [member]);
    const set = await consent(member, teamId, true, true);
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({
      user_id: member.id,
      data_sharing_consent: true,
      individual_alerts_opt_in: true,
    });
    // The admin's call changes the admin's own row, never the member's: the body cannot name anyone.
    const byAdmin = await api(admin, `/${teamId}/consent`, {
      method: 'PUT',
      body: { data_sharing_consent: false, user_id: member.id },
    });
    expect(await byAdmin.json()).toMatchObject({ user_id: admin.id, data_sharing_consent: false });
    const { rows } = await store().pool.query(
      'SELECT user_id, data_sharing_consent FROM team_members WHERE team_id = $1 ORDER BY joined_at',
      [teamId],
    );
    expect(rows).toEqual([
      { user_id: admin.id, data_sharing_consent: false },
      { user_id: member.id, data_sharing_consent: true },
    ]);
    expect(
      (
        await api(member, `/${teamId}/consent`, {
          method: 'PUT',
          body: { data_sharing_consent: 'yes' },
        })
      ).status,
    ).toBe(400);
  });

  it('aggregates only consenting members, hides small days, and follows consent changes', async () => {
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => signUp(running().url)));
    const teamId = await newTeam(a, [b, c, d]);
    await insertSessions(a, [
      {
        start: '2024-03-04T09:00:00Z',
        minutes: 60,
        focus: 0.8,
        flowMinutes: [20, 10],
        interruptions: 2,
      },
      { start: '2024-03-04T14:00:00Z', minutes: 30, focus: 0.6, flowMinutes: null },
      { start: '2024-03-05T09:00:00Z', minutes: 30, focus: 0.7, flowMinutes: [] },
    ]);
    await insertSessions(b, [
      {
        start: '2024-03-04T10:00:00Z',
        minutes: 90,
        focus: 0.5,
        flowMinutes: [45],
        interruptions: 1,
      },
      { start: '2024-03-05T09:00:00Z', minutes: 30, focus: 0.7, flowMinutes: [] },
    ]);
    // Starts on the 4th (UTC) and ends on the 5th: it belongs to the 4th.
    await insertSessions(c, [
      { start: '2024-03-04T23:30:00Z', minutes: 40, focus: 0.9, flowMinutes: [], interruptions: 3 },
    ]);
    await insertSessions(d, [
      {
        start: '2024-03-04T11:00:00Z',
        minutes: 120,
        focus: 0.1,
        flowMinutes: [60],
        interruptions: 4,
      },
    ]);
    for (const user of [a, b, c]) expect((await consent(user, teamId, true)).status).toBe(200);

    // Hand-computed over A, B, C on the 4th; the 5th has two contributors (< 3) and is left out.
    let days = await dailyMetrics(b, teamId, '2024-03-01', '2024-03-10');
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({
      date: '2024-03-04',
      session_count: 4,
      contributors: 3,
      interruptions: 6,
    });
    expect(days[0].average_focus).toBeCloseTo(0.7, 10);
    expect(days[0].average_session_minutes).toBeCloseTo(55, 10);
    expect(days[0].flow_periods).toBeCloseTo(0.75, 10);
    expect(days[0].flow_minutes).toBeCloseTo(18.75, 10);
    // D has not consented and is not a contributor, yet may read the team's numbers.
    expect(await dailyMetrics(d, teamId, '2024-03-04', '2024-03-04')).toEqual(days);

    expect((await consent(d, teamId, true)).status).toBe(200);
    days = await dailyMetrics(a, teamId, '2024-03-04', '2024-03-04');
    expect(days[0]).toMatchObject({ session_count: 5, contributors: 4, interruptions: 10 });
    expect(days[0].average_focus).toBeCloseTo(2.9 / 5, 10);
    expect(days[0].average_session_minutes).toBeCloseTo(68, 10);
    expect(days[0].flow_minutes).toBeCloseTo(27, 10);

    // C withdraws: the stored rows no longer hold C's data at all.
    expect((await consent(c, teamId, false)).status).toBe(200);
    days = await dailyMetrics(a, teamId, '2024-03-04', '2024-03-04');
    expect(days[0]).toMatchObject({ session_count: 4, contributors: 3, interruptions: 7 });
    expect(days[0].average_focus).toBeCloseTo(0.5, 10);
    expect(days[0].average_session_minutes).toBeCloseTo(75, 10);
    const stored = await store().pool.query(
      `SELECT date::text AS date, contributors, session_count FROM team_daily_metrics WHERE team_id = $1 ORDER BY date`,
      [teamId],
    );
    expect(stored.rows).toEqual([
      { date: '2024-03-04', contributors: 3, session_count: 4 },
      { date: '2024-03-05', contributors: 2, session_count: 2 },
    ]);
    const hourly = await store().pool.query(
      `SELECT hour FROM team_hourly_metrics WHERE team_id = $1 AND date = '2024-03-04' ORDER BY hour`,
      [teamId],
    );
    expect(hourly.rows.map((r) => r.hour)).toEqual([9, 10, 11, 14]); // C's 23:00 is gone

    // D leaves (removing themself): the 4th drops to two contributors and disappears.
    expect((await api(d, `/${teamId}/members/${d.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await dailyMetrics(a, teamId, '2024-03-01', '2024-03-10')).toEqual([]);
  });

  it('refreshes one user and day incrementally, as the reconciler will', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => signUp(running().url)));
    const teamId = await newTeam(a, [b, c]);
    for (const user of [a, b, c]) await consent(user, teamId, true);
    for (const user of [a, b, c]) {
      await insertSessions(user, [{ start: '2024-04-01T08:00:00Z', minutes: 60, focus: 0.6 }]);
    }
    // Rows are written by the reconciler without touching aggregates: nothing stored yet.
    expect(await dailyMetrics(a, teamId, '2024-04-01', '2024-04-01')).toEqual([]);
    // On PGlite the pool has one connection, shared with the server: hold it only while refreshing.
    for (const user of [a, b, c]) {
      await withClient((client) =>
        refreshTeamMetricsForUser(client, user.id, ['2024-04-01T08:00:00Z']),
      );
    }
    let [day] = await dailyMetrics(a, teamId, '2024-04-01', '2024-04-01');
    expect(day).toMatchObject({ session_count: 3, contributors: 3 });
    expect(day.average_focus).toBeCloseTo(0.6, 10);

    await insertSessions(a, [{ start: '2024-04-01T20:00:00Z', minutes: 30, focus: 0.2 }]);
    await withClient((client) =>
      refreshTeamMetricsForUser(client, a.id, [new Date('2024-04-01T20:00:00Z')]),
    );
    [day] = await dailyMetrics(a, teamId, '2024-04-01', '2024-04-01');
    expect(day).toMatchObject({ session_count: 4, contributors: 3 });
    expect(day.average_focus).toBeCloseTo(2 / 4, 10);
    expect(day.average_session_minutes).toBeCloseTo(210 / 4, 10);

    // A non-consenting user's refresh touches nothing.
    const outsider = await signUp(running().url);
    await insertSessions(outsider, [{ start: '2024-04-01T09:00:00Z', minutes: 30, focus: 0 }]);
    await withClient((client) => refreshTeamMetricsForUser(client, outsider.id, ['2024-04-01']));
    expect((await dailyMetrics(a, teamId, '2024-04-01', '2024-04-01'))[0]).toEqual(day);

    // Sessions deleted (a purge): a refresh without dates recomputes the user's teams.
    await store().pool.query('DELETE FROM coding_sessions WHERE user_id = $1', [a.id]);
    await withClient((client) => refreshTeamMetricsForUser(client, a.id));
    const stored = await store().pool.query(
      'SELECT contributors FROM team_daily_metrics WHERE team_id = $1',
      [teamId],
    );
    expect(stored.rows).toEqual([{ contributors: 2 }]);
  });

  it('refreshes several users’ days in one statement, each team on its own members’ days', async () => {
    // Two teams of three; x is in both. One refresh names (a, Apr 2) and (y, Apr 3).
    const [a, b, x, y, z] = await Promise.all([1, 2, 3, 4, 5].map(() => signUp(running().url)));
    const first = await newTeam(a, [b, x]);
    const second = await newTeam(x, [y, z]);
    for (const user of [a, b, x]) await consent(user, first, true);
    for (const user of [x, y, z]) await consent(user, second, true);
    for (const user of [a, b, x, y, z]) {
      await insertSessions(user, [
        { start: '2024-04-02T08:00:00Z', minutes: 60, focus: 0.5 },
        { start: '2024-04-03T08:00:00Z', minutes: 30, focus: 0.5 },
      ]);
    }
    await withClient((client) =>
      refreshTeamMetricsForUsers(client, [
        { userId: a.id, dates: ['2024-04-02'] },
        { userId: y.id, dates: [new Date('2024-04-03T08:00:00Z')] },
      ]),
    );
    const days = async (teamId: string) =>
      (
        await store().pool.query(
          `SELECT date::text AS date, contributors, session_count FROM team_daily_metrics
           WHERE team_id = $1 ORDER BY date`,
          [teamId],
        )
      ).rows;
    expect(await days(first)).toEqual([{ date: '2024-04-02', contributors: 3, session_count: 3 }]);
    expect(await days(second)).toEqual([{ date: '2024-04-03', contributors: 3, session_count: 3 }]);
  });

  it('suggests protecting peak focus hours and flags interruption-heavy days, with evidence', async () => {
    const users = await Promise.all([1, 2, 3].map(() => signUp(running().url)));
    const teamId = await newTeam(users[0], users.slice(1));
    for (const user of users) await consent(user, teamId, true);
    // 2024-05-06 is a Monday: six interruptions per session against one on the other days.
    for (const day of ['2024-05-06', '2024-05-07', '2024-05-08']) {
      const interruptions = day === '2024-05-06' ? 6 : 1;
      for (const user of users) {
        await insertSessions(user, [
          { start: `${day}T09:00:00Z`, minutes: 50, focus: 0.9, interruptions },
          { start: `${day}T10:00:00Z`, minutes: 50, focus: 0.8, interruptions },
          { start: `${day}T15:00:00Z`, minutes: 50, focus: 0.4, interruptions },
        ]);
      }
    }
    await withClient((client) => recomputeTeam(client, teamId));
    const response = await api(
      users[1],
      `/${teamId}/insights?start_date=2024-05-01&end_date=2024-05-31`,
    );
    expect(response.status).toBe(200);
    const { suggestions } = (await response.json()) as {
      suggestions: { type: string; evidence: Record<string, unknown> }[];
    };
    const byType = Object.fromEntries(suggestions.map((s) => [s.type, s]));
    expect(Object.keys(byType).sort()).toEqual([
      'interruption_heavy_days',
      'meeting_free_window',
      'peak_focus_hours',
    ]);
    expect(byType.peak_focus_hours.evidence).toEqual({
      hours: [
        { hour: 9, average_focus: 0.9, session_count: 9 },
        { hour: 10, average_focus: 0.8, session_count: 9 },
      ],
      overall_average_focus: 0.7,
    });
    expect(byType.meeting_free_window.evidence).toMatchObject({ start_hour: 9, end_hour: 11 });
    expect(byType.interruption_heavy_days.evidence).toMatchObject({
      days: [{ weekday: 'Monday', interruptions_per_session: 6, session_count: 9 }],
    });
    const analytics = await api(
      users[0],
      `/${teamId}/analytics?start_date=2024-05-01&end_date=2024-05-31`,
    );
    expect(
      ((await analytics.json()) as { optimization_suggestions: unknown[] })
        .optimization_suggestions,
    ).toEqual(suggestions);
  });

  it('runs burnout alerts as team-level counts, naming only members who opted in', async () => {
    const users = await Promise.all(
      ['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'UTC'].map((timezone) =>
        signUp(running().url, { timezone }),
      ),
    );
    const [admin, la, tokyo, quiet] = users;
    const teamId = await newTeam(admin, [la, tokyo, quiet]);
    await consent(la, teamId, true, true);
    await consent(tokyo, teamId, true, false);
    await consent(admin, teamId, true);
    // quiet never consents: their weekend work must not count.
    // Week of Monday 2024-06-03; Saturday the 8th is local for each member.
    await insertSessions(la, [{ start: '2024-06-08T17:00:00Z', minutes: 60, focus: 0.5 }]); // Sat 10:00 in LA
    await insertSessions(tokyo, [{ start: '2024-06-08T01:00:00Z', minutes: 60, focus: 0.5 }]); // Sat 10:00 in Tokyo
    await insertSessions(admin, [{ start: '2024-06-05T10:00:00Z', minutes: 30, focus: 0.5 }]);
    await insertSessions(quiet, [{ start: '2024-06-08T10:00:00Z', minutes: 300, focus: 0.5 }]);

    const run = await api(admin, `/${teamId}/alerts`, {
      method: 'POST',
      body: { week_start: '2024-06-03' },
    });
    expect(run.status).toBe(200);
    const { alerts } = (await run.json()) as { alerts: Record<string, unknown>[] };
    expect(alerts.map((a) => a.rule)).toEqual(['weekend_work']);
    expect(alerts[0]).toMatchObject({
      team_id: teamId,
      week_start: '2024-06-03',
      week_end: '2024-06-09',
      affected_members: 2,
      evaluated_members: 3,
      message: '2 of 3 members worked on the weekend on 1+ day this week.',
      named_members: [{ user_id: la.id, email: la.email, dates: ['2024-06-08'] }],
    });

    // Thresholds can be overridden per run; bad ones are a 400 naming the field.
    const strict = await api(admin, `/${teamId}/alerts`, {
      method: 'POST',
      body: { week_start: '2024-06-03', thresholds: { weekend_min_minutes: 90 } },
    });
    expect(((await strict.json()) as { alerts: unknown[] }).alerts).toEqual([]);
    const bad = await api(admin, `/${teamId}/alerts`, {
      method: 'POST',
      body: { thresholds: { min_rest_hours: 'eleven' } },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('thresholds.min_rest_hours');

    const listed = await api(quiet, `/${teamId}/alerts`);
    expect(listed.status).toBe(200);
    const past = ((await listed.json()) as { alerts: { id: string }[] }).alerts;
    expect(past.map((a) => a.id)).toEqual([alerts[0].id]);

    // Below the minimum group size nothing is counted at all.
    await consent(tokyo, teamId, false);
    const small = await api(admin, `/${teamId}/alerts`, {
      method: 'POST',
      body: { week_start: '2024-06-03' },
    });
    expect(await small.json()).toEqual({
      alerts: [],
      skipped: { reason: 'too_few_members', evaluated_members: 2, min_group_size: 3 },
    });
  });

  it('the scheduled jobs recompute every team and check the last complete week once', async () => {
    expect(lastCompleteWeekStart(new Date('2024-06-12T08:00:00Z'))).toBe('2024-06-03'); // a Wednesday
    expect(lastCompleteWeekStart(new Date('2024-06-10T00:30:00Z'))).toBe('2024-06-03'); // a Monday
    const users = await Promise.all([1, 2, 3].map(() => signUp(running().url)));
    const teamId = await newTeam(users[0], users.slice(1));
    for (const user of users) await consent(user, teamId, true);
    for (const user of users) {
      await insertSessions(user, [
        { start: '2024-06-08T12:00:00Z', minutes: 60, focus: 0.5 }, // Saturday
      ]);
    }
    const [refresh, burnout] = teamJobs(running().ctx, () => new Date('2024-06-12T08:00:00Z'));
    expect(await running().ctx.jobs.runNow(refresh)).toEqual({ ran: true });
    const [day] = await dailyMetrics(users[0], teamId, '2024-06-08', '2024-06-08');
    expect(day).toMatchObject({ contributors: 3, session_count: 3 });

    expect(await running().ctx.jobs.runNow(burnout)).toEqual({ ran: true });
    const alerts = async () =>
      (
        await store().pool.query(
          'SELECT rule, week_start::text AS week_start, affected_members FROM team_alerts WHERE team_id = $1',
          [teamId],
        )
      ).rows;
    expect(await alerts()).toEqual([
      { rule: 'weekend_work', week_start: '2024-06-03', affected_members: 3 },
    ]);
    // A second tick in the same week finds the week checked and adds nothing.
    await running().ctx.jobs.runNow(burnout);
    expect(await alerts()).toHaveLength(1);
  });
});
