import { ReplicaLockedError } from '../errors';

/** An exclusive hold on a replica location, released by {@link ReplicaLock.release}. */
export interface ReplicaLock {
  release(): Promise<void>;
}

const noLock: ReplicaLock = { release: () => Promise.resolve() };

/**
 * Takes the exclusive lock of a replica location before PGlite opens it:
 * - a directory (Node): a lock file beside it with the owner pid (see `file-lock.ts`);
 * - `idb://name` (browser): a Web Lock, held until release, so two tabs never open one database;
 * - `memory://`: nothing to share, no lock.
 *
 * @throws ReplicaLockedError when another process (or tab) holds it.
 */
export async function acquireReplicaLock(dataDir: string): Promise<ReplicaLock> {
  if (dataDir.startsWith('memory://')) return noLock;
  if (dataDir.startsWith('idb://')) return acquireWebLock(dataDir);
  // Loaded lazily: the browser bundle must not pull in node:fs.
  const { acquireFileLock } = await import('./file-lock');
  return acquireFileLock(dataDir);
}

async function acquireWebLock(dataDir: string): Promise<ReplicaLock> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return noLock;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const granted = await new Promise<boolean>((resolve, reject) => {
    locks
      .request(`mindful-replica:${dataDir}`, { ifAvailable: true }, async (lock) => {
        resolve(lock !== null);
        if (lock !== null) await held;
      })
      .catch(reject);
  });
  // A browser has no pid to name; -1 says "another tab".
  if (!granted) throw new ReplicaLockedError(dataDir, -1);
  return {
    release: () => {
      release();
      return Promise.resolve();
    },
  };
}
