import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmStart, REPO_ROOT, type NpmServer } from '../helpers/npm-start';

const run = promisify(execFile);

/** The shell block of the README's "First five minutes" section, as a reader copies it. */
async function readmeBlock(): Promise<string> {
  const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## First five minutes\n')[1]?.split('\n## ')[0];
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error('README.md has no "First five minutes" shell block');
  return block;
}

describe("the README's first five minutes, from a clean start", () => {
  let server: NpmServer;
  beforeAll(async () => {
    server = await npmStart(); // fresh DATA_DIR, no secrets, no DATABASE_URL
  }, 180_000);
  afterAll(async () => {
    await server?.dispose();
  });

  it('starts with one informative line', () => {
    const starts = server.lines.filter((l) => l.includes('server listening'));
    expect(starts).toHaveLength(1);
    const start = JSON.parse(starts[0]!) as Record<string, unknown>;
    expect(start).toMatchObject({ store: 'pglite', data_dir: server.dataDir, url: server.url });
  });

  it('runs the block as written: sign-up, a session with updates, history, /docs, /openapi.json, /metrics', async () => {
    const block = await readmeBlock();
    expect(block).toContain('BASE=http://127.0.0.1:8080');
    // Only the address differs: the test's server listens on a free port.
    const script = block.replace('BASE=http://127.0.0.1:8080', `BASE=${server.url}`);
    const { stdout } = await run(
      'bash',
      ['-euo', 'pipefail', '-c', `${script}\necho "SESSION=$SESSION"`],
      {
        cwd: REPO_ROOT,
      },
    );
    const lines = stdout.trim().split('\n');
    const sessionId = lines.pop()!.replace('SESSION=', '');
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const [me, update1, update2, ended, history, openapi, docs, ...metrics] = lines;
    expect(JSON.parse(me!)).toMatchObject({ name: 'Ada', timezone: 'Europe/Berlin' });
    for (const update of [update1, update2]) {
      expect(Object.keys(JSON.parse(update!) as object)).toContain('is_in_flow');
    }
    expect(JSON.parse(ended!)).toMatchObject({
      id: sessionId,
      start_time: '2026-11-28T08:00:00.000Z',
      end_time: '2026-11-28T08:30:00.000Z',
      keystrokes: 5,
      project_path: null,
      project_path_hidden_reason: 'sync_project_paths_off',
    });
    const page = JSON.parse(history!) as { sessions: { id: string }[]; next_cursor: null };
    expect(page.sessions.map((s) => s.id)).toEqual([sessionId]);
    expect(openapi).toBe('3.1.0');
    expect(docs).toBe('200 text/html; charset=utf-8');
    expect(metrics.join('\n')).toMatch(
      /mindful_http_request_duration_seconds_count\{method="PUT",route="\/api\/sessions\/:id\/update",status="200"\} 2/,
    );
    // better-auth builds its context on the first auth request: only now could it have warned.
    expect(server.lines.join('\n')).not.toContain('Base URL is not set');
  });
});
