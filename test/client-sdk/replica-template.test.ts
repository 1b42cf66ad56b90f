import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgliteReplicaStore } from '../../client-sdk/src/replica/pglite-replica-store';
import { REPLICA_MIGRATIONS } from '../../client-sdk/src/replica/replica-migrations';
import {
  TEMPLATE_PGLITE_VERSION,
  prepareReplicaDir,
  replicaTemplatePath,
} from '../../client-sdk/src/replica/replica-template';

// The shipped, pre-initialised replica directory (see replica-template.ts):
// when one of these fails after a PGlite upgrade or a new replica migration,
// run `npm run replica:template`.
describe('replica template', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('was written by the PGlite release the SDK installs', async () => {
    const installed = JSON.parse(
      readFileSync(
        path.resolve(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json'),
        'utf8',
      ),
    ) as { version: string };
    expect(TEMPLATE_PGLITE_VERSION).toBe(installed.version);
    expect(existsSync((await replicaTemplatePath())!)).toBe(true);
  });

  it('holds every replica migration', async () => {
    const start = await prepareReplicaDir('memory://');
    expect(start.kind).toBe('load');
    if (start.kind !== 'load') return;
    const pg = await PGlite.create('memory://', { loadDataDir: start.dump });
    try {
      const { rows } = await pg.query<{ version: number }>(
        'SELECT version FROM replica_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(REPLICA_MIGRATIONS.map((m) => m.version));
    } finally {
      await pg.close();
    }
  });

  it('starts a new directory (absent or empty) from the template and leaves an existing one alone', async () => {
    const fresh = path.join(dir, 'fresh');
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    for (const dataDir of [fresh, empty]) {
      expect((await prepareReplicaDir(dataDir)).kind).toBe('unpacked');
      expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    }
    expect(readdirSync(dir).sort()).toEqual(['empty', 'fresh']); // no staging directory left
    expect((await prepareReplicaDir(fresh)).kind).toBe('existing');

    const store = await openPgliteReplicaStore(fresh);
    await store.setMeta('user_id', 'someone');
    await store.close();
    const reopened = await openPgliteReplicaStore(fresh);
    expect(await reopened.getMeta('user_id')).toBe('someone');
    await reopened.close();
  });

  it('holds only what a replica uses: the postgres database, its cache init files and the WAL segment of its last checkpoint', async () => {
    const dataDir = path.join(dir, 'contents');
    expect((await prepareReplicaDir(dataDir)).kind).toBe('unpacked');
    // Read before PostgreSQL starts on it: a start writes WAL and may add segments.
    const wal = readdirSync(path.join(dataDir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f));
    const segmentSize = statSync(path.join(dataDir, 'pg_wal', wal[0]!)).size;
    expect(wal).toEqual([checkpointSegment(dataDir, segmentSize)]);
    const databases = readdirSync(path.join(dataDir, 'base'));
    expect(databases).toHaveLength(1); // which one: asked of PostgreSQL below
    // The relation cache init files, which spare each start building the catalog cache.
    for (const where of ['global', ...databases.map((oid) => path.join('base', oid))]) {
      expect(existsSync(path.join(dataDir, where, 'pg_internal.init')), where).toBe(true);
    }

    const pg = await PGlite.create(dataDir);
    try {
      const { rows } = await pg.query<{ datname: string; oid: number }>(
        'SELECT datname, oid FROM pg_database',
      );
      expect(rows.map((r) => r.datname)).toEqual(['postgres']);
      expect(databases).toEqual([String(rows[0]!.oid)]);
    } finally {
      await pg.close();
    }
  });

  it('runs the replica with memory settings fit for an editor', async () => {
    const dataDir = path.join(dir, 'settings');
    await (await openPgliteReplicaStore(dataDir)).close();
    // PGlite wrote the settings into the directory's postgresql.conf.
    const pg = await PGlite.create(dataDir);
    try {
      const { rows } = await pg.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(rows[0]!.shared_buffers).toBe('8MB');
    } finally {
      await pg.close();
    }
  });
});

/**
 * The name of the WAL segment holding the last checkpoint's record, from the
 * directory's pg_control: ControlFileData starts with system_identifier (8
 * bytes), two uint32 versions, the state (4, then 4 of padding) and the time
 * (8), then the checkpoint record's LSN at byte 32 and a copy of the checkpoint
 * (redo LSN, then the timeline) at byte 40 — a layout PostgreSQL has kept for
 * many releases.
 */
function checkpointSegment(dataDir: string, segmentSize: number): string {
  const control = readFileSync(path.join(dataDir, 'global', 'pg_control'));
  const segment = control.readBigUInt64LE(32) / BigInt(segmentSize);
  const timeline = control.readUInt32LE(48);
  const perId = 0x1_0000_0000n / BigInt(segmentSize);
  const hex = (n: number | bigint) => n.toString(16).toUpperCase().padStart(8, '0');
  return hex(timeline) + hex(segment / perId) + hex(segment % perId);
}
