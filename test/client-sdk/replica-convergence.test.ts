import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMindfulClient, type MindfulClient, type SessionRecord } from '@mindful/client-sdk';
import { seededRandom } from './fixtures/working-day';

const USER = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const SEED = Number(process.env.CONVERGENCE_SEED ?? 20260304);
const REMOTE = 'remote';

/** Fields every replica must agree on (project paths stay on the capturing device). */
function shared(s: SessionRecord) {
  const { project_path: _p, environment_data: _e, ...rest } = s;
  return rest;
}

describe(`replicas converge whatever the delivery order (seed ${SEED})`, () => {
  let a: MindfulClient;
  let b: MindfulClient;
  beforeAll(async () => {
    [a, b] = await Promise.all([
      createMindfulClient({ dataDir: 'memory://', userId: USER, deviceId: 'a' }),
      createMindfulClient({ dataDir: 'memory://', userId: USER, deviceId: 'b' }),
    ]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('ends with equal documents and equal tables after reordered, duplicated and late updates', async () => {
    const random = seededRandom(SEED);
    // Updates each replica produced, not yet delivered to the other.
    const outbox = new Map<MindfulClient, Uint8Array[]>([
      [a, []],
      [b, []],
    ]);
    for (const client of [a, b]) {
      client.doc.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== REMOTE) outbox.get(client)!.push(update);
      });
    }
    const deliver = (from: MindfulClient, to: MindfulClient, all: boolean) => {
      const pending = outbox.get(from)!;
      const kept: Uint8Array[] = [];
      const sent: Uint8Array[] = [];
      for (const u of pending) (all || random() < 0.5 ? sent : kept).push(u);
      // Shuffle, and duplicate some: Yjs must not care, nor must the materialiser.
      for (let i = sent.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [sent[i], sent[j]] = [sent[j]!, sent[i]!];
      }
      for (const u of sent) {
        Y.applyUpdate(to.doc.ydoc, u, REMOTE);
        if (random() < 0.2) Y.applyUpdate(to.doc.ydoc, u, REMOTE);
      }
      outbox.set(from, all ? [] : [...kept, ...sent.filter(() => random() < 0.1)]);
    };

    let t = Date.parse('2026-03-04T08:00:00Z');
    for (let round = 0; round < 4; round++) {
      for (const client of random() < 0.5 ? [a, b] : [b, a]) {
        t += 600_000;
        await client.startSession({ startTime: t, projectPath: `/p/${round}` });
        for (let i = 1; i <= 3; i++) {
          await client.recordActivity({
            keystrokeIntervals: [150, 170, 160],
            contextSwitches: Math.floor(random() * 3),
            errorEvents: 0,
            focusDurationMs: i * 30_000,
            fileModifications: 1,
            keystrokes: 3,
            linesAdded: 1,
            at: t + i * 30_000,
          });
        }
        await client.endSession(t + 120_000);
      }
      if (round === 2) {
        // One replica deletes a session it has seen (possibly created by the other).
        const victim = a.doc.readSessions().entries[0];
        if (victim) a.doc.deleteSessions([victim.id]);
      }
      deliver(a, b, false);
      deliver(b, a, false);
    }
    deliver(a, b, true);
    deliver(b, a, true);
    await Promise.all([a.flush(), b.flush()]);

    expect(Y.encodeStateVector(a.doc.ydoc), `seed ${SEED}`).toEqual(
      Y.encodeStateVector(b.doc.ydoc),
    );
    const [ha, hb] = [await a.history({ limit: 500 }), await b.history({ limit: 500 })];
    expect(ha.sessions.map(shared), `seed ${SEED}`).toEqual(hb.sessions.map(shared));
    // Every valid document entry is a row, and nothing else is.
    expect(ha.sessions.map((s) => s.id).sort()).toEqual(
      a.doc
        .readSessions()
        .entries.map((s) => s.id)
        .sort(),
    );
    expect(ha.sessions.length).toBe(7);
    for (const s of ha.sessions) {
      expect((await a.flowStates(s.id)).map((f) => f.id)).toEqual(
        (await b.flowStates(s.id)).map((f) => f.id),
      );
    }
  });
});
