import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@mindful/server';

const MAIN = path.resolve(import.meta.dirname, '../../server/src/main.ts');

/** Runs the real server entry point until it prints `until` or exits. */
function runServer(env: Record<string, string>, until: RegExp) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    // node itself (not the tsx wrapper) so SIGTERM reaches the server's own handler.
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('configuration', () => {
  it('starts with nothing set in development: PGlite in DATA_DIR, generated secrets, and stops on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-dev-'));
    const { code, output } = await runServer({ DATA_DIR: dataDir, PORT: '0' }, /server listening/);
    expect(output).toMatch(/"store":"pglite"/);
    expect(output).toMatch(/No ENCRYPTION_KEY set: generated one/);
    expect(output).toMatch(/shutting down[\s\S]*server stopped/);
    expect(code).toBe(0);
  });

  it('refuses to start in production without ENCRYPTION_KEY, naming the variable', async () => {
    const { code, output } = await runServer(
      { NODE_ENV: 'production', BETTER_AUTH_SECRET: 'x'.repeat(40), PORT: '0' },
      /listening/,
    );
    expect(code).toBe(78);
    expect(output).toMatch(/ENCRYPTION_KEY: required when NODE_ENV=production/);
    expect(output).not.toMatch(/listening/);
  });

  it('refuses a short ENCRYPTION_KEY with a message that says what a good one is', () => {
    const error = (() => {
      try {
        parseConfig({
          NODE_ENV: 'production',
          ENCRYPTION_KEY: 'abcd',
          BETTER_AUTH_SECRET: 'x'.repeat(40),
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/ENCRYPTION_KEY: must be 64 hex characters/);
  });

  it('names every bad variable at once', () => {
    expect(() =>
      parseConfig({ PORT: 'eighty', DEFAULT_SUBSCRIPTION_TIER: 'gold', DATABASE_URL: 'mysql://x' }),
    ).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*DEFAULT_SUBSCRIPTION_TIER|PORT[\s\S]*DEFAULT_SUBSCRIPTION_TIER[\s\S]*DATABASE_URL/,
    );
    // A missing production secret is reported beside a malformed variable, not after it is fixed.
    const error = (() => {
      try {
        parseConfig({ NODE_ENV: 'production', PORT: 'eighty' });
      } catch (caught) {
        return caught as ConfigError;
      }
      return undefined;
    })();
    expect(error?.problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'BETTER_AUTH_SECRET',
      'ENCRYPTION_KEY',
      'PORT',
    ]);
  });

  it('reads the documented defaults and the JWT_SECRET alias', () => {
    const config = parseConfig({ JWT_SECRET: 'y'.repeat(32) });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: './.mindful/data',
      defaultSubscriptionTier: 'free',
      teamMinGroupSize: 3,
      logLevel: 'info',
      authSecret: 'y'.repeat(32),
      databaseUrl: undefined,
    });
  });
});
