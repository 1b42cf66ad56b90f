// The embedded store (PGlite), the server's default: what its users must get from it — a clear
// error when it cannot start (PGlite's own has no message), their data back after a restart,
// a failed transaction that leaves the one connection usable, and named statements that survive
// the pool replacing its client (the backend outlives it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, openDatabase, type Database } from '@mindful/server';

describe('embedded store (PGlite)', () => {
  let db: Database;
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mc-pglite-store-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  });

  afterAll(async () => {
    await db.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('answers after a transaction fails, on its one connection', async () => {
    // PGlite is one backend: a transaction left open after a failure would refuse every later
    // statement of every request ("current transaction is aborted").
    await expect(
      inTransaction(db.pool, async (client) => {
        await client.query('SELECT 1');
        await client.query('SELECT * FROM no_such_table');
      }),
    ).rejects.toMatchObject({ code: '42P01' });
    const { rows } = await db.pool.query<{ n: number }>('SELECT $1::int + 1 AS n', [41]);
    expect(rows).toEqual([{ n: 42 }]);
  });

  it('keeps named statements apart from what a previous connection prepared', async () => {
    const named = { name: 'mc_store_test', text: 'SELECT $1::text AS v' };
    expect((await db.pool.query(named, ['a'])).rows).toEqual([{ v: 'a' }]);
    // The pool replaces its client; the backend (and its prepared statement) stays.
    const client = await db.pool.connect();
    client.release(new Error('discard this client'));
    expect((await db.pool.query(named, ['b'])).rows).toEqual([{ v: 'b' }]);
  });

  it('gives back what it stored after a restart in the same directory', async () => {
    const dir = tempDir();
    const first = await openDatabase({ kind: 'pglite', dataDir: dir });
    await first.pool.query('CREATE TABLE kept (v text)');
    await first.pool.query("INSERT INTO kept VALUES ('still here')");
    await first.close();
    const second = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      expect((await second.pool.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
    } finally {
      await second.close();
    }
  });

  it('says why when the store cannot start', async () => {
    const notADirectory = path.join(tempDir(), 'file');
    writeFileSync(notADirectory, 'not a database');
    await expect(openDatabase({ kind: 'pglite', dataDir: notADirectory })).rejects.toThrow(
      /^PGlite did not start in .+file: ErrnoError \d+ from its file system/,
    );
  });
});
