import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../helpers/scratch-database';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { startChildServer, type ChildServer } from '../e2e/child-server';

const adminUrl = process.env.TEST_DATABASE_URL;

/**
 * Terminates every backend of `database` except the caller's, every
 * `everyMs`, until stopped; counts what it killed so the test can assert the
 * fault really happened.
 */
function terminateBackendsRepeatedly(database: string, everyMs: number) {
  const admin = new pg.Client({ connectionString: adminUrl });
  let stopped = false;
  let killed = 0;
  const done = (async () => {
    await admin.connect();
    while (!stopped) {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = $1 AND pid <> pg_backend_pid()) AS t`,
        [database],
      );
      killed += rows[0]?.n ?? 0;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    await admin.end();
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return killed;
    },
  };
}

describe.skipIf(!adminUrl)(
  'hardening: a database connection dying mid-transaction [postgres]',
  () => {
    const children: ChildServer[] = [];
    afterAll(() => {
      for (const child of children) child.process.kill('SIGKILL');
    });

    it('keeps the server up, answers 503 (never 500) and recovers once the database is back', async () => {
      const scratch = await createScratchDatabase(adminUrl!, 'mc_fault');
      try {
        const server = await startChildServer({
          DATABASE_URL: scratch.url,
          DEFAULT_SUBSCRIPTION_TIER: 'team',
          AUTH_SESSION_CACHE_MS: '300000',
        });
        children.push(server);
        let exitCode: number | null | 'running' = 'running';
        void server.exited.then((code) => (exitCode = code));
        const users: TestUser[] = [];
        for (let i = 0; i < 4; i++) users.push(await signUp(server.url));

        const statuses = new Map<number, number>();
        const writeRound = async (user: TestUser, i: number) => {
          const responses = await Promise.all([
            authedFetch(server.url, user.token, '/api/privacy/settings', {
              method: 'PUT',
              body: { retention_days: 30 + (i % 300) },
            }).catch(() => null),
            authedFetch(server.url, user.token, '/api/teams', {
              method: 'POST',
              body: { name: `team ${i}` },
            }).catch(() => null),
          ]);
          for (const response of responses) {
            // No answer at all: the server process died.
            if (response === null) {
              statuses.set(0, (statuses.get(0) ?? 0) + 1);
              continue;
            }
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status >= 500) {
              const body = (await response.json()) as { error: { code: string } };
              if (body.error.code !== 'unavailable') {
                console.log(
                  server.logs.filter((line) => line.includes('request failed')).join('\n'),
                );
              }
              expect(body.error.code).toBe('unavailable');
            } else {
              await response.arrayBuffer();
            }
          }
        };

        const killer = terminateBackendsRepeatedly(new URL(scratch.url).pathname.slice(1), 150);
        try {
          await Promise.all(
            users.map(async (user) => {
              for (let i = 0; i < 40 && exitCode === 'running'; i++) await writeRound(user, i);
            }),
          );
        } finally {
          expect(await killer.stop()).toBeGreaterThan(0);
        }
        expect(exitCode).toBe('running');
        expect(statuses.get(0) ?? 0).toBe(0);
        expect(statuses.get(500) ?? 0).toBe(0);
        // Something did fail while backends died: the fault was real.
        expect(statuses.get(503) ?? 0).toBeGreaterThan(0);

        // The pool recovers: every user can write again once the killing stops.
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        for (const user of users) {
          const response = await authedFetch(server.url, user.token, '/api/privacy/settings', {
            method: 'PUT',
            body: { retention_days: 77 },
          });
          expect(response.status).toBe(200);
        }
        expect(exitCode).toBe('running');
      } finally {
        for (const child of children) child.process.kill('SIGKILL');
        await Promise.all(children.map((child) => child.exited));
        await scratch.drop();
      }
    }, 120_000);
  },
);
