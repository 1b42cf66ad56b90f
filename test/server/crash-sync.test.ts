import { createScratchDatabase } from '../helpers/scratch-database';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UserDoc } from '@mindful/shared';
import { storeKinds } from '../helpers/databases';
import { authedFetch, signUp } from '../helpers/test-server';
import { startChildServer, type ChildServer } from '../e2e/child-server';
import { connectReplica, sessionEntry, synced, waitFor } from './sync-helpers';

/** Where the child keeps its data: a fresh PostgreSQL database, or a PGlite directory. */
async function freshStore(
  kind: 'pglite' | 'postgres',
): Promise<{ env: Record<string, string>; dispose(): Promise<void> }> {
  if (kind === 'pglite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'mc-crash-'));
    return { env: { DATA_DIR: dir }, dispose: () => rm(dir, { recursive: true, force: true }) };
  }
  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'mc_crash');
  return { env: { DATABASE_URL: scratch.url }, dispose: scratch.drop };
}

const TOTAL = 120;
const KILL_AFTER = 50;

for (const kind of storeKinds()) {
  const children: ChildServer[] = [];
  afterAll(() => {
    for (const child of children) child.process.kill('SIGKILL');
  });

  it(`[${kind}] loses no update across a SIGKILL mid-stream: the replica re-sends, rows appear once`, async () => {
    const store = await freshStore(kind);
    try {
      let server = await startChildServer(store.env);
      children.push(server);
      const user = await signUp(server.url);
      const doc = new Y.Doc();
      const replica = connectReplica(server.url, user, { doc });
      try {
        await synced(replica);
        const userDoc = new UserDoc(doc);
        const written: string[] = [];
        const write = (i: number) => {
          const entry = sessionEntry({ id: randomUUID(), keystrokes: i });
          userDoc.putSession(entry);
          written.push(entry.id);
        };
        // A stream of updates; the server is killed in the middle of it, while
        // updates are in flight and the reconciler has not caught up.
        for (let i = 0; i < KILL_AFTER; i++) {
          write(i);
          if (i % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        server.process.kill('SIGKILL');
        await server.exited;
        for (let i = KILL_AFTER; i < TOTAL; i++) write(i);

        server = await startChildServer(store.env);
        children.push(server);
        replica.serverUrl = `${server.url.replace(/^http/, 'ws')}/sync`;
        await synced(replica, 20_000).catch(() => undefined);
        await waitFor(
          () => replica.wsconnected && replica.synced,
          'the replica to reconnect and sync',
          20_000,
        );

        const history = async () => {
          const response = await authedFetch(
            server.url,
            user.token,
            '/api/sessions/history?limit=200',
          );
          return ((await response.json()) as { sessions: { id: string; keystrokes: number }[] })
            .sessions;
        };
        await waitFor(
          async () => (await history()).length === TOTAL,
          `${TOTAL} sessions in coding_sessions`,
          20_000,
        );
        const rows = await history();
        expect(new Set(rows.map((r) => r.id))).toEqual(new Set(written));
        expect(rows).toHaveLength(TOTAL);
        const expected = new Map(userDoc.readSessions().entries.map((e) => [e.id, e.keystrokes]));
        for (const row of rows) expect(row.keystrokes).toBe(expected.get(row.id));
        if (kind === 'postgres') {
          const direct = new pg.Client({ connectionString: store.env.DATABASE_URL });
          await direct.connect();
          try {
            const { rows: counted } = await direct.query(
              'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM coding_sessions WHERE user_id = $1',
              [user.id],
            );
            expect(counted[0]).toEqual({ n: TOTAL, d: TOTAL });
          } finally {
            await direct.end();
          }
        }
      } finally {
        replica.destroy();
        server.process.kill('SIGTERM');
        await server.exited;
      }
    } finally {
      await store.dispose();
    }
  }, 90_000);
}
