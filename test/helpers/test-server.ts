import { randomBytes } from 'node:crypto';
import {
  createLogger,
  parseConfig,
  startServer,
  type Config,
  type Database,
  type RunningServer,
} from '@mindful/server';

/** A fixed development key for tests (never used outside them). */
export const TEST_ENCRYPTION_KEY = 'a1'.repeat(32);

/** Test configuration: port 0, silent logs, a generous auth rate limit. */
export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    BETTER_AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
    AUTH_RATE_LIMIT_MAX: '10000',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/** Starts a real server on a free loopback port over the given store. */
export function startTestServer(
  database: Database,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const config = testConfig(env);
  return startServer({ config, log: createLogger(config.logLevel), database });
}

/** A signed-up user and the bearer token the API gave it. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

/** Signs a new user up over real HTTP and returns its bearer token. */
export async function signUp(
  baseUrl: string,
  fields: { email?: string; password?: string; name?: string; timezone?: string } = {},
): Promise<TestUser> {
  const email = fields.email ?? `user-${randomBytes(5).toString('hex')}@example.com`;
  const password = fields.password ?? 'correct horse battery';
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email,
      password,
      name: fields.name ?? 'Test User',
      timezone: fields.timezone,
    }),
  });
  if (response.status !== 200) {
    throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  }
  const token = response.headers.get('set-auth-token');
  const body = (await response.json()) as { user: { id: string } };
  if (!token) throw new Error('sign-up returned no set-auth-token header');
  return { id: body.user.id, email, password, token };
}

/** `fetch` with the user's bearer token and a JSON body. */
export function authedFetch(
  baseUrl: string,
  token: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}
