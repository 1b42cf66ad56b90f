import { afterAll, beforeAll, expect, it } from 'vitest';
import { UserDoc, userDocName } from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { countQueries } from './query-counter';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import {
  TEST_BATCH_WINDOW_MS,
  connectReplica,
  earlyInWindow,
  insertUsers,
  sessionEntry,
  startSyncServer,
  synced,
  waitFor,
} from './sync-helpers';

/**
 * Database round trips per write, counted (not timed): a change that adds a
 * query to the hot paths fails here instead of slowing `npm run bench` down
 * unnoticed. Every query any pool client sends is one round trip. Counts are
 * split into what the writer waits for (up to the HTTP answer, or, over the
 * socket, up to the update being logged: it reaches the other replicas
 * before) and the reconciliation into rows that follows (the debounce is
 * pushed out so it runs only when the test asks). The reconciliation of one
 * changed session: BEGIN, one statement for the document row (coverage,
 * generation check) and the stored rows of both tables, the upsert, the team
 * refresh, COMMIT.
 *
 * Raise a budget only for a reason you can name in the commit message.
 */
const BUDGET = {
  restUpdate: { request: 1, reconcile: 5 },
  syncUpdate: { request: 1, reconcile: 5 },
  /** Documents falling due together are reconciled by the same 5 statements. */
  dueTogether: { documents: 4, reconcile: 5 },
};

const ACTIVITY = {
  keystroke_intervals: [150, 170, 160, 180, 155, 165, 175, 150],
  context_switches: 0,
  error_events: 0,
  focus_duration: 60_000,
  file_modifications: 1,
  keystrokes: 8,
  lines_added: 1,
};

describeEachStore('database round trips per write', (store, kind) => {
  let server: RunningServer;
  /** Reconciles on its own schedule: due 0 ms after a write, on window boundaries. */
  let scheduled: RunningServer;
  let user: TestUser;
  let counter: ReturnType<typeof countQueries>;

  beforeAll(async () => {
    server = await startSyncServer(store(), { reconcileDebounceMs: 600_000 });
    scheduled = await startSyncServer(store(), {
      reconcileDebounceMs: 0,
      reconcileBatchWindowMs: TEST_BATCH_WINDOW_MS,
    });
    user = await signUp(server.url);
    counter = countQueries();
  });
  afterAll(async () => {
    counter?.restore();
    await server?.close();
    await scheduled?.close();
  });

  it('documents falling due together are reconciled in one run', async () => {
    const users = await insertUsers(store().pool, BUDGET.dueTogether.documents);
    const { metrics } = scheduled.ctx.registry;
    // Counted once a run committed: each write changes one session row per user.
    const writeAll = async (keystrokes: number) => {
      const upserted = metrics.sessionsUpserted;
      await earlyInWindow();
      await Promise.all(
        users.map(async (id) => {
          await scheduled.ctx.registry.write(id, (doc) =>
            doc.putSession(sessionEntry({ id: ids.get(id)!, keystrokes })),
          );
          await scheduled.ctx.registry.peek(userDocName(id))!.whenLogged();
        }),
      );
      return upserted;
    };
    const ids = new Map(users.map((id) => [id, sessionEntry().id]));
    // Warm: documents loaded, rows stored.
    let upserted = await writeAll(1);
    await waitFor(() => metrics.sessionsUpserted >= upserted + users.length, 'the first runs');
    upserted = await writeAll(2);
    counter.take();
    await waitFor(() => metrics.sessionsUpserted >= upserted + users.length, 'the runs');
    expect(counter.take()).toBe(BUDGET.dueTogether.reconcile);
    const { rows: stored } = await store().pool.query<{ keystrokes: number }>(
      'SELECT keystrokes FROM coding_sessions WHERE user_id = ANY($1::uuid[])',
      [users],
    );
    expect(stored.map((r) => r.keystrokes)).toEqual(users.map(() => 2));
  });

  it('announces an append to other instances on PostgreSQL only', async () => {
    // Several instances may share PostgreSQL; nobody else can listen to embedded PGlite, where
    // the notification was a third of an append's cost.
    const announced = countQueries(/pg_notify/);
    try {
      await server.ctx.registry.write(user.id, (doc) => doc.putSession(sessionEntry()));
      await server.ctx.registry.peek(userDocName(user.id))!.whenLogged();
    } finally {
      announced.restore();
    }
    expect(announced.take()).toBe(kind === 'postgres' ? 1 : 0);
  });

  it('PUT /api/sessions/:id/update', async () => {
    const started = await authedFetch(server.url, user.token, '/api/sessions/start', {
      method: 'POST',
      body: { start_time: new Date(Date.UTC(2026, 0, 5, 9)).toISOString() },
    });
    const { id } = (await started.json()) as { id: string };
    const update = async (i: number) => {
      const response = await authedFetch(server.url, user.token, `/api/sessions/${id}/update`, {
        method: 'PUT',
        body: { ...ACTIVITY, timestamp: Date.UTC(2026, 0, 5, 9) + (i + 1) * 30_000 },
      });
      expect(response.status).toBe(200);
    };
    // Warm: token verified and cached, baseline read, document loaded.
    await update(0);
    await server.ctx.projection.reconcileNow(user.id);
    counter.take();
    for (let i = 1; i <= 3; i++) {
      await update(i);
      const request = counter.take();
      await server.ctx.projection.reconcileNow(user.id);
      const reconcile = counter.take();
      expect({ request, reconcile }).toEqual(BUDGET.restUpdate);
    }
  });

  it('one CRDT update over the sync socket', async () => {
    const writer = connectReplica(server.url, user);
    const observer = connectReplica(server.url, user);
    try {
      await Promise.all([synced(writer), synced(observer)]);
      const mine = new UserDoc(writer.doc);
      const theirs = new UserDoc(observer.doc);
      const entry = sessionEntry();
      const write = async (keystrokes: number) => {
        const arrived = new Promise<void>((resolve) => {
          const check = () => {
            if (theirs.getSession(entry.id)?.keystrokes === keystrokes) {
              observer.doc.off('update', check);
              resolve();
            }
          };
          observer.doc.on('update', check);
        });
        mine.putSession({ ...entry, keystrokes });
        await arrived;
        await server.ctx.registry.peek(userDocName(user.id))!.whenLogged();
      };
      await write(1);
      await server.ctx.projection.reconcileNow(user.id);
      counter.take();
      for (let k = 2; k <= 4; k++) {
        await write(k);
        const request = counter.take();
        await server.ctx.projection.reconcileNow(user.id);
        const reconcile = counter.take();
        expect({ request, reconcile }).toEqual(BUDGET.syncUpdate);
      }
    } finally {
      writer.destroy();
      observer.destroy();
    }
  });
});
