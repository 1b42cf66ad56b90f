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

describe('the lint rules that keep the layers apart', () => {
  it.each([
    ["import { readFileSync } from 'fs';", 'no-restricted-imports'],
    ["import { randomUUID } from 'crypto';", 'no-restricted-imports'],
    ["import { Worker } from 'node:worker_threads';", 'no-restricted-imports'],
    ["import pg from 'pg';", 'no-restricted-imports'],
    ["export const load = () => import('zlib');", 'no-restricted-syntax'],
    ['export const now = Date.now();', 'no-restricted-properties'],
    ["export const get = () => fetch('https://example.com');", 'no-restricted-globals'],
  ])('shared/ refuses %s', async (code, rule) => {
    expect(await violations('shared/src/probe.ts', code)).toContain(rule);
  });

  it('shared/ may load the model runtime lazily and import zod', async () => {
    const code =
      "import { z } from 'zod';\nexport const s = z.string();\nexport const ort = () => import('onnxruntime-web/wasm');\n";
    expect(await violations('shared/src/probe.ts', code)).toEqual([]);
  });

  it('server and client-sdk never import each other', async () => {
    const toSdk = "export { createMindfulClient } from '@mindful/client-sdk';";
    const toServer = "export { startServer } from '@mindful/server';";
    expect(await violations('server/src/probe.ts', toSdk)).toContain('no-restricted-imports');
    expect(await violations('client-sdk/src/probe.ts', toServer)).toContain(
      'no-restricted-imports',
    );
  });
});
