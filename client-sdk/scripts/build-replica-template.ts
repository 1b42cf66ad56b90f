// Writes the pre-initialised, migrated PGlite data directory a new replica
// starts from (client-sdk/assets/), so opening a replica never runs PGlite's
// initdb: that step alone took seconds and most of a GB of RSS.
//   npm run replica:template   (again after upgrading @electric-sql/pglite or
//                               adding a replica migration; the test
//                               test/client-sdk/replica-template.test.ts says when)
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { create, extract } from 'tar';
import { migrateReplica } from '../src/replica/pglite-replica-store';
import { replicaTemplatePath } from '../src/replica/replica-template';

const file = await replicaTemplatePath();
if (!file) throw new Error('run this script from the source tree (Node, files)');

// 1 MB WAL segments instead of 16 MB: the template, and what a new replica
// writes to disk, shrink by 15 MB.
const built = await PGlite.create('memory://', { initDbStartParams: ['--wal-segsize=1'] });
// The replica schema too, so a new replica skips its migrations; ones added
// after the template was written still run on open.
await migrateReplica(built);
// PGlite only ever connects to `postgres` (its PGDATABASE), where the replica's
// tables are; template0 and template1 exist for CREATE DATABASE, which a
// replica never runs. They were two thirds of the template's files and bytes.
await built.exec(`UPDATE pg_database SET datistemplate = false, datallowconn = true
  WHERE datname IN ('template0', 'template1')`);
// One statement per call: DROP DATABASE and VACUUM refuse to run inside the
// transaction a multi-statement exec is.
for (const statement of ['DROP DATABASE template0', 'DROP DATABASE template1', 'VACUUM']) {
  await built.exec(statement);
}
const builtDump = await built.dumpDataDir('none');
await built.close();

// Dropping the databases removed the relation cache init files
// (pg_internal.init, which spare each start of PostgreSQL building its catalog
// cache from the catalogs); a fresh start on the result writes them again.
const pg = await PGlite.create('memory://', { loadDataDir: builtDump });
// A fresh WAL segment, then flush everything into the data files: the dump's
// WAL holds nothing to replay, and the last checkpoint's record sits at the
// start of the one segment the template keeps.
await pg.exec('SELECT pg_switch_wal()');
await pg.exec('CHECKPOINT');
const {
  rows: [{ segment }],
} = await pg.query<{ segment: string }>(
  'SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS segment',
);
const dump = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
await pg.close();

// PGlite's dump names its entries with absolute paths; repacked with relative
// ones, the SDK can unpack it strictly (any warning is an error).
const work = mkdtempSync(path.join(os.tmpdir(), 'replica-template-'));
try {
  const dumpFile = path.join(work, 'dump.tar');
  const dir = path.join(work, 'datadir');
  writeFileSync(dumpFile, dump);
  mkdirSync(dir);
  await extract({ file: dumpFile, cwd: dir });
  dropRecycledWal(path.join(dir, 'pg_wal'), segment);
  await create({ file, cwd: dir, gzip: { level: 9 }, portable: true }, ['.']);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`wrote ${file}`);

/**
 * Removes the WAL segments after `current`: a checkpoint renames old segments
 * to future names for reuse (six 1 MB files here), which PostgreSQL creates
 * again when it reaches them. Segment names of one timeline sort by position.
 */
function dropRecycledWal(walDir: string, current: string): void {
  const segments = readdirSync(walDir).filter((name) => /^[0-9A-F]{24}$/.test(name));
  if (!segments.includes(current)) throw new Error(`pg_wal lacks the current segment ${current}`);
  for (const name of segments) if (name > current) rmSync(path.join(walDir, name));
}
