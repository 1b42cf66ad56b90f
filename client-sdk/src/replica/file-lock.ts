import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReplicaLockedError } from '../errors';
import type { ReplicaLock } from './replica-lock';

/** What a lock file holds. `nonce` tells two locks of the same pid apart (pids are reused). */
interface LockContent {
  pid: number;
  hostname: string;
  acquiredAt: string;
  nonce: string;
}

/** A lock file as read: its exact text (its identity), the owner if it parses, its age. */
interface SeenLock {
  raw: string;
  owner: LockContent | null;
  ageMs: number;
}

/** Paths this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

/**
 * An unreadable lock file younger than this is taken to be in the middle of being written by a
 * live process (an older SDK wrote the owner after creating the file), not left by a crash.
 */
const UNREADABLE_GRACE_MS = 10_000;
/** Tries before giving up on a lock that keeps changing hands or a takeover that never ends. */
const MAX_ATTEMPTS = 200;
const RETRY_MS = 10;

/** The lock file of a replica directory: beside it, since PGlite wants the directory to itself. */
export function lockPathOf(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, '')}.lock`;
}

/**
 * Takes the exclusive lock of a replica directory: a lock file holding the owner's pid, which is
 * never seen empty or half-written — the owner is written to a private temp file first and then
 * hard-linked into place, which fails if the lock exists (atomic, unlike create-then-write).
 *
 * A lock whose pid is no longer alive is stale (the owner crashed) and is taken over. Takeovers
 * are serialised by a second, short-lived marker file, and a lock file is only ever removed by its
 * owner or by the marker's holder after re-reading it unchanged — so a live lock is never moved
 * or removed, and of many processes racing for a stale lock exactly one ends up owning it.
 *
 * `proper-lockfile` was considered: it detects staleness by an mtime its owner must keep
 * touching, so an extension host paused longer than its stale time (a sleeping laptop) loses the
 * lock while it still runs, and it records no owner pid for {@link ReplicaLockedError}.
 *
 * Limits: pids are only meaningful on one host, so a replica on a shared network drive is not
 * protected across machines; a dead owner's pid reused by an unrelated process keeps the lock
 * until that process exits; a process killed during the microseconds it holds the takeover
 * marker leaves a marker that the next opener removes, and a second and third opener racing that
 * very cleanup could in theory both proceed.
 *
 * @throws ReplicaLockedError naming the live owner's pid (-1 if its lock file cannot be read yet).
 */
export async function acquireFileLock(dataDir: string): Promise<ReplicaLock> {
  const lockPath = lockPathOf(dataDir);
  if (heldHere.has(lockPath)) throw new ReplicaLockedError(dataDir, process.pid);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const content: LockContent = {
    pid: process.pid,
    hostname: os.hostname(),
    acquiredAt: new Date().toISOString(),
    nonce: randomUUID(),
  };
  const ours = JSON.stringify(content);
  let seen: SeenLock | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (createExclusive(lockPath, ours)) {
      heldHere.add(lockPath);
      return fileLockHandle(lockPath, ours);
    }
    seen = inspect(lockPath);
    if (seen === null) continue; // released meanwhile: try again at once
    if (seen.owner !== null && isLiveOwner(seen.owner, lockPath)) {
      throw new ReplicaLockedError(dataDir, seen.owner.pid);
    }
    if (seen.owner === null && seen.ageMs < UNREADABLE_GRACE_MS) {
      await sleep(RETRY_MS);
      continue;
    }
    if (!removeStale(lockPath, seen, ours)) await sleep(RETRY_MS);
  }
  throw new ReplicaLockedError(dataDir, seen?.owner?.pid ?? -1);
}

function fileLockHandle(lockPath: string, ours: string): ReplicaLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldHere.delete(lockPath);
    process.off('exit', release);
    // Only ours is removed. Nobody else removes a live owner's lock, so it cannot change between
    // this read and the unlink.
    if (inspect(lockPath)?.raw === ours) fs.rmSync(lockPath, { force: true });
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

/**
 * Creates `target` holding `text`, only if it does not exist, never visible half-written: the
 * text goes to a private temp file that is then hard-linked to `target` (link never overwrites).
 * @returns false when `target` exists.
 */
function createExclusive(target: string, text: string): boolean {
  const temp = `${target}.${process.pid}.${randomUUID()}.tmp`;
  writeDurably(temp, text, 'wx');
  try {
    fs.linkSync(temp, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      // No hard links here (some FAT or network file systems): create-then-write, which
      // readers bridge by taking a young unreadable lock file for a held one.
      return createThenWrite(target, text);
    }
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function createThenWrite(target: string, text: string): boolean {
  try {
    writeDurably(target, text, 'wx');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function writeDurably(file: string, text: string, flags: string): void {
  const fd = fs.openSync(file, flags);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The lock file now, or null when there is none. */
function inspect(file: string): SeenLock | null {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = fs.readFileSync(file, 'utf8');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { raw, owner: parseOwner(raw), ageMs: Date.now() - mtimeMs };
}

function parseOwner(raw: string): LockContent | null {
  try {
    const parsed = JSON.parse(raw) as Partial<LockContent>;
    return typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0
      ? (parsed as LockContent)
      : null;
  } catch {
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
 * Whether the process named in a lock file still holds it. Our own pid counts only while this
 * process holds that path: otherwise the file is a previous process's whose pid we now have
 * (containers restart with the same pids).
 */
function isLiveOwner(owner: LockContent, file: string): boolean {
  return owner.pid === process.pid ? heldHere.has(file) : isAlive(owner.pid);
}

/** Whether a takeover marker is left by a process that is gone (ours are never seen: see below). */
function isStaleMarker(seen: SeenLock): boolean {
  if (seen.owner === null) return seen.ageMs >= UNREADABLE_GRACE_MS;
  return seen.owner.pid === process.pid || !isAlive(seen.owner.pid);
}

/**
 * Removes the stale lock `seen`, if it is still there unchanged, while holding the takeover marker.
 * @returns false when another process is taking over right now (wait, then look again).
 */
function removeStale(lockPath: string, seen: SeenLock, ours: string): boolean {
  const marker = `${lockPath}.takeover`;
  if (!createExclusive(marker, ours)) {
    const holder = inspect(marker);
    // The holder died in the middle of a takeover: clear its marker (see the limits above).
    if (holder !== null && isStaleMarker(holder)) {
      fs.rmSync(marker, { force: true });
      return true;
    }
    return holder === null;
  }
  // Synchronous from here to the marker's removal: this process never sees its own marker.
  try {
    // While we hold the marker nobody else removes a lock file, and the dead owner cannot, so the
    // file we read here is the one we unlink.
    if (inspect(lockPath)?.raw === seen.raw) fs.rmSync(lockPath, { force: true });
  } finally {
    if (inspect(marker)?.raw === ours) fs.rmSync(marker, { force: true });
  }
  return true;
}
