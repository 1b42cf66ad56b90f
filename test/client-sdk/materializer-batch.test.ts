// The materializer writes the rows of one document change in one store call
// (one statement): a dashboard's first sync of a long history (or the rebuild
// after a replica migration) took 2.5 s for 2,000 sessions as one statement
// per row (docs/performance.md). Rows are all written or none, and a document
// key that cannot be a row's id never fails the write of the others.
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { UserDoc, type FlowStateEntry } from '@mindful/shared';
import {
  createMindfulClient,
  openPgliteReplicaStore,
  type MindfulClient,
} from '@mindful/client-sdk';
import { endedSessionWithFlow } from '../server/sync-helpers';
import { recording } from './helpers/recording-store';

const USER = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const START = Date.parse('2025-06-02T09:00:00Z');
const REMOTE = Symbol('another replica');

let client: MindfulClient;
let calls: string[];
let errors: unknown[];

beforeEach(async () => {
  calls = [];
  errors = [];
  const store = recording(await openPgliteReplicaStore('memory://'), calls);
  client = await createMindfulClient({ dataDir: 'memory://', userId: USER, store });
  client.events.on('error', (error) => errors.push(error));
});

afterEach(() => client.close());

/** What another replica wrote, arriving as one update. */
function remote(write: (doc: UserDoc) => void): void {
  const source = new Y.Doc();
  Y.applyUpdate(source, Y.encodeStateAsUpdate(client.doc.ydoc));
  const before = Y.encodeStateVector(source);
  write(new UserDoc(source));
  Y.applyUpdate(client.doc.ydoc, Y.encodeStateAsUpdate(source, before), REMOTE);
}

function flowStateOf(sessionId: string, start: string): FlowStateEntry {
  return {
    id: randomUUID(),
    session_id: sessionId,
    start_time: start,
    end_time: null,
    duration_ms: null,
    intensity_score: 0.7,
    context_switches: 1,
    recovery_time_ms: null,
    typing_rhythm_data: { mean_interval_ms: 180, coefficient_of_variation: 0.4 },
    error_events: null,
    environmental_factors: null,
  };
}

it('300 sessions and their flow states from another replica are written in one call, every field kept', async () => {
  const sessions = Array.from({ length: 300 }, (_, i) =>
    endedSessionWithFlow(START + i * 6 * 3600_000),
  );
  const flows = sessions.map((s) => flowStateOf(s.id, s.start_time));
  remote((doc) => {
    for (const s of sessions) doc.putSession(s);
    for (const f of flows) doc.putFlowState(f);
  });
  await client.flush();

  expect(calls.filter((name) => name === 'writeRows')).toHaveLength(1);
  const stored = await client.query.sessions({ start: START, end: START + 300 * 6 * 3600_000 });
  expect(stored).toEqual(sessions);
  for (const i of [0, 299]) {
    expect(await client.flowStates(sessions[i]!.id)).toEqual([flows[i]]);
  }
  expect(errors).toEqual([]);
});

it('a key that is no UUID, added and then removed by another replica, leaves the other rows written', async () => {
  const kept = endedSessionWithFlow(START);
  const later = endedSessionWithFlow(START + 3 * 3600_000);
  remote((doc) => {
    doc.putSession(kept);
    doc.sessions.set('not-a-uuid', { junk: true });
    doc.flowStates.set('nor-this', { junk: true });
  });
  await client.flush();
  remote((doc) => {
    doc.sessions.delete('not-a-uuid');
    doc.flowStates.delete('nor-this');
    doc.putSession(later);
  });
  await client.flush();

  const { sessions } = await client.history();
  expect(sessions.map((s) => s.id).sort()).toEqual([kept.id, later.id].sort());
  expect(errors).toEqual([]);
});
