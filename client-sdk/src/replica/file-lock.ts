import fs from 'node:fs';
import os from 'node:os';
import { ReplicaLockedError } from '../errors';
import type { ReplicaLock } from './replica-lock';

/** What a lock file holds. */
interface LockContent {
  pid: number;
  hostname: string;
  acquiredAt: string;
}

/** Paths this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

/** The lock file of a replica directory: beside it, since PGlite wants the directory to itself. */
export function lockPathOf(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, '')}.lock`;
}

/**
 * Takes the exclusive lock of a replica directory: a lock file created with O_EXCL holding the
 * owner's pid. A lock whose pid is no longer alive is stale (the owner crashed) and is taken over.
 *
 * Limits: pids are only meaningful on one host, so a replica on a shared network drive is not
 * protected across machines; a dead owner's pid reused by an unrelated process keeps the lock
 * until that process exits.
 *
 * @throws ReplicaLockedError naming the live owner's pid.
 */
export function acquireFileLock(dataDir: string): ReplicaLock {
  const path = lockPathOf(dataDir);
  if (heldHere.has(path)) throw new ReplicaLockedError(dataDir, process.pid);
  const content: LockContent = {
    pid: process.pid,
    hostname: os.hostname(),
    acquiredAt: new Date().toISOString(),
  };
  // Two attempts: the second follows a stale-lock takeover.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(path, 'wx');
      try {
        fs.writeSync(fd, JSON.stringify(content));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      heldHere.add(path);
      return fileLockHandle(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner !== null && isAlive(owner.pid)) throw new ReplicaLockedError(dataDir, owner.pid);
    takeOverStale(path, owner);
  }
  const owner = readOwner(path);
  throw new ReplicaLockedError(dataDir, owner?.pid ?? -1);
}

function fileLockHandle(path: string): ReplicaLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldHere.delete(path);
    process.off('exit', release);
    // Only remove the file if it is still ours (never another process's fresh lock).
    if (readOwner(path)?.pid === process.pid) fs.rmSync(path, { force: true });
  };
  // Best effort on a normal exit; a crash leaves a stale lock that the next opener takes over.
  process.on('exit', release);
  return {
    release: () => {
      release();
      return Promise.resolve();
    },
  };
}

function readOwner(path: string): LockContent | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(path, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0
      ? (parsed as LockContent)
      : null;
  } catch {
    // Missing, or half-written by an owner that died while creating it: treated as stale.
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a stale lock aside with an atomic rename, so that of two processes racing to take over
 * only one removes it. If what was moved turns out to be a live lock (another process took over
 * between our read and our rename), it is put back.
 */
function takeOverStale(path: string, seen: LockContent | null): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readOwner(aside);
  if (moved !== null && moved.pid !== seen?.pid && isAlive(moved.pid)) {
    fs.renameSync(aside, path);
    return;
  }
  fs.rmSync(aside, { force: true });
}
