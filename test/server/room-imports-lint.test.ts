import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

// The rules under test are syntactic: skip type information, which would need the probe files on disk.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

/** The rule ids ESLint reports for `code` placed at `file` under the repository's config. */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages.map((message) => message.ruleId ?? message.message);
}

const importOf = (path: string) => `import { thing } from '${path}';\nexport const x = thing;\n`;

describe('the lint rules that keep the server rooms apart (docs/architecture.md)', () => {
  it.each([
    '../sessions/session-rows',
    '../sessions',
    '../privacy/settings-mirror',
    '../teams',
    '../teams/team-metrics',
    '../flow/flow-routes',
    '../insights/insights-store',
    '../projection/projection',
    '../http/errors',
  ])('sync/ refuses to import %s', async (path) => {
    expect(await violations('server/src/sync/probe.ts', importOf(path))).toContain(
      'no-restricted-imports',
    );
  });

  it('sync/ may import its own files and the rooms below it', async () => {
    for (const path of [
      './document-log',
      '../crypto/cipher',
      '../jobs/scheduler',
      '../db/queryable',
    ]) {
      expect(await violations('server/src/sync/probe.ts', importOf(path)), path).toEqual([]);
    }
  });

  it.each([
    ['server/src/privacy/probe.ts', '../teams/team-store'],
    ['server/src/teams/probe.ts', '../privacy/settings-mirror'],
    ['server/src/teams/burnout/probe.ts', '../../privacy/purge'],
    ['server/src/sessions/probe.ts', '../flow/flow-route-docs'],
    ['server/src/flow/probe.ts', '../insights/insights-store'],
    ['server/src/privacy/probe.ts', '../http/errors'],
    ['server/src/privacy/probe.ts', '../wakatime/wakatime-privacy'],
  ])('%s refuses a file inside another room: %s', async (file, path) => {
    expect(await violations(file, importOf(path))).toContain('no-restricted-imports');
  });

  it('a feature may use another through its named service interface (index.ts)', async () => {
    expect(await violations('server/src/privacy/probe.ts', importOf('../teams'))).toEqual([]);
    expect(await violations('server/src/flow/probe.ts', importOf('../insights'))).toEqual([]);
    expect(await violations('server/src/teams/probe.ts', importOf('../sync/log-places'))).toEqual(
      [],
    );
  });

  it('projection/ follows sessions only through its interface, and no other feature', async () => {
    const probe = 'server/src/projection/probe.ts';
    expect(await violations(probe, importOf('../sessions'))).toEqual([]);
    expect(await violations(probe, importOf('../sync/live-document'))).toEqual([]);
    expect(await violations(probe, importOf('../sessions/session-rows'))).toContain(
      'no-restricted-imports',
    );
    for (const path of ['../privacy/settings-mirror', '../teams', '../privacy']) {
      expect(await violations(probe, importOf(path)), path).toContain('no-restricted-imports');
    }
  });

  it('still keeps server and client-sdk apart in every room', async () => {
    for (const file of ['server/src/sync/probe.ts', 'server/src/teams/probe.ts']) {
      expect(await violations(file, importOf('@mindful/client-sdk'))).toContain(
        'no-restricted-imports',
      );
    }
  });
});
