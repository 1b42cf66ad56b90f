import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TEST_ENCRYPTION_KEY } from '../helpers/test-server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The real server entry point running in a child process. */
export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** Log lines seen so far (JSON strings). */
  logs: string[];
}

/**
 * Starts `server/src/main.ts` in one Node process (node --import tsx, so a
 * SIGKILL hits the server itself, not a wrapper) and resolves with its URL,
 * read from the "server listening" log line.
 */
export function startChildServer(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ChildServer> {
  // vitest puts Vite's BASE_URL ('/') into process.env; the server reads BASE_URL as its own.
  const { BASE_URL: _vite, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...inherited,
      // development, not test: the jobs and the start-up reconciliation catch-up run as in production.
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BETTER_AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
      AUTH_RATE_LIMIT_MAX: '10000',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const logs: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child server did not start in time:\n${stderr}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`child server exited with ${code} before listening:\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg?.includes('server listening') && entry.port) {
          clearTimeout(timer);
          resolve({ url: `http://127.0.0.1:${entry.port}`, process: child, exited, logs });
        }
      } catch {
        // Not a log line.
      }
    });
  });
}
