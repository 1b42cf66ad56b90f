// Writes the pre-initialised, migrated PGlite data directory a new replica
// starts from (client-sdk/assets/), so opening a replica never runs PGlite's
// initdb: that step alone took seconds and most of a GB of RSS.
//   npm run replica:template   (again after upgrading @electric-sql/pglite or
//                               adding a replica migration; the test
//                               test/client-sdk/replica-template.test.ts says when)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const pg = await PGlite.create('memory://', { initDbStartParams: ['--wal-segsize=1'] });
// The replica schema too, so a new replica skips its migrations; ones added
// after the template was written still run on open.
await migrateReplica(pg);
// Flush everything into the data files, so the dump's WAL holds nothing to replay.
await pg.exec('CHECKPOINT');
const dump = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
await pg.close();

// PGlite's dump names its entries with absolute paths; repacked with relative
// ones, the SDK can unpack it strictly (any warning is an error).
const work = mkdtempSync(path.join(os.tmpdir(), 'replica-template-'));
try {
  const dumpFile = path.join(work, 'dump.tar');
  const dir = path.join(work, 'datadir');
  writeFileSync(dumpFile, dump);
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  await extract({ file: dumpFile, cwd: dir });
  await create({ file, cwd: dir, gzip: { level: 9 }, portable: true }, ['.']);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`wrote ${file}`);
