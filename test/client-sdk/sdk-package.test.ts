import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { openTestDatabase, type TestDatabase } from '../helpers/databases';
import { REPO_ROOT } from '../helpers/npm-start';
import { authedFetch, startTestServer } from '../helpers/test-server';

const run = promisify(execFile);

/** What the outside project does with the installed package (plain ESM, as a user writes it). */
const USE_SDK = `
import { AuthRequestError, createMindfulClient, signIn, signOut, signUp } from '@mindful/client-sdk';

const serverUrl = process.env.SERVER_URL;
const email = \`outside-\${Date.now()}@example.com\`;
const password = 'correct horse battery staple';
const session = await signUp(serverUrl, { email, password, name: 'Outside', timezone: 'Europe/Berlin' });
let wrongPassword = null;
try {
  await signIn(serverUrl, { email, password: 'not the password at all' });
} catch (error) {
  if (error instanceof AuthRequestError) wrongPassword = error.status;
}
const again = await signIn(serverUrl, { email, password });

// Opened offline, then online through connect(): no reopening.
const client = await createMindfulClient({ dataDir: process.env.DATA_DIR, userId: session.userId });
const statusBefore = client.status;
const sessionId = await client.startSession({ language: 'typescript' });
const flow = await client.recordActivity({
  keystrokeIntervals: [120, 110, 130, 125],
  contextSwitches: 0,
  errorEvents: 0,
  focusDurationMs: 60000,
  fileModifications: 1,
  keystrokes: 4,
  linesAdded: 1,
  linesDeleted: 0,
});
const synced = new Promise((resolve) =>
  client.events.on('status', ({ status }) => status === 'synced' && resolve(status)),
);
await client.connect(serverUrl, again.auth);
await synced;
await client.endSession();
const page = await client.history({ limit: 5 });
await client.close();
await signOut(serverUrl, session.token);
console.log(JSON.stringify({
  userId: session.userId,
  token: again.token,
  sessionId,
  statusBefore,
  wrongPassword,
  flowKeys: Object.keys(flow).sort(),
  localSessions: page.sessions.length,
  browserEntry: import.meta.resolve('@mindful/client-sdk/browser'),
}));
`;

/** The same in TypeScript, type-checked against the shipped declarations. */
const USE_SDK_TS = `
import { createMindfulClient, signIn, type AuthSession, type MindfulClient } from '@mindful/client-sdk';

export async function open(serverUrl: string, dataDir: string): Promise<MindfulClient> {
  const session: AuthSession = await signIn(serverUrl, { email: 'a@example.com', password: 'pw' });
  const client = await createMindfulClient({ dataDir, userId: session.userId });
  await client.connect(serverUrl, session.auth);
  const flow = await client.recordActivity({
    keystrokeIntervals: [1], contextSwitches: 0, errorEvents: 0, focusDurationMs: 1,
    fileModifications: 0, keystrokes: 1, linesAdded: 0, linesDeleted: 0,
  });
  const inFlow: boolean = flow.isInFlow;
  // Fails to compile if the declarations lost their types (an unresolved import is any):
  // @ts-expect-error isInFlow is a boolean (FlowStateResult, from the bundled shared types)
  const notAString: string = flow.isInFlow;
  void inFlow;
  void notAString;
  return client;
}
`;

describe('@mindful/client-sdk as an installed package', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let work: string;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    server = await startTestServer(db);
    work = await mkdtemp(path.join(tmpdir(), 'mindful-sdk-pack-'));
  });
  afterAll(async () => {
    await server?.close();
    await db?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('builds, packs, installs in an outside project, and syncs a session through connect()', async () => {
    await run('npm', ['run', 'build', '-w', 'client-sdk'], { cwd: REPO_ROOT });
    await run(
      'npm',
      ['pack', path.join(REPO_ROOT, 'client-sdk/dist'), '--pack-destination', work],
      {
        cwd: REPO_ROOT,
      },
    );
    const tarball = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    expect(tarball).toMatch(/^mindful-client-sdk-\d+\.\d+\.\d+\.tgz$/);

    const project = path.join(work, 'outside');
    await run('mkdir', ['-p', project]);
    await writeFile(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'outside', private: true, type: 'module' }),
    );
    await run(
      'npm',
      ['install', path.join(work, tarball!), '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: project },
    );
    // The workspace is not reachable from here: only what the tarball brought.
    await writeFile(path.join(project, 'use.mjs'), USE_SDK);
    const { stdout } = await run(process.execPath, ['use.mjs'], {
      cwd: project,
      env: { ...process.env, SERVER_URL: server.url, DATA_DIR: path.join(work, 'replica') },
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      userId: string;
      token: string;
      sessionId: string;
      statusBefore: string;
      wrongPassword: number | null;
      flowKeys: string[];
      localSessions: number;
      browserEntry: string;
    };
    expect(result.statusBefore).toBe('offline');
    expect(result.wrongPassword).toBe(401);
    expect(result.flowKeys).toEqual([
      'confidence',
      'flowDurationMs',
      'flowIntensity',
      'isInFlow',
      'recommendations',
    ]);
    expect(result.localSessions).toBe(1);
    expect(result.browserEntry).toMatch(/node_modules\/@mindful\/client-sdk\/browser\/index\.js$/);

    // The session reached the server through the socket opened by connect().
    await expect
      .poll(
        async () => {
          const response = await authedFetch(server.url, result.token, '/api/sessions/history');
          const body = (await response.json()) as {
            sessions: { id: string; end_time: string | null }[];
          };
          return body.sessions.find((s) => s.id === result.sessionId)?.end_time ?? null;
        },
        { timeout: 30_000 },
      )
      .not.toBeNull();

    // And the declarations type-check a TypeScript user of the package.
    await writeFile(path.join(project, 'use.ts'), USE_SDK_TS);
    await writeFile(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
          lib: ['ES2023', 'DOM'],
        },
        files: ['use.ts'],
      }),
    );
    await run(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], {
      cwd: project,
    });
  }, 240_000);
});
