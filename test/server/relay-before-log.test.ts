import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SYNC_CLOSE, UserDoc } from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { signUp, type TestUser } from '../helpers/test-server';
import {
  closedWith,
  connectReplica,
  sessionEntry,
  startSyncServer,
  synced,
  waitFor,
} from './sync-helpers';

// The server relays an update to the user's other replicas while it is being logged, and
// acknowledges it only once logged. If logging fails, the document closes with 1011 and the
// replicas holding the update send it again: here the writer is gone for good, and the update
// still reaches the store through the replica it was relayed to. The store refuses the first
// append through a trigger this file adds (real PostgreSQL / PGlite, real sockets, real
// y-websocket providers).

describeEachStore('an update relayed before it was logged', (store) => {
  let server: RunningServer;
  let user: TestUser;

  beforeAll(async () => {
    server = await startSyncServer(store());
    user = await signUp(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('comes back from the replica it reached when logging it failed', async () => {
    const writer = connectReplica(server.url, user);
    const observerDoc = new Y.Doc();
    const observer = connectReplica(server.url, user, { doc: observerDoc });
    try {
      await Promise.all([synced(writer), synced(observer)]);
      const pool = store().pool;
      await pool.query('CREATE SEQUENCE test_append_attempts');
      await pool.query(`CREATE FUNCTION test_refuse_first_append() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('test_append_attempts') = 1 THEN
            RAISE EXCEPTION 'test: the store refuses this append';
          END IF;
          RETURN NEW;
        END $$`);
      await pool.query(`CREATE TRIGGER test_refuse_first_append BEFORE INSERT ON crdt_updates
        FOR EACH ROW EXECUTE FUNCTION test_refuse_first_append()`);

      const closed = closedWith(observer);
      // The writer goes away with its copy when the server closes it: it never re-sends, so
      // only the replica the update was relayed to can bring it back.
      writer.on('connection-close', () => {
        writer.shouldConnect = false;
      });
      const entry = sessionEntry();
      new UserDoc(writer.doc).putSession(entry);
      expect((await closed).code).toBe(SYNC_CLOSE.internalError.code);
      expect(new UserDoc(observerDoc).getSession(entry.id)).toBeDefined();

      await waitFor(async () => {
        const { rowCount } = await pool.query('SELECT 1 FROM coding_sessions WHERE id = $1', [
          entry.id,
        ]);
        return rowCount === 1;
      }, 'the session row, from the observer re-sending the update');
      const attempts = await pool.query<{ n: string }>(
        'SELECT last_value::text AS n FROM test_append_attempts',
      );
      expect(Number(attempts.rows[0]!.n)).toBeGreaterThanOrEqual(2);
    } finally {
      writer.destroy();
      observer.destroy();
    }
  });
});
