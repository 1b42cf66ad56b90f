import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { newTeam, teamsApi, useTeamServer } from './team-fixtures';

describeEachStore('team aggregates follow the real reconciliation path', (store) => {
  const running = useTeamServer(store); // minimum group of 3; no jobs on a timer in tests
  const api = teamsApi(() => running().url);

  /** A session through the REST write path: the document first, the row only when reconciled. */
  async function workedHour(user: TestUser, start: string, end: string): Promise<void> {
    const started = await authedFetch(running().url, user.token, '/api/sessions/start', {
      method: 'POST',
      body: { language: 'typescript', start_time: start },
    });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    const ended = await authedFetch(running().url, user.token, `/api/sessions/${id}/end`, {
      method: 'POST',
      body: { end_time: end },
    });
    expect(ended.status).toBe(200);
    await running().ctx.projection.reconcileNow(user.id);
  }

  const storedDays = async (teamId: string) =>
    (
      await store().pool.query(
        `SELECT date::text AS date, contributors, session_count, average_session_minutes
         FROM team_daily_metrics WHERE team_id = $1 ORDER BY date`,
        [teamId],
      )
    ).rows;

  it('a consenting member’s reconciled session reaches team_daily_metrics and the analytics with no explicit refresh', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => signUp(running().url)));
    const [admin, second, third, abstainer] = users;
    const teamId = await newTeam(api, admin, [second, third, abstainer]);
    // Consent first: its own recompute then finds nothing, so only reconciliation can fill the table.
    for (const user of [admin, second, third]) {
      const given = await api(user, `/${teamId}/consent`, {
        method: 'PUT',
        body: { data_sharing_consent: true },
      });
      expect(given.status).toBe(200);
    }
    expect(await storedDays(teamId)).toEqual([]);

    await workedHour(admin, '2024-06-04T09:00:00.000Z', '2024-06-04T10:00:00.000Z');
    expect(await storedDays(teamId)).toEqual([
      { date: '2024-06-04', contributors: 1, session_count: 1, average_session_minutes: 60 },
    ]);
    await workedHour(second, '2024-06-04T13:00:00.000Z', '2024-06-04T13:30:00.000Z');
    await workedHour(third, '2024-06-04T15:00:00.000Z', '2024-06-04T16:30:00.000Z');
    await workedHour(abstainer, '2024-06-04T11:00:00.000Z', '2024-06-04T19:00:00.000Z');

    const response = await api(
      admin,
      `/${teamId}/analytics?start_date=2024-06-04&end_date=2024-06-04`,
    );
    expect(response.status).toBe(200);
    const { daily_metrics } = (await response.json()) as {
      daily_metrics: Record<string, unknown>[];
    };
    // (60 + 30 + 90) / 3; the abstainer's eight hours are nowhere.
    expect(daily_metrics).toEqual([
      expect.objectContaining({
        date: '2024-06-04',
        contributors: 3,
        session_count: 3,
        average_session_minutes: 60,
      }),
    ]);
  });
});
