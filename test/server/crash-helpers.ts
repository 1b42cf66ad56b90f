import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '@mindful/server';
import { createScratchDatabase } from '../helpers/scratch-database';
import { startChildServer, type ChildServer } from '../e2e/child-server';

/** Where a child server keeps its data, and how to read it from the test. */
export interface CrashStore {
  kind: 'pglite' | 'postgres';
  /** Environment that points a child server at this store. */
  env: Record<string, string>;
  /**
   * Opens the store in the test process. On PGlite only while no child runs
   * (one process owns the directory); on PostgreSQL at any time.
   */
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

/** A fresh PostgreSQL database, or a fresh PGlite directory, for one crash test. */
export async function freshCrashStore(kind: 'pglite' | 'postgres'): Promise<CrashStore> {
  if (kind === 'pglite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'mc-crash-'));
    return {
      kind,
      env: { DATA_DIR: dir },
      // The server keeps PGlite in DATA_DIR/pglite.
      open: () => openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') }),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'mc_crash');
  return {
    kind,
    env: { DATABASE_URL: scratch.url },
    open: () => openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 2 }),
    dispose: scratch.drop,
  };
}

/** Children started by a test file, so a failed test never leaves one running. */
export class ChildServers {
  private readonly started: ChildServer[] = [];

  async start(env: Record<string, string>): Promise<ChildServer> {
    const child = await startChildServer(env);
    this.started.push(child);
    return child;
  }

  /** SIGKILL: no shutdown code runs, like a power cut or the OOM killer. */
  async kill(child: ChildServer): Promise<void> {
    child.process.kill('SIGKILL');
    await child.exited;
  }

  /** SIGTERM: the server's own orderly shutdown. */
  async stop(child: ChildServer): Promise<void> {
    child.process.kill('SIGTERM');
    await child.exited;
  }

  killAll(): void {
    for (const child of this.started)
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
  }
}
