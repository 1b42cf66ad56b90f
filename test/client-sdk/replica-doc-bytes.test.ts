// The replica keeps the user's Yjs document as its update log in ydoc_updates
// (bytea). The store moves those bytes across the PGlite boundary as base64
// text (docs/performance.md); these tests hold it to the bytes, whatever they
// are and however many, and to what PostgreSQL itself stores.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, expect, it } from 'vitest';
import { createMindfulClient, openPgliteReplicaStore } from '@mindful/client-sdk';
import { endedSessionWithFlow } from '../server/sync-helpers';

const USER = '6a0e2f4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b';
const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-doc-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every byte value, then `size` bytes of a pattern that is not periodic in 3 (base64's group). */
function payload(size: number): Uint8Array {
  const bytes = new Uint8Array(256 + size);
  for (let i = 0; i < 256; i++) bytes[i] = i;
  for (let i = 0; i < size; i++) bytes[256 + i] = (i * 7919 + (i >> 8)) & 255;
  return bytes;
}

/** What PostgreSQL holds in ydoc_updates, read as hex in SQL (no store code involved). */
async function storedHex(dataDir: string): Promise<string[]> {
  const pg = await PGlite.create(dataDir);
  try {
    const { rows } = await pg.query<{ hex: string }>(
      `SELECT encode(payload, 'hex') AS hex FROM ydoc_updates ORDER BY id`,
    );
    return rows.map((r) => r.hex);
  } finally {
    await pg.close();
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

it('stores document updates byte for byte, from an empty update to 1.2 MB, and reads them back in order', async () => {
  const dataDir = path.join(dir, 'append');
  const updates = [new Uint8Array(0), payload(1), payload(2), payload(1_200_000)];
  const store = await openPgliteReplicaStore(dataDir);
  try {
    for (const update of updates) await store.appendDocUpdate(7, update);
    await store.appendDocUpdate(8, payload(3));
    // As hex: vitest compares typed arrays element by element, which for 1.2 MB is slow.
    expect((await store.loadDocUpdates(7)).map(hex)).toEqual(updates.map(hex));
    expect(await store.countDocUpdates(7)).toBe(4);
  } finally {
    await store.close();
  }
  // The column holds the bytes themselves, not their base64 text.
  expect(await storedHex(dataDir)).toEqual([...updates, payload(3)].map(hex));
});

it('replacing the log leaves exactly the merged update, byte for byte', async () => {
  const dataDir = path.join(dir, 'replace');
  const merged = payload(65_537);
  const store = await openPgliteReplicaStore(dataDir);
  try {
    await store.appendDocUpdate(1, payload(10));
    await store.appendDocUpdate(2, payload(20));
    await store.replaceDocUpdates(2, merged);
    expect((await store.loadDocUpdates(2)).map(hex)).toEqual([hex(merged)]);
    expect(await store.loadDocUpdates(1)).toEqual([]);
  } finally {
    await store.close();
  }
  expect(await storedHex(dataDir)).toEqual([hex(merged)]);
});

it('a database without the replica schema (no shipped template, e.g. idb://) gets all of it on open', async () => {
  const fromTemplate = path.join(dir, 'from-template');
  const bare = path.join(dir, 'bare');
  await (await openPgliteReplicaStore(fromTemplate)).close();
  await (await PGlite.create(bare)).close(); // initdb only: no table at all

  const session = endedSessionWithFlow(Date.parse('2026-03-02T09:00:00Z'));
  const client = await createMindfulClient({ dataDir: bare, userId: USER });
  try {
    client.doc.putSession(session);
    await client.flush();
    expect(
      await client.query.sessions({ start: session.start_time, end: session.end_time! }),
    ).toEqual([session]);
  } finally {
    await client.close();
  }
  expect(await migrationVersions(bare)).toEqual(await migrationVersions(fromTemplate));
});

async function migrationVersions(dataDir: string): Promise<number[]> {
  const pg = await PGlite.create(dataDir);
  try {
    const { rows } = await pg.query<{ version: number }>(
      'SELECT version FROM replica_migrations ORDER BY version',
    );
    return rows.map((r) => r.version);
  } finally {
    await pg.close();
  }
}
