import type { RunningServer } from '@mindful/server';
import { authedFetch, type TestUser } from '../helpers/test-server';

/** The User-Agent wakatime-cli sends from VS Code. */
export const CLI_USER_AGENT =
  'wakatime/v1.102.1 (linux-6.1) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0';
export const MACHINE = 'ada-laptop';

/** Creates an API key for the user over the real route. */
export async function createKey(server: RunningServer, user: TestUser, name = 'editor') {
  const response = await authedFetch(server.url, user.token, '/api/api-keys', {
    method: 'POST',
    body: { name },
  });
  if (response.status !== 201) throw new Error(`key: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; key: string; prefix: string };
}

/** Headers exactly as wakatime-cli sends them (Basic auth with the base64 key). */
export function cliHeaders(key: string): Record<string, string> {
  return {
    authorization: `Basic ${Buffer.from(key).toString('base64')}`,
    'user-agent': CLI_USER_AGENT,
    'x-machine-name': MACHINE,
    'content-type': 'application/json',
    accept: 'application/json',
  };
}

/** A heartbeat as wakatime-cli serialises it. */
export function cliHeartbeat(time: number, overrides: Record<string, unknown> = {}) {
  return {
    branch: 'main',
    category: 'coding',
    cursorpos: 12,
    dependencies: ['vitest', 'zod'],
    entity: '/home/ada/code/mindful/server/src/app.ts',
    type: 'file',
    is_write: true,
    language: 'TypeScript',
    lineno: 42,
    lines: 120,
    project: 'mindful',
    project_root_count: 5,
    time,
    user_agent: CLI_USER_AGENT,
    ...overrides,
  };
}

/** `n` heartbeats `stepS` seconds apart from `startS`, entities cycling over a few files. */
export function cliBulk(
  startS: number,
  n: number,
  stepS = 60,
  overrides: Record<string, unknown> = {},
) {
  return Array.from({ length: n }, (_, i) =>
    cliHeartbeat(startS + i * stepS + 0.123456, {
      entity: `/home/ada/code/mindful/src/file-${i % 4}.ts`,
      ...overrides,
    }),
  );
}

/** POSTs a bulk as wakatime-cli does. */
export function sendBulk(baseUrl: string, key: string, body: unknown, base = '/api/v1') {
  return fetch(`${baseUrl}${base}/users/current/heartbeats.bulk`, {
    method: 'POST',
    headers: cliHeaders(key),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Seconds of a UTC date and time. */
export const utcSeconds = (y: number, m: number, d: number, h = 0, min = 0) =>
  Date.UTC(y, m - 1, d, h, min) / 1000;
