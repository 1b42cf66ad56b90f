import { expect, it } from 'vitest';
import { withdrawTeamConsents } from '../../server/src/teams/member-withdrawal';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { newTeam, seedSessions, teamsApi, useTeamServer } from './team-fixtures';

interface Alert {
  rule: string;
  week_start: string;
  affected_members: number;
  evaluated_members: number;
  message: string;
  evidence: Record<string, unknown>;
  named_members: { user_id: string; dates: string[] }[];
}

/** Saturday of the evaluated week (Monday 2024-06-03 to Sunday 2024-06-09), all members in UTC. */
const SATURDAY = '2024-06-08T12:00:00Z';
const WEEK = '2024-06-03';

describeEachStore('withdrawing takes a member out of stored burnout alerts', (store) => {
  const running = useTeamServer(store); // minimum group of 3
  const api = teamsApi(() => running().url);

  const consent = (user: TestUser, teamId: string, sharing: boolean, optIn?: boolean) =>
    api(user, `/${teamId}/consent`, {
      method: 'PUT',
      body: {
        data_sharing_consent: sharing,
        ...(optIn === undefined ? {} : { individual_alerts_opt_in: optIn }),
      },
    });

  /**
   * Five consenting members; `named1` and `named2` (opted in) and `counted`
   * (not opted in) worked on Saturday, `quiet` and the admin did not. The run
   * stores one alert: weekend work, 3 of 5, naming the two who opted in.
   */
  async function alertedTeam(
    options: { countedMinutes?: number; thresholds?: Record<string, unknown> } = {},
  ) {
    const [admin, named1, named2, counted, quiet] = await Promise.all(
      [1, 2, 3, 4, 5].map(() => signUp(running().url)),
    );
    const teamId = await newTeam(api, admin, [named1, named2, counted, quiet]);
    for (const user of [admin, counted, quiet]) await consent(user, teamId, true, false);
    for (const user of [named1, named2]) await consent(user, teamId, true, true);
    for (const user of [named1, named2]) {
      await seedSessions(store().pool, user.id, [{ start: SATURDAY, minutes: 60, focus: 0.5 }]);
    }
    await seedSessions(store().pool, counted.id, [
      { start: SATURDAY, minutes: options.countedMinutes ?? 60, focus: 0.5 },
    ]);
    await seedSessions(store().pool, admin.id, [
      { start: '2024-06-05T10:00:00Z', minutes: 30, focus: 0.5 },
    ]);
    const run = await api(admin, `/${teamId}/alerts`, {
      method: 'POST',
      body: { week_start: WEEK, ...(options.thresholds ? { thresholds: options.thresholds } : {}) },
    });
    expect(run.status).toBe(200);
    return { teamId, admin, named1, named2, counted, quiet };
  }

  /** The stored weekend alert as GET /alerts shows it, checked against the analytics' indicators. */
  async function weekendAlert(viewer: TestUser, teamId: string) {
    const listed = await api(viewer, `/${teamId}/alerts`);
    expect(listed.status).toBe(200);
    const { alerts } = (await listed.json()) as { alerts: Alert[] };
    const analytics = await api(
      viewer,
      `/${teamId}/analytics?start_date=2024-06-01&end_date=2024-06-10`,
    );
    expect(
      ((await analytics.json()) as { burnout_indicators: Alert[] }).burnout_indicators,
    ).toEqual(alerts);
    expect(alerts.length).toBeLessThanOrEqual(1);
    const alert = alerts.find((a) => a.rule === 'weekend_work');
    if (!alert) return undefined;
    return {
      counts: [alert.affected_members, alert.evaluated_members],
      message: alert.message,
      named: alert.named_members.map((m) => m.user_id).sort(),
      recounted: typeof alert.evidence.recounted_at === 'string',
    };
  }

  const namedRows = async (user: TestUser) =>
    (
      await store().pool.query(
        'SELECT count(*)::int AS n FROM team_alert_members WHERE user_id = $1',
        [user.id],
      )
    ).rows[0].n as number;

  const ids = (...users: TestUser[]) => users.map((u) => u.id).sort();

  it('withdrawing consent deletes the member’s name and recounts without them, down to nothing', async () => {
    const t = await alertedTeam();
    expect(await weekendAlert(t.quiet, t.teamId)).toEqual({
      counts: [3, 5],
      message: '3 of 5 members worked on the weekend on 1+ day this week.',
      named: ids(t.named1, t.named2),
      recounted: false,
    });

    // Opting in after the run does not put a name on an alert already shown unnamed.
    expect((await consent(t.counted, t.teamId, true, true)).status).toBe(200);
    expect((await consent(t.named1, t.teamId, false)).status).toBe(200);
    expect(await weekendAlert(t.quiet, t.teamId)).toEqual({
      counts: [2, 4],
      message: '2 of 4 members worked on the weekend on 1+ day this week.',
      named: ids(t.named2),
      recounted: true,
    });
    expect(await namedRows(t.named1)).toBe(0);

    // A member who was counted but never named leaves the counts too.
    await consent(t.counted, t.teamId, false);
    expect((await weekendAlert(t.quiet, t.teamId))?.counts).toEqual([1, 3]);

    // Below the minimum group the counts would point at people: the alert goes.
    await consent(t.quiet, t.teamId, false);
    expect(await weekendAlert(t.admin, t.teamId)).toBeUndefined();
    const { rows } = await store().pool.query('SELECT 1 FROM team_alerts WHERE team_id = $1', [
      t.teamId,
    ]);
    expect(rows).toEqual([]);
  });

  it('leaving deletes the member’s name and recounts without them', async () => {
    const t = await alertedTeam();
    const leave = (user: TestUser) =>
      api(user, `/${t.teamId}/members/${user.id}`, { method: 'DELETE' });
    expect((await leave(t.named1)).status).toBe(204);
    expect(await weekendAlert(t.quiet, t.teamId)).toEqual({
      counts: [2, 4],
      message: '2 of 4 members worked on the weekend on 1+ day this week.',
      named: ids(t.named2),
      recounted: true,
    });
    expect(await namedRows(t.named1)).toBe(0);
    // Removed by the admin counts the same as leaving.
    const removed = await api(t.admin, `/${t.teamId}/members/${t.counted.id}`, {
      method: 'DELETE',
    });
    expect(removed.status).toBe(204);
    expect((await weekendAlert(t.quiet, t.teamId))?.counts).toEqual([1, 3]);
  });

  it('opting out of individual alerts deletes the name; the counts stay', async () => {
    const t = await alertedTeam();
    expect((await consent(t.named1, t.teamId, true, false)).status).toBe(200);
    expect(await weekendAlert(t.quiet, t.teamId)).toEqual({
      counts: [3, 5],
      message: '3 of 5 members worked on the weekend on 1+ day this week.',
      named: ids(t.named2),
      recounted: false,
    });
    expect(await namedRows(t.named1)).toBe(0);
  });

  it('a purge takes the user out of the alert counts of every team, with either scope', async () => {
    const t = await alertedTeam();
    const purge = (user: TestUser, scope: string) =>
      authedFetch(running().url, user.token, `/api/privacy/purge?scope=${scope}`, {
        method: 'DELETE',
      });
    expect((await purge(t.named1, 'all')).status).toBe(200);
    expect(await weekendAlert(t.quiet, t.teamId)).toEqual({
      counts: [2, 4],
      message: '2 of 4 members worked on the weekend on 1+ day this week.',
      named: ids(t.named2),
      recounted: true,
    });
    // scope=data keeps the account and its consent, but its data and counts go.
    expect((await purge(t.counted, 'data')).status).toBe(200);
    expect((await weekendAlert(t.quiet, t.teamId))?.counts).toEqual([1, 3]);
  });

  it('the recount applies the thresholds the run used, not the team’s current ones', async () => {
    // The run asked for 45 weekend minutes: the 30-minute Saturday does not count.
    const t = await alertedTeam({ countedMinutes: 30, thresholds: { weekend_min_minutes: 45 } });
    expect((await weekendAlert(t.quiet, t.teamId))?.counts).toEqual([2, 5]);
    await consent(t.named1, t.teamId, false);
    // Under the team's 15 minutes it would be 2 of 4.
    expect((await weekendAlert(t.quiet, t.teamId))?.counts).toEqual([1, 4]);
  });

  it('turning team sharing off everywhere withdraws as the consent route does', async () => {
    const t = await alertedTeam();
    const client = await store().pool.connect();
    try {
      await client.query('BEGIN');
      expect(await withdrawTeamConsents(client, t.counted.id)).toEqual([t.teamId]);
      expect(await withdrawTeamConsents(client, t.counted.id)).toEqual([]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await weekendAlert(t.quiet, t.teamId)).toMatchObject({
      counts: [2, 4],
      named: ids(t.named1, t.named2),
    });
  });
});
