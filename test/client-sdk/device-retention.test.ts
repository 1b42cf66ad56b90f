import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createMindfulClient } from '@mindful/client-sdk';

const USER = '0c7b4a52-1f1e-4b7a-9d55-6f3c2f1e9a10';
const DAY = 24 * 3600 * 1000;

it('an offline replica applies the user’s retention itself, at open and on demand', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-retention-'));
  let now = Date.parse('2026-03-01T12:00:00Z');
  const clock = () => now;
  const client = await createMindfulClient({ dataDir, userId: USER, clock });
  const capture = async (start: number) => {
    const id = await client.startSession({ startTime: start, language: 'go' });
    await client.endSession(start + 30 * 60_000);
    return id;
  };
  const old = await capture(now - 40 * DAY);
  const recent = await capture(now - 2 * DAY);
  expect(await client.applyRetention()).toBe(0);

  await client.updateSettings({ retention_days: 30 });
  expect(await client.applyRetention()).toBe(1);
  expect((await client.history()).sessions.map((s) => s.id)).toEqual([recent]);
  expect(client.doc.getSession(old)).toBeUndefined();
  await client.close();

  // Time passes while the device is closed: the next open applies retention before anything else.
  now += 29 * DAY;
  const reopened = await createMindfulClient({ dataDir, userId: USER, clock });
  try {
    expect((await reopened.history()).sessions).toEqual([]);
  } finally {
    await reopened.close();
  }
});
