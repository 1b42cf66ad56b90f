// Runs a bench script in a separate Node process (tsx loader), so load
// generation and fresh-process measurements never share the measured
// process's event loop or heap.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

function start(script: string, input: unknown, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  child.stdin!.end(JSON.stringify(input));
  return child;
}

/** Runs `script` (relative to bench/) with `input` on stdin; resolves with the JSON it prints last. */
export function runChild<T>(script: string, input: unknown, nodeArgs: string[] = []): Promise<T> {
  const child = start(script, input, nodeArgs);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${out.slice(-500)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no result: ${out.slice(-500)}`));
      }
    });
  });
}

/** Starts a long-running `script` and resolves once it prints "ready"; `stop()` ends it. */
export async function startChild(
  script: string,
  input: unknown,
): Promise<{ stop(): Promise<void> }> {
  const child = start(script, input);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
