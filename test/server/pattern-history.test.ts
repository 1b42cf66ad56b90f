// Personal patterns (and the peak hours in a user's baseline) are drawn from
// the shared PATTERN_HISTORY: ended sessions of the last 180 days, the newest
// 2,000 of them. The device reads the same window from its replica
// (test/client-sdk/pattern-history.test.ts).
import { expect, it } from 'vitest';
import { PATTERN_HISTORY } from '@mindful/shared';
import { loadSessionHistory } from '../../server/src/insights/session-history-entries';
import { describeEachStore } from '../helpers/databases';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

describeEachStore('the history personal patterns read', (store) => {
  it('is the newest sessions of the lookback, oldest first: neither older ones nor the oldest of too many', async () => {
    const { pool } = store();
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO users (email) VALUES ('patterns@example.com') RETURNING id::text AS id`,
    );
    const userId = rows[0]!.id;
    const { maxSessions, lookbackDays } = PATTERN_HISTORY;
    // One more session than the cap, an hour apart, the newest an hour before NOW; one just
    // outside the lookback; one still open.
    await pool.query(
      `INSERT INTO coding_sessions (user_id, start_time, end_time, total_duration_ms, interruption_count)
       SELECT $1::uuid, $2::timestamptz - g * interval '1 hour', $2::timestamptz - g * interval '1 hour' + interval '30 minutes',
              1800000, 0
       FROM generate_series(1, $3::int) AS g
       UNION ALL SELECT $1::uuid, $4, $4::timestamptz + interval '30 minutes', 1800000, 0
       UNION ALL SELECT $1::uuid, $2::timestamptz - interval '10 minutes', NULL, NULL, 0`,
      [userId, NOW, maxSessions + 1, new Date(NOW.getTime() - lookbackDays * DAY - 60_000)],
    );

    const history = await loadSessionHistory(pool, userId, NOW);
    expect(history).toHaveLength(maxSessions);
    expect(history[0]!.startTime).toBe(NOW.getTime() - maxSessions * 3600_000);
    expect(history.at(-1)!.startTime).toBe(NOW.getTime() - 3600_000);
  });
});
