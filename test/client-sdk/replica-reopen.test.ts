// A clean close marks which document state the replica's rows equal; a reopen
// that finds the document in that state rebuilds nothing (for a year of
// sessions that rebuild was seconds), and one that finds it changed behind the
// rows — a crash after the document was saved, before its rows were — rebuilds.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UserDoc } from '@mindful/shared';
import { createMindfulClient, openPgliteReplicaStore } from '@mindful/client-sdk';
import { recording } from './helpers/recording-store';

const USER = '4d1f0c2a-8b3e-4f6a-9c7d-2e5b8a1f3c90';
const START = Date.parse('2026-03-02T09:00:00Z');

/** What a reopen may call on the store: reads only. */
const READS = new Set([
  'getMeta',
  'loadDocUpdates',
  'countDocUpdates',
  'sessionIds',
  'flowStateIds',
  'getOpenSession',
  'activityOf',
  'history',
  'allSessions',
  'sessionsOverlapping',
  'flowStatesOf',
  'currentFlow',
  'close',
]);

/** Saves a change to the replica's document without its rows, as a crash in between would. */
async function changeDocumentOnly(dataDir: string, change: (doc: UserDoc) => void) {
  const store = await openPgliteReplicaStore(dataDir);
  try {
    const generation = (await store.getMeta<number>('generation'))!;
    const ydoc = new Y.Doc();
    for (const update of await store.loadDocUpdates(generation)) Y.applyUpdate(ydoc, update);
    const updates: Uint8Array[] = [];
    ydoc.on('update', (update: Uint8Array) => updates.push(update));
    change(new UserDoc(ydoc));
    for (const update of updates) await store.appendDocUpdate(generation, update);
  } finally {
    await store.close();
  }
}

let dataDir: string;
let ids: string[];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-reopen-'));
  let now = START;
  const client = await createMindfulClient({ dataDir, userId: USER, clock: () => now });
  ids = [];
  for (let i = 0; i < 3; i++) {
    ids.push(await client.startSession({ startTime: now, language: 'go' }));
    now += 20 * 60_000;
    await client.endSession(now);
  }
  await client.close();
});

afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await rm(dataDir, { recursive: true, force: true });
});

const historyIds = async (client: Awaited<ReturnType<typeof createMindfulClient>>) =>
  (await client.history()).sessions.map((s) => s.id).sort();

it('a reopen after a clean close writes nothing, open to close, and serves every row', async () => {
  const calls: string[] = [];
  const store = recording(await openPgliteReplicaStore(dataDir), calls);
  const client = await createMindfulClient({ dataDir, userId: USER, store });
  expect(await historyIds(client)).toEqual([...ids].sort());
  await client.close();
  expect(calls.filter((name) => !READS.has(name))).toEqual([]);
  expect(calls).toContain('getMeta');
});

it('a session changed in the document behind the rows is rebuilt at the next open', async () => {
  await changeDocumentOnly(dataDir, (doc) => {
    const entry = doc.getSession(ids[0]!)!;
    doc.putSession({ ...entry, keystrokes: entry.keystrokes + 4_321 });
  });
  const client = await createMindfulClient({ dataDir, userId: USER });
  try {
    const row = (await client.history()).sessions.find((s) => s.id === ids[0]);
    expect(row?.keystrokes).toBe(client.doc.getSession(ids[0]!)!.keystrokes);
    expect(row?.keystrokes).toBeGreaterThanOrEqual(4_321);
  } finally {
    await client.close();
  }
});

it('a session deleted in the document behind the rows is deleted at the next open', async () => {
  // A deletion adds no new item to a Yjs document, only to its delete set.
  await changeDocumentOnly(dataDir, (doc) => doc.deleteSessions([ids[1]!]));
  const client = await createMindfulClient({ dataDir, userId: USER });
  try {
    expect(await historyIds(client)).toEqual([ids[0]!, ids[2]!].sort());
  } finally {
    await client.close();
  }
});
