import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/databases';
import { signUp, type TestUser } from '../helpers/test-server';
import { recomputeTeam } from '../../server/src/teams/team-metrics';
import { newTeam, seedSessions, teamsApi, useTeamServer } from './team-fixtures';

describeEachStore('hourly team metrics keep the minimum group', (store) => {
  const running = useTeamServer(store); // TEAM_MIN_GROUP_SIZE = 3
  const api = teamsApi(() => running().url);

  it('an hour with fewer contributors than TEAM_MIN_GROUP_SIZE never reaches insights or their evidence', async () => {
    const users = await Promise.all([1, 2, 3].map(() => signUp(running().url)));
    const [lead, second, third] = users as [TestUser, TestUser, TestUser];
    const teamId = await newTeam(api, lead, [second, third]);
    for (const user of users) {
      const consented = await api(user, `/${teamId}/consent`, {
        method: 'PUT',
        body: { data_sharing_consent: true },
      });
      expect(consented.status).toBe(200);
    }
    // Three days on which all three work at 09:00 and 10:00, so every day and those hours
    // have three contributors; at 14:00 only two of them work, with the best focus of all.
    // Served, that hour would lead the peak hours and name when two people focus best.
    for (const day of ['2024-09-02', '2024-09-03', '2024-09-04']) {
      for (const user of users) {
        await seedSessions(store().pool, user.id, [
          { start: `${day}T09:00:00Z`, minutes: 40, focus: 0.6 },
          { start: `${day}T10:00:00Z`, minutes: 40, focus: 0.4 },
        ]);
      }
      for (const user of [lead, second]) {
        await seedSessions(store().pool, user.id, [
          { start: `${day}T14:00:00Z`, minutes: 40, focus: 0.95 },
        ]);
      }
    }
    const client = await store().pool.connect();
    try {
      await recomputeTeam(client, teamId);
    } finally {
      client.release();
    }

    // The small hour is stored (a later joiner may lift it over the minimum) ...
    const { rows: stored } = await store().pool.query(
      `SELECT hour, min(contributors)::int AS contributors, sum(session_count)::int AS sessions
       FROM team_hourly_metrics WHERE team_id = $1 GROUP BY hour ORDER BY hour`,
      [teamId],
    );
    expect(stored).toEqual([
      { hour: 9, contributors: 3, sessions: 9 },
      { hour: 10, contributors: 3, sessions: 9 },
      { hour: 14, contributors: 2, sessions: 6 },
    ]);

    // ... and never served: not in the insights, not in their evidence, not in analytics.
    const response = await api(
      second,
      `/${teamId}/insights?start_date=2024-09-01&end_date=2024-09-30`,
    );
    expect(response.status).toBe(200);
    const { suggestions } = (await response.json()) as {
      suggestions: { type: string; evidence: Record<string, unknown> }[];
    };
    const byType = Object.fromEntries(suggestions.map((s) => [s.type, s]));
    expect(byType.peak_focus_hours?.evidence).toEqual({
      hours: [{ hour: 9, average_focus: 0.6, session_count: 9 }],
      overall_average_focus: 0.5,
    });
    expect(JSON.stringify(suggestions)).not.toMatch(/"hour":14|14:00|"start_hour":1[34]/);
    const analytics = await api(
      lead,
      `/${teamId}/analytics?start_date=2024-09-01&end_date=2024-09-30`,
    );
    const body = (await analytics.json()) as { optimization_suggestions: unknown[] };
    expect(body.optimization_suggestions).toEqual(suggestions);
  });
});
