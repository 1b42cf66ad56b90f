import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { expect, it } from 'vitest';
import { createMindfulClient, type MindfulClient } from '@mindful/client-sdk';

const USER = '5d0f3f0e-7f6e-4c1b-9a39-2b8a3f6c1d42';
const DAY = 24 * 3600 * 1000;

/** What a session leaves that identifies it: its id and values no other session has. */
interface Traces {
  id: string;
  markers: string[];
}

/** One local table's rows, each as text (a BYTEA column as the bytes it holds, decoded). */
type TableDump = Record<string, string[]>;

/**
 * Every table of the replica (read from the catalog, so a table added later
 * is covered), every row as text. BYTEA values (the Y.Doc update log) are
 * decoded as latin1, so a string stored inside a Yjs update is found too.
 */
async function dumpReplica(dataDir: string): Promise<TableDump> {
  const pg = await PGlite.create(dataDir);
  try {
    const tables = await pg.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const dump: TableDump = {};
    for (const { name } of tables.rows) {
      const byteaColumns = await pg.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1 AND data_type = 'bytea'`,
        [name],
      );
      const rows = await pg.query<Record<string, unknown>>(`SELECT * FROM "${name}"`);
      dump[name] = rows.rows.map((row) => {
        const text: Record<string, unknown> = { ...row };
        for (const { column_name } of byteaColumns.rows) {
          const value = row[column_name];
          if (value instanceof Uint8Array)
            text[column_name] = Buffer.from(value).toString('latin1');
        }
        return JSON.stringify(text);
      });
    }
    return dump;
  } finally {
    await pg.close();
  }
}

/** The tables (and how many rows each) where any of the session's traces appear. */
function whereFound(dump: TableDump, traces: Traces): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [table, rows] of Object.entries(dump)) {
    for (const needle of [traces.id, ...traces.markers]) {
      if (rows.some((row) => row.includes(needle))) (found[table] ??= []).push(needle);
    }
  }
  return found;
}

/** Captures one session with raw activity and a project path that are its alone. */
async function captureSession(client: MindfulClient, start: number, tag: string): Promise<Traces> {
  const projectPath = `/work/project-${tag}`;
  const language = `lang${tag}`;
  const id = await client.startSession({
    startTime: start,
    language,
    projectPath,
    environment: { workspace: `env-${tag}` },
  });
  // Five minutes of steady typing: enough for the detector to judge it against a settled pace
  // and enter flow, so the session has a flow state too.
  for (let minute = 1; minute <= 5; minute++) {
    await client.recordActivity({
      // A timing no other session uses: raw intervals are what must not linger.
      keystrokeIntervals: [173, 211, 197, 173, 211, 197, 173, 211, 197, 173, 211, 197],
      contextSwitches: 0,
      errorEvents: 0,
      focusDurationMs: minute * 60_000,
      fileModifications: 1,
      keystrokes: 40,
      linesAdded: 3,
      at: start + minute * 60_000,
    });
  }
  await client.endSession(start + 30 * 60_000);
  return { id, markers: [projectPath, language, `env-${tag}`] };
}

it('retention leaves nothing of an expired session in any local table, and a wipe leaves nothing at all', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-retention-tables-'));
  let now = Date.parse('2026-03-01T12:00:00Z');
  const clock = () => now;
  const client = await createMindfulClient({ dataDir, userId: USER, clock });
  // Paths, environment and raw timings all kept: every table has something to lose.
  await client.updateSettings({
    sync_project_paths: true,
    sync_environment_data: true,
    sync_raw_keystrokes: true,
    retention_days: 30,
  });
  const expired = await captureSession(client, now - 40 * DAY, 'expiredq7');
  const kept = await captureSession(client, now - 2 * DAY, 'keptz4');
  await client.close();

  // Before: the expired session is in the tables that hold sessions, raw activity and the log.
  const before = whereFound(await dumpReplica(dataDir), expired);
  for (const table of ['sessions', 'flow_states', 'local_activity', 'ydoc_updates']) {
    expect(Object.keys(before), `the fixture leaves no trace in ${table}`).toContain(table);
  }
  expect(before.ydoc_updates).toEqual(expect.arrayContaining(expired.markers));

  // Reopening applies retention before anything else.
  const reopened = await createMindfulClient({ dataDir, userId: USER, clock });
  expect(reopened.doc.getSession(expired.id)).toBeUndefined();
  expect(await reopened.applyRetention()).toBe(0);
  await reopened.close();

  const after = await dumpReplica(dataDir);
  // The document keeps deleted map keys as tombstones (Yjs needs them to merge); the id is a
  // random UUID. Everything the session said — path, language, environment, timings — is gone.
  const { ydoc_updates: logTraces, ...tableTraces } = whereFound(after, expired);
  expect(tableTraces).toEqual({});
  expect(logTraces ?? []).toEqual((logTraces ?? []).filter((trace) => trace === expired.id));
  // The session within retention is untouched.
  const keptTraces = whereFound(after, kept);
  for (const table of ['sessions', 'flow_states', 'local_activity', 'ydoc_updates']) {
    expect(Object.keys(keptTraces)).toContain(table);
  }

  // A wipe: nothing of either session, in any table; only the replica's own bookkeeping stays.
  now += DAY;
  const wiping = await createMindfulClient({ dataDir, userId: USER, clock });
  await wiping.wipe();
  expect((await wiping.history()).sessions).toEqual([]);
  await wiping.close();
  const wiped = await dumpReplica(dataDir);
  expect(whereFound(wiped, kept)).toEqual({});
  expect(whereFound(wiped, expired)).toEqual({});
  for (const [table, rows] of Object.entries(wiped)) {
    if (table === 'replica_meta' || table === 'replica_migrations' || table === 'ydoc_updates') {
      continue;
    }
    expect(rows, `rows left in ${table} after a wipe`).toEqual([]);
  }
});
