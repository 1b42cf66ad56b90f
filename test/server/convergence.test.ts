import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { UserDoc } from '@mindful/shared';
import type { Pool } from 'pg';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { seededRandom as prng } from '../client-sdk/fixtures/working-day';
import { connectReplica, sessionEntry, startSyncServer, synced, waitFor } from './sync-helpers';

const REPLICAS = 4;
const OPERATIONS = 120;

describeEachStore('randomised convergence through the real server', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startSyncServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });

  const seeds = process.env.CONVERGENCE_SEED
    ? [Number(process.env.CONVERGENCE_SEED)]
    : [Math.floor(Math.random() * 2 ** 31)];
  for (const seed of seeds) {
    it(`replicas, REST writes and the tables agree after random operations and disconnects (seed ${seed})`, async () => {
      try {
        await runScenario(server, store().pool, seed);
      } catch (error) {
        // Replay with CONVERGENCE_SEED=<seed>.
        console.error(`convergence failed with CONVERGENCE_SEED=${seed}`);
        throw error;
      }
    });
  }
});

async function runScenario(server: RunningServer, pool: Pool, seed: number): Promise<void> {
  const random = prng(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const user: TestUser = await signUp(server.url);
  const replicas: WebsocketProvider[] = [];
  for (let i = 0; i < REPLICAS; i++)
    replicas.push(connectReplica(server.url, user, { doc: new Y.Doc() }));
  try {
    await Promise.all(replicas.map((r) => synced(r)));
    const restSessions: string[] = [];
    for (let step = 0; step < OPERATIONS; step++) {
      const replica = pick(replicas);
      const doc = new UserDoc(replica.doc);
      const roll = random();
      const known = doc.readSessions().entries;
      if (roll < 0.08) {
        if (replica.wsconnected) replica.disconnect();
        else replica.connect();
      } else if (roll < 0.15) {
        const response = await authedFetch(server.url, user.token, '/api/sessions/start', {
          method: 'POST',
          body: { device_id: `rest-${step}` },
        });
        expect(response.status).toBe(201);
        restSessions.push(((await response.json()) as { id: string }).id);
      } else if (roll < 0.25 && known.length > 0) {
        doc.deleteSessions([pick(known).id]);
      } else if (roll < 0.6 && known.length > 0) {
        const entry = pick(known);
        doc.putSession({ ...entry, keystrokes: entry.keystrokes + 1 + Math.floor(random() * 10) });
      } else {
        doc.putSession(
          sessionEntry({ keystrokes: Math.floor(random() * 100), device_id: `r-${step}` }),
        );
      }
      // Random delivery: sometimes let the network run before the next operation.
      if (random() < 0.3)
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 5)));
    }
    for (const replica of replicas) if (!replica.wsconnected) replica.connect();
    await Promise.all(replicas.map((r) => synced(r)));

    const state = (doc: Y.Doc) =>
      JSON.stringify([...doc.getMap('sessions').entries()].sort(([a], [b]) => a.localeCompare(b)));
    await waitFor(
      () => replicas.every((r) => state(r.doc) === state(replicas[0]!.doc)),
      'every replica to hold the same sessions',
      20_000,
    );
    const serverState = await server.ctx.registry.use(user.id, async (doc) => state(doc.ydoc));
    expect(serverState).toBe(state(replicas[0]!.doc));
    for (const replica of replicas) {
      expect(Y.encodeStateVector(replica.doc)).toEqual(Y.encodeStateVector(replicas[0]!.doc));
    }

    const expected = new UserDoc(replicas[0]!.doc).readSessions().entries;
    // REST-started sessions went through the same document: each is there unless a replica deleted it.
    expect(restSessions.length).toBeGreaterThan(0);
    await server.ctx.projection.reconcileNow(user.id);
    const { rows } = await pool.query<{ id: string; keystrokes: number }>(
      'SELECT id::text AS id, keystrokes FROM coding_sessions WHERE user_id = $1 ORDER BY id',
      [user.id],
    );
    expect(rows).toEqual(
      expected
        .map((e) => ({ id: e.id, keystrokes: e.keystrokes }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    );
  } finally {
    for (const replica of replicas) replica.destroy();
  }
}
