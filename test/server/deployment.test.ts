import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '@mindful/server';

const root = path.resolve(import.meta.dirname, '../..');

interface Compose {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      environment?: Record<string, unknown>;
      depends_on?: Record<string, unknown>;
    }
  >;
}

// No Docker engine runs here: the compose file is checked by reading it.
describe('docker-compose.yml', () => {
  it('runs PostgreSQL 16 and the server built from the Dockerfile, with the secrets wired', async () => {
    const compose = parse(await readFile(path.join(root, 'docker-compose.yml'), 'utf8')) as Compose;
    expect(compose.services.postgres?.image).toBe('postgres:16');
    const server = compose.services.server!;
    expect(server.build).toBe('.');
    expect(server.depends_on).toHaveProperty('postgres');
    const env = server.environment!;
    for (const name of ['DATABASE_URL', 'ENCRYPTION_KEY', 'BETTER_AUTH_SECRET']) {
      expect(env, name).toHaveProperty(name);
    }
    expect(String(env.DATABASE_URL)).toMatch(/^postgres:\/\/.*@postgres:5432\//);
  });

  it('gives the server an environment the config accepts once the secrets are filled in', async () => {
    const compose = parse(await readFile(path.join(root, 'docker-compose.yml'), 'utf8')) as Compose;
    const substituted = Object.fromEntries(
      Object.entries(compose.services.server!.environment!).map(([name, value]) => [
        name,
        String(value)
          .replace(/\$\{ENCRYPTION_KEY[^}]*\}/, 'ab'.repeat(32))
          .replace(/\$\{BETTER_AUTH_SECRET[^}]*\}/, 's'.repeat(40))
          .replace(/\$\{(\w+):-([^}]*)\}/g, '$2'),
      ]),
    );
    expect(() => parseConfig(substituted)).not.toThrow();
    expect(parseConfig(substituted).env).toBe('production');
  });

  it('builds from a Dockerfile that copies the migrations and starts the server entry point', async () => {
    const dockerfile = await readFile(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/COPY migrations migrations/);
    expect(dockerfile).toMatch(/server\/src\/main\.ts/);
  });
});
