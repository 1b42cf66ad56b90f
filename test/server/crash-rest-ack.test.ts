import { afterAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UserDoc } from '@mindful/shared';
import { storeKinds } from '../helpers/databases';
import { authedFetch, signUp } from '../helpers/test-server';
import { ChildServers, freshCrashStore } from './crash-helpers';
import { connectReplica, synced } from './sync-helpers';

const SESSIONS = 12;

for (const kind of storeKinds()) {
  const children = new ChildServers();
  afterAll(() => children.killAll());

  it(`[${kind}] every REST write acknowledged before a SIGKILL is there after the restart`, async () => {
    const store = await freshCrashStore(kind);
    try {
      let server = await children.start(store.env);
      const user = await signUp(server.url);
      const call = (path: string, method: string, body?: unknown) =>
        authedFetch(server.url, user.token, path, { method, body });

      // Sessions started, updated and ended over REST, several at once; each answer is an
      // acknowledgement that the write is durable. The kill comes right after the last one.
      const acknowledged = new Map<string, Record<string, unknown>>();
      await Promise.all(
        Array.from({ length: SESSIONS }, async (_, i) => {
          const start = new Date(Date.UTC(2026, 1, 2, 8, i)).toISOString();
          const started = await call('/api/sessions/start', 'POST', {
            language: 'rust',
            start_time: start,
            device_id: `crash-${i}`,
          });
          expect(started.status).toBe(201);
          const { id } = (await started.json()) as { id: string };
          const updated = await call(`/api/sessions/${id}/update`, 'PUT', {
            keystroke_intervals: [180, 200, 190],
            context_switches: 1,
            error_events: 0,
            focus_duration: 60_000,
            file_modifications: 2,
            keystrokes: 100 + i,
            lines_added: 10 + i,
            timestamp: Date.parse(start) + 60_000,
          });
          expect(updated.status).toBe(200);
          // Every other session is also ended: an ended and an open session must both survive.
          if (i % 2 === 0) {
            const ended = await call(`/api/sessions/${id}/end`, 'POST', {
              end_time: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
            });
            expect(ended.status).toBe(200);
            acknowledged.set(id, (await ended.json()) as Record<string, unknown>);
          } else {
            acknowledged.set(id, { id, keystrokes: 100 + i, lines_added: 10 + i, end_time: null });
          }
        }),
      );
      await children.kill(server);

      server = await children.start(store.env);
      const response = await authedFetch(server.url, user.token, '/api/sessions/history?limit=100');
      expect(response.status).toBe(200);
      const { sessions } = (await response.json()) as { sessions: Record<string, unknown>[] };
      expect(sessions.map((s) => s.id).sort()).toEqual([...acknowledged.keys()].sort());
      for (const session of sessions) {
        const acked = acknowledged.get(session.id as string)!;
        expect(session).toMatchObject({
          keystrokes: acked.keystrokes,
          lines_added: acked.lines_added,
          end_time: acked.end_time,
        });
      }
      // The document, which every replica syncs, holds them too: it is reloaded from the log.
      const replicaDoc = new Y.Doc();
      const replica = connectReplica(server.url, user, { doc: replicaDoc });
      try {
        await synced(replica, 30_000);
        const entries = new UserDoc(replicaDoc).readSessions().entries;
        expect(entries.map((e) => e.id).sort()).toEqual([...acknowledged.keys()].sort());
        for (const entry of entries) {
          const acked = acknowledged.get(entry.id)!;
          expect(entry).toMatchObject({
            keystrokes: acked.keystrokes,
            lines_added: acked.lines_added,
            end_time: acked.end_time,
          });
        }
      } finally {
        replica.destroy();
      }
      await children.stop(server);

      // And in the tables themselves, once the restarted server has caught up.
      const db = await store.open();
      try {
        const { rows } = await db.pool.query(
          'SELECT id::text, keystrokes FROM coding_sessions WHERE user_id = $1 ORDER BY id',
          [user.id],
        );
        expect(rows.map((row) => row.id)).toEqual([...acknowledged.keys()].sort());
      } finally {
        await db.close();
      }
    } finally {
      await store.dispose();
    }
  }, 360_000);
}
