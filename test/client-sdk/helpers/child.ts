import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHILD_SCRIPT = path.join(ROOT, 'test/client-sdk/fixtures/replica-child.ts');

/** A child process running `replica-child.ts` under tsx, and its JSON reports. */
export interface ReplicaChild {
  process: ChildProcess;
  /** The next JSON line the child prints. */
  nextReport(): Promise<Record<string, unknown>>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `npx tsx replica-child.ts <args>` (a real second process). */
export function spawnReplicaChild(args: string[]): ReplicaChild {
  const child = spawn('npx', ['tsx', CHILD_SCRIPT, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else queue.push(line);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    nextReport: () =>
      new Promise((resolve, reject) => {
        const take = (line: string) => resolve(JSON.parse(line) as Record<string, unknown>);
        const queued = queue.shift();
        if (queued) return take(queued);
        waiters.push(take);
        exited.then(
          (code) => reject(new Error(`child exited (${code}) before reporting: ${stderr}`)),
          reject,
        );
      }),
  };
}
