// Team aggregation cost on PostgreSQL: a full recompute of one team of 1,000
// consenting members × 90 days of sessions, and the incremental refresh the
// reconciler runs per changed session, each next to a plain count over the
// same rows measured in the same process.
//   npx tsx bench/teams.ts   (BENCH_DATABASE_URL or TEST_DATABASE_URL)
import { createScratchDatabase } from '../test/helpers/scratch-database';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '../server/src/db/migrate';
import { recomputeTeam, refreshTeamMetricsForUser } from '../server/src/teams/team-metrics';

const MEMBERS = 1000;
const DAYS = 90;
const SESSIONS_PER_DAY = 4;
const INCREMENTAL_SAMPLES = 200;
const REPEATS = 5;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** Fills an empty, migrated database with the benchmark team; returns its id. */
export async function seedTeamBench(client: pg.ClientBase): Promise<string> {
  await client.query(
    `INSERT INTO users (email, name, subscription_tier)
     SELECT 'bench-' || g || '@example.com', 'Bench ' || g, 'team' FROM generate_series(1, $1) g`,
    [MEMBERS],
  );
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO teams (name, owner_id)
     SELECT 'Bench team', id FROM users ORDER BY email LIMIT 1 RETURNING id`,
  );
  const teamId = rows[0].id;
  await client.query(
    `INSERT INTO team_members (team_id, user_id, role, data_sharing_consent)
     SELECT $1, id, 'member', true FROM users`,
    [teamId],
  );
  // Four sessions a day from 08:00 UTC, 2.5 h apart, 30–110 min long, 0–3 flow periods.
  await client.query(
    `INSERT INTO coding_sessions (user_id, start_time, end_time, total_duration_ms, focus_score,
       flow_state_periods, interruption_count)
     SELECT u.id, t.start_time, t.start_time + t.minutes * interval '1 minute', t.minutes * 60000,
            round(random()::numeric, 2),
            (SELECT COALESCE(jsonb_agg(jsonb_build_object(
                'start_time', t.start_time, 'end_time', t.start_time + interval '10 minutes',
                'duration_ms', 600000 + p * 60000, 'intensity', 0.8)), '[]'::jsonb)
             FROM generate_series(1, (random() * 3)::int) p),
            (random() * 5)::int
     FROM users u
     CROSS JOIN generate_series(0, $1 - 1) d
     CROSS JOIN generate_series(0, $2 - 1) k
     CROSS JOIN LATERAL (SELECT timestamptz '2024-01-01 08:00:00+00' + d * interval '1 day'
                                + k * interval '150 minutes' AS start_time,
                                30 + (random() * 80)::int AS minutes) t`,
    [DAYS, SESSIONS_PER_DAY],
  );
  await client.query('ANALYZE');
  return teamId;
}

/** Runs the team benchmark on a database it creates and drops. */
export async function benchTeams(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    console.log('teams bench skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL (PostgreSQL)');
    return;
  }
  const scratch = await createScratchDatabase(adminUrl, 'mc_bench');
  const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
  try {
    await migrate(pool);
    const client = await pool.connect();
    try {
      let teamId = '';
      const seedMs = await timed(async () => {
        teamId = await seedTeamBench(client);
      });
      const sessions = Number(
        (await client.query('SELECT count(*) AS n FROM coding_sessions')).rows[0].n,
      );
      console.log(
        `seeded ${sessions} sessions (${MEMBERS} members × ${DAYS} days × ${SESSIONS_PER_DAY}) ` +
          `in ${(seedMs / 1000).toFixed(1)} s`,
      );
      await measure(client, teamId, sessions);
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
    await scratch.drop();
  }
}

async function measure(client: pg.ClientBase, teamId: string, sessions: number): Promise<void> {
  const baselineSql = `SELECT count(*) FROM coding_sessions cs JOIN team_members tm ON tm.user_id = cs.user_id
                       WHERE tm.team_id = $1 AND tm.data_sharing_consent`;
  await client.query(baselineSql, [teamId]); // warm the cache
  const baseline: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    baseline.push(await timed(() => client.query(baselineSql, [teamId])));
    full.push(await timed(() => recomputeTeam(client, teamId)));
  }
  const stored = (
    await client.query('SELECT count(*) AS n FROM team_daily_metrics WHERE team_id = $1', [teamId])
  ).rows[0].n;

  // One reconciled session: its row changes, then its user's day is refreshed (one transaction, as the reconciler does).
  const picks = await client.query<{ id: string; user_id: string; day: string }>(
    `SELECT id, user_id, (start_time AT TIME ZONE 'UTC')::date::text AS day
     FROM coding_sessions TABLESAMPLE BERNOULLI (1) LIMIT $1`,
    [INCREMENTAL_SAMPLES],
  );
  const refreshOnly: number[] = [];
  const updateAndRefresh: number[] = [];
  for (const pick of picks.rows) {
    updateAndRefresh.push(
      await timed(async () => {
        await client.query('BEGIN');
        await client.query(
          'UPDATE coding_sessions SET focus_score = round(random()::numeric, 2), updated_at = now() WHERE id = $1',
          [pick.id],
        );
        refreshOnly.push(
          await timed(() => refreshTeamMetricsForUser(client, pick.user_id, [pick.day])),
        );
        await client.query('COMMIT');
      }),
    );
  }
  const b = median(baseline);
  const f = median(full);
  const r = median(refreshOnly);
  console.log(`team aggregation on PostgreSQL, ${sessions} sessions, ${stored} stored days`);
  console.log(
    `${'case'.padEnd(44)}${'median ms'.padStart(11)}${'p95 ms'.padStart(9)}${'×baseline'.padStart(11)}`,
  );
  const line = (label: string, xs: number[]) =>
    console.log(
      `${label.padEnd(44)}${median(xs).toFixed(2).padStart(11)}${pct(xs, 0.95).toFixed(2).padStart(9)}${(median(xs) / b).toFixed(2).padStart(11)}`,
    );
  line('baseline: count(*) of the team’s sessions', baseline);
  line('full recompute of the team (daily + hourly)', full);
  line('incremental refresh, one user-day', refreshOnly);
  line('reconciled session: update + refresh + commit', updateAndRefresh);
  console.log(`full recompute / incremental refresh: ${(f / r).toFixed(0)}×`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchTeams();
