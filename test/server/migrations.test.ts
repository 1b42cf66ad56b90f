import { mkdtemp, readFile, readdir, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ChangedMigrationError, MIGRATIONS_DIR, migrate } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mc-migrations-'));
  for (const name of await readdir(MIGRATIONS_DIR)) {
    await copyFile(path.join(MIGRATIONS_DIR, name), path.join(dir, name));
  }
  return dir;
}

describeEachStore(
  'migrations',
  (store) => {
    it('applies every file in order on a fresh database and records each', async () => {
      const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
      const applied = await migrate(store().pool);
      expect(applied).toEqual(files);
      const { rows } = await store().pool.query('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.map((row) => row.name)).toEqual(files);
    });

    it('re-applying is a no-op', async () => {
      expect(await migrate(store().pool)).toEqual([]);
      const { rows } = await store().pool.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0].n).toBe(
        (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).length,
      );
    });

    it('refuses an applied file that has changed, naming it, and applies nothing', async () => {
      const dir = await copyOfMigrations();
      const first = (await readdir(dir)).sort()[0]!;
      await writeFile(
        path.join(dir, first),
        `${await readFile(path.join(dir, first), 'utf8')}\n-- edited`,
      );
      await writeFile(path.join(dir, '9999_new.sql'), 'CREATE TABLE should_not_exist (id int);');
      const error = await migrate(store().pool, dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChangedMigrationError);
      expect((error as Error).message).toContain(first);
      const { rows } = await store().pool.query(
        `SELECT to_regclass('public.should_not_exist') AS t`,
      );
      expect(rows[0].t).toBeNull();
    });

    it('rolls back a failing migration as a whole and records nothing for it', async () => {
      const dir = await copyOfMigrations();
      await writeFile(
        path.join(dir, '9998_broken.sql'),
        'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;',
      );
      await expect(migrate(store().pool, dir)).rejects.toThrow(/9998_broken\.sql failed/);
      const { rows } = await store().pool.query(
        `SELECT to_regclass('public.half_done') AS t,
                (SELECT count(*)::int FROM schema_migrations WHERE name = '9998_broken.sql') AS n`,
      );
      expect(rows[0]).toEqual({ t: null, n: 0 });
    });
  },
  { migrated: false },
);
