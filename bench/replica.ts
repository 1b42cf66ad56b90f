// SDK replica open (PGlite in Node): a cold open of a new directory, a warm
// reopen of the same directory, and a warm reopen of a replica holding a year
// and a half of sessions, each in a fresh process, with wall time and RSS
// above the process's baseline (RSS before the SDK was imported; an extension
// host shares its memory with every extension). The reference is the bare
// process.
//   npx tsx bench/run.ts replica
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChild } from './child';
import { mb, ms, row } from './stats';

const USER = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
/** Sessions in the replica with history: four a day for over a year. */
const HISTORY_SESSIONS = 2_000;

interface OpenResult {
  openMs: number;
  receiveMs?: number;
  yjsMs?: number;
  bytes?: number;
  baseline: number;
  imported: number;
  opened: number;
  peak: number;
}

const open = (dataDir: string, job: { fill?: number; receive?: number } = {}) =>
  runChild<OpenResult>('./replica-open.ts', { dataDir, userId: USER, ...job });

// The SDK import is shown apart: under tsx it includes compiling TypeScript,
// which a bundled extension does not pay.
const describe = (r: OpenResult) =>
  `${ms(r.openMs)}; RSS +${mb(r.opened - r.imported)} for the open, ` +
  `+${mb(r.opened - r.baseline)} with the SDK import (tsx), peak +${mb(r.peak - r.baseline)}`;

export async function benchReplica(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-bench-replica-'));
  try {
    const dataDir = path.join(dir, 'replica');
    const cold = await open(dataDir);
    const warm = await open(dataDir);
    const historyDir = path.join(dir, 'history');
    await open(historyDir, { fill: HISTORY_SESSIONS });
    const withHistory = await open(historyDir);
    const firstSync = await open(path.join(dir, 'first-sync'), { receive: HISTORY_SESSIONS });
    console.log('store: PGlite (Node, file system)');
    row(
      'SDK replica cold open (new directory), fresh process',
      describe(cold),
      `bare process baseline RSS ${mb(cold.baseline)}`,
      'goal ≤ 1 s, ≤ 150 MB above baseline',
    );
    row(
      'SDK replica warm reopen (same directory), fresh process',
      describe(warm),
      `bare process baseline RSS ${mb(warm.baseline)}`,
      'goal ≤ 0.3 s, ≤ 150 MB above baseline',
    );
    row(
      `SDK replica warm reopen, ${HISTORY_SESSIONS.toLocaleString('en-US')} sessions held, fresh process`,
      describe(withHistory),
      `the empty replica's warm reopen: ${ms(warm.openMs)}`,
      'goal ≤ 0.3 s, ≤ 150 MB above baseline',
    );
    row(
      `SDK replica first sync: another replica's ${HISTORY_SESSIONS.toLocaleString('en-US')} sessions ` +
        `(${mb(firstSync.bytes!)} update) stored and their rows written`,
      ms(firstSync.receiveMs!),
      `Yjs alone applying the same update to a bare Y.Doc: ${ms(firstSync.yjsMs!)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
