import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UserDoc, userDocName } from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp } from '../helpers/test-server';
import {
  closedWith,
  connectReplica,
  sessionEntry,
  startSyncServer,
  synced,
  waitFor,
} from './sync-helpers';

describeEachStore('hardening: one canonical document name per user', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startSyncServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('any other spelling of user:<id> is 4403, and the canonical document keeps working', async () => {
    const user = await signUp(server.url);
    const canonical = connectReplica(server.url, user);
    try {
      await synced(canonical);
      const spellings = [
        `user:${user.id.toUpperCase()}`,
        `USER:${user.id}`,
        `User:${user.id.slice(0, 8).toUpperCase()}${user.id.slice(8)}`,
      ];
      for (const docName of spellings) {
        const doc = new Y.Doc();
        const other = connectReplica(server.url, user, { docName, doc });
        try {
          const closed = closedWith(other);
          // Whatever it sends must never be stored under a second key.
          new UserDoc(doc).putSession(sessionEntry());
          expect({ docName, code: (await closed).code }).toEqual({ docName, code: 4403 });
        } finally {
          other.destroy();
        }
      }
      const { rows } = await store().pool.query<{ doc_name: string }>(
        'SELECT doc_name FROM crdt_documents WHERE lower(doc_name) = lower($1)',
        [userDocName(user.id)],
      );
      expect(rows.map((row) => row.doc_name)).toEqual([userDocName(user.id)]);

      // REST and the canonical socket are untouched by the attempts.
      const start = await authedFetch(server.url, user.token, '/api/sessions/start', {
        method: 'POST',
        body: {},
      });
      expect(start.status).toBe(201);
      const { id } = (await start.json()) as { id: string };
      await waitFor(
        () => new UserDoc(canonical.doc).getSession(id) !== undefined,
        'the REST session on the canonical replica',
      );
      expect(canonical.wsconnected).toBe(true);
      expect((await authedFetch(server.url, user.token, '/api/privacy/settings')).status).toBe(200);
      expect((await authedFetch(server.url, user.token, '/api/privacy/export')).status).toBe(200);
    } finally {
      canonical.destroy();
    }
  });
});
