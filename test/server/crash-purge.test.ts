import { afterAll, expect, it } from 'vitest';
import pg from 'pg';
import { userDocName } from '@mindful/shared';
import { subjectHash } from '@mindful/server';
import { storeKinds } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { ChildServers, freshCrashStore, type CrashStore } from './crash-helpers';
import { waitFor } from './sync-helpers';
import { referencingCounts } from './user-footprint';

/** Enough rows that the purge transaction is still running when the process is killed. */
const BULK_SESSIONS = 40_000;

/** What is left of the user: a row count per catalog column, the account, the tombstone. */
interface Remains {
  counts: Record<string, number>;
  account: number;
  tombstones: number;
}

async function remainsOf(store: CrashStore, userId: string): Promise<Remains> {
  const db = await store.open();
  try {
    const counts = await referencingCounts(db.pool, userId);
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*)::int FROM users WHERE id = $1) AS account,
              (SELECT count(*)::int FROM purge_tombstones WHERE subject_hash = $2) AS tombstones`,
      [userId, subjectHash(userDocName(userId))],
    );
    return { counts, account: rows[0].account, tombstones: rows[0].tombstones };
  } finally {
    await db.close();
  }
}

/**
 * Gives `ada` a row in every table that references users, plus many sessions
 * and flow states, written directly while no server runs (a crash test is
 * about the purge's atomicity, not how the rows got there).
 */
async function seed(store: CrashStore, ada: TestUser, bob: TestUser): Promise<void> {
  const db = await store.open();
  try {
    const q = (sql: string, params: unknown[] = []) => db.pool.query(sql, params);
    await q(`UPDATE users SET subscription_tier = 'team' WHERE id = ANY($1::uuid[])`, [
      [ada.id, bob.id],
    ]);
    const team = await q(`INSERT INTO teams (name, owner_id) VALUES ('Crash', $1) RETURNING id`, [
      ada.id,
    ]);
    const teamId = team.rows[0].id as string;
    await q(
      `INSERT INTO team_members (team_id, user_id, role, data_sharing_consent)
       VALUES ($1, $2, 'admin', true), ($1, $3, 'member', true)`,
      [teamId, ada.id, bob.id],
    );
    await q(
      `INSERT INTO team_invitations (team_id, invited_by, email, expires_at)
       VALUES ($1, $2, 'later@example.com', NOW() + interval '1 day')`,
      [teamId, ada.id],
    );
    await q(
      `INSERT INTO team_invitation_quota (user_id, window_start, sent) VALUES ($1, NOW(), 1)`,
      [ada.id],
    );
    const alert = await q(
      `INSERT INTO team_alerts (team_id, rule, week_start, week_end, affected_members, evaluated_members, message)
       VALUES ($1, 'long_hours', '2026-01-05', '2026-01-11', 1, 3, 'Long hours') RETURNING id`,
      [teamId],
    );
    await q(`INSERT INTO team_alert_members (alert_id, user_id, dates) VALUES ($1, $2, '[]')`, [
      alert.rows[0].id,
      ada.id,
    ]);
    await q(
      `INSERT INTO user_insights (user_id, insight_type, insight_data, confidence_score, date_range_start, date_range_end)
       VALUES ($1, 'peak_hours', '{}', 0.5, '2026-01-05', '2026-01-11')`,
      [ada.id],
    );
    await q(
      `INSERT INTO api_keys (user_id, name, prefix, key_hash) VALUES ($1, 'editor', 'waka_0000', $2)`,
      [ada.id, `crash-${ada.id}`],
    );
    await q(
      `INSERT INTO wakatime_heartbeats (user_id, fingerprint, time, type, category, entity_key)
       VALUES ($1, $2, '2026-01-05T09:00:00Z', 'file', 'coding', 'k')`,
      [ada.id, `crash-${ada.id}`],
    );
    await q(`INSERT INTO wakatime_imports (user_id) VALUES ($1)`, [ada.id]);
    await q(
      `INSERT INTO coding_sessions (user_id, start_time, end_time, total_duration_ms)
       SELECT $1, ts, ts + interval '30 minutes', 1800000
       FROM (SELECT TIMESTAMPTZ '2025-01-01' + g * interval '1 hour' AS ts
             FROM generate_series(1, $2::int) g) s`,
      [ada.id, BULK_SESSIONS],
    );
    await q(
      `INSERT INTO flow_states (user_id, session_id, start_time, intensity_score)
       SELECT user_id, id, start_time, 0.8 FROM coding_sessions WHERE user_id = $1`,
      [ada.id],
    );
  } finally {
    await db.close();
  }
}

/** Resolves once the child's purge transaction is between or inside its deletes (PostgreSQL). */
async function purgeUnderWay(databaseUrl: string): Promise<void> {
  const watcher = new pg.Client({ connectionString: databaseUrl });
  await watcher.connect();
  try {
    await waitFor(
      async () => {
        const { rows } = await watcher.query(
          `SELECT 1 FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid()
             AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction')
             AND query ~ '^DELETE FROM (coding_sessions|flow_states|user_insights|team_alert_members) WHERE user_id'`,
        );
        return rows.length > 0;
      },
      'the purge transaction to be deleting',
      20_000,
    );
  } finally {
    await watcher.end();
  }
}

for (const kind of storeKinds()) {
  const children = new ChildServers();
  afterAll(() => children.killAll());

  it(`[${kind}] a SIGKILL during a purge leaves all of the user or none, never part`, async () => {
    const store = await freshCrashStore(kind);
    try {
      let server = await children.start(store.env);
      const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
      // A session through the document, so the log and the document row hold the user too.
      const started = await authedFetch(server.url, ada.token, '/api/sessions/start', {
        method: 'POST',
        body: { language: 'go' },
      });
      expect(started.status).toBe(201);
      await children.stop(server);

      await seed(store, ada, bob);
      const before = await remainsOf(store, ada.id);
      for (const [column, n] of Object.entries(before.counts)) {
        expect(n, `the fixture writes no row into ${column}`).toBeGreaterThan(0);
      }
      expect(before).toMatchObject({ account: 1, tombstones: 0 });

      server = await children.start(store.env);
      let answered = false;
      const purge = authedFetch(server.url, ada.token, '/api/privacy/purge?scope=all', {
        method: 'DELETE',
      }).then(
        () => (answered = true),
        () => undefined, // the connection dies with the process
      );
      if (kind === 'postgres') await purgeUnderWay(store.env.DATABASE_URL!);
      // PGlite runs in the child: no outside view. The purge of this many rows takes far
      // longer than this, and `answered` below shows it had not finished.
      else await new Promise((resolve) => setTimeout(resolve, 150));
      await children.kill(server);
      await purge;
      expect(answered, 'the purge finished before the kill: seed more rows').toBe(false);

      // The store recovers and a server starts on it again.
      server = await children.start(store.env);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await children.stop(server);

      const after = await remainsOf(store, ada.id);
      const none: Remains = {
        counts: Object.fromEntries(Object.keys(before.counts).map((column) => [column, 0])),
        account: 0,
        tombstones: 1,
      };
      expect([before, none]).toContainEqual(after);
      // Killed mid-transaction on PostgreSQL: it rolled back, everything is still there.
      if (kind === 'postgres') expect(after).toEqual(before);
    } finally {
      await store.dispose();
    }
  }, 480_000);
}
