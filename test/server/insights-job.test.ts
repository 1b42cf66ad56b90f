import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { insightsJob } from '../../server/src/insights/insights-job';
import { describeEachStore } from '../helpers/databases';
import { signUp, startTestServer, type TestUser } from '../helpers/test-server';
import { seedSessions } from './team-fixtures';

describeEachStore('insights job', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });

  /** One run of the job on a pooled connection; how many users it refreshed. */
  async function runOnce(usersPerRun: number): Promise<number> {
    const client = await store().pool.connect();
    try {
      return (await insightsJob({ usersPerRun }).run(client)).users;
    } finally {
      client.release();
    }
  }

  /** A user with one ended session: too little data for any insight. */
  async function newcomer(): Promise<TestUser> {
    const user = await signUp(server.url);
    await seedSessions(store().pool, user.id, [
      { start: '2026-01-05T09:00:00Z', minutes: 30, focus: 0.5 },
    ]);
    return user;
  }

  const computedAt = async (user: TestUser) =>
    (await store().pool.query('SELECT insights_computed_at FROM users WHERE id = $1', [user.id]))
      .rows[0].insights_computed_at as Date | null;

  it('computes every stale user across runs, least recently computed first, even those with no insight', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 5; i++) users.push(await newcomer());

    // Five stale users, two per run: three runs reach everyone, the fourth finds no one.
    const refreshed: number[] = [];
    for (let run = 0; run < 4; run++) refreshed.push(await runOnce(2));
    expect(refreshed).toEqual([2, 2, 1, 0]);
    for (const user of users) expect(await computedAt(user)).toBeInstanceOf(Date);
    const { rows } = await store().pool.query(
      'SELECT count(*)::int AS n FROM user_insights WHERE user_id = ANY($1::uuid[])',
      [users.map((u) => u.id)],
    );
    expect(rows[0].n).toBe(0);

    // A session that changes makes its user stale again; a user never computed goes first.
    const changed = users[3]!;
    const before = (await computedAt(changed))!;
    await store().pool.query(`UPDATE coding_sessions SET updated_at = now() WHERE user_id = $1`, [
      changed.id,
    ]);
    const late = await newcomer();
    expect(await runOnce(1)).toBe(1);
    expect(await computedAt(late)).toBeInstanceOf(Date);
    expect(await computedAt(changed)).toEqual(before);
    expect(await runOnce(1)).toBe(1);
    expect((await computedAt(changed))!.getTime()).toBeGreaterThan(before.getTime());
    expect(await runOnce(1)).toBe(0);
  });
});
