import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMindfulClient, ReplicaLockedError } from '@mindful/client-sdk';
import { spawnReplicaChild, type ReplicaChild } from './helpers/child';

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
