import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (where `npm start` is run from a clone). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** A server started the way the README says: `npm start` in a child process. */
export interface NpmServer {
  /** The `npm` process. */
  readonly npm: ChildProcess;
  /** The node server: npm's child (the start script `exec`s node). */
  readonly nodePid: number;
  readonly url: string;
  readonly dataDir: string;
  /** Every stdout line so far (JSON log lines and npm's banner). */
  readonly lines: string[];
  /** Resolves with the first parsed log line whose `msg` satisfies `test`. */
  waitForLog(test: (msg: string) => boolean): Promise<Record<string, unknown>>;
  /** npm's exit code, once it exits. */
  readonly exited: Promise<number | null>;
  /** Stops whatever is still running and removes the data directory. */
  dispose(): Promise<void>;
}

/**
 * Runs `npm start` from the repository root on a fresh DATA_DIR (no
 * DATABASE_URL, no secrets: a clean start in development), and waits for the
 * start line to learn the URL.
 */
export async function npmStart(env: Record<string, string> = {}): Promise<NpmServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mindful-npm-start-'));
  // vitest puts Vite's BASE_URL ('/') into process.env; the server reads BASE_URL as its own.
  const { BASE_URL: _vite, ...inherited } = process.env;
  const childEnv: Record<string, string | undefined> = {
    ...inherited,
    NODE_ENV: 'development', // vitest sets test
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...env,
  };
  for (const key of ['DATABASE_URL', 'ENCRYPTION_KEY', 'BETTER_AUTH_SECRET', 'JWT_SECRET']) {
    if (!(key in env)) delete childEnv[key];
  }
  const npm = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: {
    test: (msg: string) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
  const parsed: Record<string, unknown>[] = [];
  createInterface({ input: npm.stdout! }).on('line', (line) => {
    lines.push(line);
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // npm's own banner
    }
    parsed.push(entry);
    for (const waiter of [...waiters]) {
      if (waiter.test(String(entry.msg))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(entry);
      }
    }
  });
  const stderr: string[] = [];
  createInterface({ input: npm.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const waitForLog = (test: (msg: string) => boolean) => {
    const seen = parsed.find((entry) => test(String(entry.msg)));
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      waiters.push({ test, resolve });
      void exited.then((code) =>
        reject(
          new Error(`npm start exited (${code}) first:\n${lines.join('\n')}\n${stderr.join('\n')}`),
        ),
      );
    });
  };
  const started = await waitForLog((msg) => msg.startsWith('Mindful Code server listening on'));
  // npm's child; with a start script that does not exec node, that would be a shell.
  const nodePid = children(npm.pid!)[0]!;
  const tree = [nodePid, ...descendants(nodePid)];
  return {
    npm,
    nodePid,
    url: String(started.url),
    dataDir,
    lines,
    waitForLog,
    exited,
    dispose: async () => {
      for (const pid of tree) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
      if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Whether a process is still running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

function descendants(pid: number): number[] {
  return children(pid).flatMap((child) => [child, ...descendants(child)]);
}
