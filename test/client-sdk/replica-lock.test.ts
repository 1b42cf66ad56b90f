import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireReplicaLock, createMindfulClient, ReplicaLockedError } from '@mindful/client-sdk';
import { spawnReplicaChild, type ReplicaChild } from './helpers/child';
import { startLockChild, type LockChild } from './helpers/lock-children';

const USER = '7c2d4b8f-9a1e-4e3b-8d2c-3b4c5d6e7f80';

describe('one replica directory, one process', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-lock-'));
  const children: ReplicaChild[] = [];
  afterAll(async () => {
    for (const child of children) {
      child.process.stdin?.end();
      await child.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second open in the same process, naming this pid', async () => {
    const dataDir = path.join(dir, 'same-process');
    const first = await createMindfulClient({ dataDir, userId: USER });
    const second = createMindfulClient({ dataDir, userId: USER });
    await expect(second).rejects.toBeInstanceOf(ReplicaLockedError);
    await expect(second).rejects.toMatchObject({ ownerPid: process.pid });
    await first.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });

  it('lets exactly one of two racing processes open it; the other is told who holds it', async () => {
    const dataDir = path.join(dir, 'race');
    const a = spawnReplicaChild(['hold', dataDir, USER]);
    const b = spawnReplicaChild(['hold', dataDir, USER]);
    children.push(a, b);
    const [ra, rb] = await Promise.all([a.nextReport(), b.nextReport()]);
    const outcomes = [ra.outcome, rb.outcome].sort();
    expect(outcomes).toEqual(['holding', 'locked']);
    const [holder, loser] = ra.outcome === 'holding' ? [ra, rb] : [rb, ra];
    expect(loser.ownerPid).toBe(holder.pid);
    expect(loser.message).toMatch(new RegExp(`already open in process ${String(holder.pid)}`));

    // The parent is refused too, while the holder lives.
    await expect(createMindfulClient({ dataDir, userId: USER })).rejects.toMatchObject({
      name: 'ReplicaLockedError',
      ownerPid: holder.pid,
    });

    // The holder closes cleanly: the lock is gone and the replica opens, intact.
    const holderChild = ra.outcome === 'holding' ? a : b;
    holderChild.process.stdin!.end();
    expect(await holderChild.exited).toBe(0);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const client = await createMindfulClient({ dataDir, userId: USER });
    const id = await client.startSession({ startTime: Date.parse('2026-03-03T09:00:00Z') });
    await client.endSession(Date.parse('2026-03-03T09:30:00Z'));
    expect((await client.history()).sessions.map((s) => s.id)).toEqual([id]);
    await client.close();
  });

  it('takes over the lock of a process that died holding it', async () => {
    const dataDir = path.join(dir, 'crash');
    const holder = spawnReplicaChild(['hold', dataDir, USER]);
    children.push(holder);
    const report = await holder.nextReport();
    expect(report.outcome).toBe('holding');
    const lockFile = `${dataDir}.lock`;
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: report.pid });

    // Simulate a crash of the extension host: no chance to release anything.
    process.kill(report.pid as number, 'SIGKILL');
    holder.process.stdin!.end();
    await holder.exited;
    expect(existsSync(lockFile)).toBe(true);

    const client = await createMindfulClient({ dataDir, userId: USER });
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    expect((await client.history()).sessions).toEqual([]);
    await client.close();
  });
});

/** The pid of a process that has exited (and so holds nothing). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('many processes racing for one replica directory', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-lock-race-'));
  const RACERS = 6;
  const ROUNDS = 10;
  let racers: LockChild[] = [];
  afterAll(async () => {
    for (const racer of racers) await racer.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "exactly one wins every round, from no lock and from a dead owner's lock alike",
    { timeout: 180_000 },
    async () => {
      racers = await Promise.all(Array.from({ length: RACERS }, () => startLockChild()));
      for (let round = 0; round < ROUNDS; round++) {
        const dataDir = path.join(dir, `round-${round}`);
        const lockFile = `${dataDir}.lock`;
        const fromStale = round % 2 === 1;
        if (fromStale) {
          // A crashed owner's lock: every racer sees it stale and tries to take it over at once.
          const pid = await deadPid();
          writeFileSync(lockFile, JSON.stringify({ pid, hostname: os.hostname(), acquiredAt: '' }));
        }
        const startAt = Date.now() + 300;
        for (const racer of racers) racer.send(`go ${dataDir} ${startAt}`);
        const reports = await Promise.all(racers.map((racer) => racer.next()));
        const winners = reports.filter((r) => r.outcome === 'holding');
        const what = `round ${round} (${fromStale ? 'stale lock' : 'no lock'}): ${JSON.stringify(reports)}`;
        expect(winners, what).toHaveLength(1);
        const holder = winners[0]!.pid;
        for (const loser of reports.filter((r) => r !== winners[0])) {
          expect(loser, what).toMatchObject({ outcome: 'locked', ownerPid: holder });
        }
        expect(JSON.parse(readFileSync(lockFile, 'utf8')), what).toMatchObject({ pid: holder });

        const winner = racers.find((r) => r.pid === holder)!;
        winner.send('release');
        expect(await winner.next()).toMatchObject({ outcome: 'released' });
        expect(existsSync(lockFile), what).toBe(false);
      }
    },
  );
});

describe("lock files that are not (yet) a live owner's", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-lock-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds off from an empty lock file still being written, and takes it over once it is old', async () => {
    const dataDir = path.join(dir, 'empty');
    const lockFile = `${dataDir}.lock`;
    // What a process that has just created the file, and not yet written its pid, leaves.
    writeFileSync(lockFile, '');
    await expect(acquireReplicaLock(dataDir)).rejects.toMatchObject({
      name: 'ReplicaLockedError',
      ownerPid: -1,
    });
    expect(readFileSync(lockFile, 'utf8')).toBe('');

    // The same file a minute old was left by a process that died creating it.
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lockFile, minuteAgo, minuteAgo);
    const lock = await acquireReplicaLock(dataDir);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('takes over a lock left by an earlier process that had this very pid', async () => {
    // Containers restart with the same pids: a crashed extension host's pid may be ours now.
    const dataDir = path.join(dir, 'same-pid');
    const lockFile = `${dataDir}.lock`;
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, hostname: os.hostname() }));
    const lock = await acquireReplicaLock(dataDir);
    const held = JSON.parse(readFileSync(lockFile, 'utf8')) as { nonce?: string };
    expect(held.nonce).toBeTruthy();
    // While it is held here, a second open in this process is still refused.
    await expect(acquireReplicaLock(dataDir)).rejects.toMatchObject({ ownerPid: process.pid });
    await lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });
});
