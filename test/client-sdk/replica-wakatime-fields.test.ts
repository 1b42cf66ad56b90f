import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, expect, it } from 'vitest';
import { createMindfulClient } from '@mindful/client-sdk';
import { endedSessionWithFlow } from '../server/sync-helpers';

// Sessions built from WakaTime heartbeats carry editor, machine, category and source; the replica
// keeps them so the device's daily totals break time down as the server's summaries do.

const USER = '0d7b5a3c-2e1f-4c8d-9b6a-5f4e3d2c1b0a';
const MONDAY_NINE = Date.parse('2026-03-02T09:00:00Z');
const RANGE = { start: '2026-03-02T00:00:00Z', end: '2026-03-03T00:00:00Z' };
const DAY = { from: '2026-03-02', to: '2026-03-02', timeZone: 'UTC' };

/** A 60-minute session (55 active) imported from WakaTime heartbeats. */
const imported = {
  ...endedSessionWithFlow(MONDAY_NINE),
  editor: 'neovim',
  machine: 'work-laptop',
  category: 'debugging',
  source: 'wakatime' as const,
};
/** A session the extension captured itself: none of those fields. */
const captured = endedSessionWithFlow(MONDAY_NINE + 2 * 3600_000);

const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-wakatime-fields-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps editor, machine, category and source on the replica and breaks daily totals down by them', async () => {
  const client = await createMindfulClient({ dataDir: 'memory://', userId: USER });
  try {
    client.doc.putSession(imported);
    client.doc.putSession(captured);
    await client.flush();

    const sessions = await client.query.sessions(RANGE);
    expect(sessions).toHaveLength(2);
    // Each record equals its document entry: the fields where it had them, absent where not.
    expect(sessions.find((s) => s.id === imported.id)).toEqual(imported);
    const plain = sessions.find((s) => s.id === captured.id)!;
    expect(plain).toEqual(captured);
    expect(Object.keys(plain)).not.toContain('editor');
    expect((await client.history()).sessions.find((s) => s.id === imported.id)).toMatchObject({
      editor: 'neovim',
      machine: 'work-laptop',
      category: 'debugging',
      source: 'wakatime',
    });

    const [day] = await client.query.dailyTotals(DAY);
    expect(day.coding_seconds).toBe(2 * 55 * 60);
    // Only the imported session is tracked in these breakdowns.
    expect(day.editors).toEqual({ neovim: 55 * 60 });
    expect(day.machines).toEqual({ 'work-laptop': 55 * 60 });
    expect(day.categories).toEqual({ debugging: 55 * 60 });
  } finally {
    await client.close();
  }
});

it('fills the new columns of a replica written before they existed, on open', async () => {
  const dataDir = path.join(dir, 'replica');
  const first = await createMindfulClient({ dataDir, userId: USER });
  first.doc.putSession(imported);
  await first.flush();
  await first.close();

  // Take the replica back to its first schema: the columns and their migration gone.
  const pg = await PGlite.create(dataDir);
  try {
    await pg.exec(`ALTER TABLE sessions DROP COLUMN editor, DROP COLUMN machine,
      DROP COLUMN category, DROP COLUMN source;
      DELETE FROM replica_migrations WHERE version = 2;`);
  } finally {
    await pg.close();
  }

  const reopened = await createMindfulClient({ dataDir, userId: USER });
  try {
    expect(await reopened.query.sessions(RANGE)).toEqual([imported]);
    const [day] = await reopened.query.dailyTotals(DAY);
    expect(day.editors).toEqual({ neovim: 55 * 60 });
  } finally {
    await reopened.close();
  }
});
