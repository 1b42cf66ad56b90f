import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UserDoc, userDocName } from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import {
  closedWith,
  connectReplica,
  sessionEntry,
  startSyncServer,
  synced,
  waitFor,
} from './sync-helpers';

const ROUNDS = 3;

describeEachStore('writes racing a purge', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    // A slower reconcile debounce keeps reconciliations of the old generation pending when the
    // purge lands, so the race is exercised, not just possible.
    server = await startSyncServer(store(), { reconcileDebounceMs: 150 });
  });
  afterAll(async () => {
    await server?.close();
  });

  const q = (sql: string, params: unknown[] = []) => store().pool.query(sql, params);

  async function sessionRowIds(user: TestUser): Promise<string[]> {
    const { rows } = await q('SELECT id::text FROM coding_sessions WHERE user_id = $1', [user.id]);
    return rows.map((row) => row.id as string).sort();
  }

  async function documentIds(user: TestUser): Promise<string[]> {
    return server.ctx.registry.use(user.id, async (doc) =>
      doc.userDoc
        .readSessions()
        .entries.map((entry) => entry.id)
        .sort(),
    );
  }

  it('a replica and REST writing through a purge: nothing written before it comes back, rows and document agree', async () => {
    const ada = await signUp(server.url);
    let generation = 1;
    for (let round = 0; round < ROUNDS; round++) {
      const doc = new Y.Doc();
      const replica = connectReplica(server.url, ada, { doc, generation });
      await synced(replica);
      const userDoc = new UserDoc(doc);
      const closed = closedWith(replica);

      // The replica writes a session every few milliseconds, and REST starts sessions,
      // until the purge closes the socket.
      const fromReplica: string[] = [];
      let purged = false;
      const replicaWriter = (async () => {
        while (!purged) {
          const entry = sessionEntry();
          userDoc.putSession(entry);
          fromReplica.push(entry.id);
          await new Promise((resolve) => setTimeout(resolve, 3));
        }
      })();
      const restAnswers: { status: number; id?: string; sentAfterPurge: boolean }[] = [];
      const restWriter = (async () => {
        for (let i = 0; i < 40; i++) {
          const sentAfterPurge = purged;
          const response = await authedFetch(server.url, ada.token, '/api/sessions/start', {
            method: 'POST',
            body: { language: 'go' },
          });
          const body = (await response.json()) as { id?: string };
          restAnswers.push({ status: response.status, id: body.id, sentAfterPurge });
          if (sentAfterPurge) return;
        }
      })();
      await waitFor(() => fromReplica.length >= 15, 'writes under way');
      const purge = await authedFetch(server.url, ada.token, '/api/privacy/purge?scope=data', {
        method: 'DELETE',
      });
      expect(purge.status).toBe(200);
      generation = ((await purge.json()) as { generation: number }).generation;
      purged = true;
      expect(await closed).toEqual({ code: 4410, reason: `generation=${generation}` });
      replica.destroy();
      await Promise.all([replicaWriter, restWriter]);

      // Once every acknowledged write is reconciled, rows and document hold the same sessions.
      await waitFor(
        async () =>
          JSON.stringify(await sessionRowIds(ada)) === JSON.stringify(await documentIds(ada)),
        'rows and document to agree',
      );
      // Give a late reconciliation of the old generation its chance to write back, then look again.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const rows = await sessionRowIds(ada);
      const docIds = await documentIds(ada);
      expect(rows).toEqual(docIds);
      // Nothing the old-generation replica wrote is anywhere.
      expect(rows.filter((id) => fromReplica.includes(id))).toEqual([]);
      const { rows: oldLog } = await q(
        'SELECT count(*)::int AS n FROM crdt_updates WHERE doc_name = $1 AND generation < $2',
        [userDocName(ada.id), generation],
      );
      expect(oldLog[0].n).toBe(0);
      // Every REST write was either answered (and is then in both, if it came after the purge)
      // or refused with a clear error; none answered 500.
      expect(restAnswers.length).toBeGreaterThan(0);
      for (const answer of restAnswers) expect(answer.status).not.toBe(500);
      for (const answer of restAnswers.filter((a) => a.sentAfterPurge && a.status === 201)) {
        expect(rows).toContain(answer.id);
      }
      // What REST wrote before the purge went with it.
      const before = restAnswers.filter((a) => !a.sentAfterPurge && a.status === 201);
      expect(before.length).toBeGreaterThan(0);
      const survivors = before.filter((a) => rows.includes(a.id!));
      // A write answered before the purge began is gone; one still in flight as it began may
      // land after it, in the new generation, and is then in the document too (checked above).
      expect(survivors.length).toBeLessThanOrEqual(1);
    }
  }, 60_000);
});
