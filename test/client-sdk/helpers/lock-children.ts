import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCRIPT = path.join(ROOT, 'test/client-sdk/fixtures/lock-child.ts');

/** A real process running `lock-child.ts`: send it commands, read its JSON answers in order. */
export interface LockChild {
  pid: number;
  send(line: string): void;
  next(): Promise<Record<string, unknown>>;
  /** Closes its stdin and resolves with the exit code. */
  end(): Promise<number | null>;
}

/** Starts a lock child and resolves once it is ready to race. */
export async function startLockChild(): Promise<LockChild> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const queue: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else queue.push(line);
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const take = (line: string) => resolve(JSON.parse(line) as Record<string, unknown>);
      const queued = queue.shift();
      if (queued) return take(queued);
      waiters.push(take);
      exited.then(
        (code) => reject(new Error(`lock child exited (${code}) before answering: ${stderr}`)),
        reject,
      );
    });
  const ready = await next();
  if (ready.outcome !== 'ready') throw new Error(`lock child: ${JSON.stringify(ready)}`);
  return {
    pid: child.pid!,
    send: (line) => child.stdin!.write(`${line}\n`),
    next,
    end: () => {
      child.stdin!.end();
      return exited;
    },
  };
}
