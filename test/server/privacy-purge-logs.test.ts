import { randomBytes, randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UserDoc } from '@mindful/shared';
import { createLogger, startServer, type RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { LogCapture } from '../helpers/log-capture';
import { authedFetch, signUp, testConfig } from '../helpers/test-server';
import { closedWith, connectReplica, sessionEntry, synced, waitFor } from './sync-helpers';

describeEachStore('logs after a purge', (store) => {
  let server: RunningServer;
  const logs = new LogCapture();
  beforeAll(async () => {
    // The most verbose level: whatever any component could log is captured.
    const config = testConfig({ LOG_LEVEL: 'trace' });
    server = await startServer({
      config,
      log: createLogger('trace', logs.sink),
      database: store(),
      sync: { registry: { reconcileDebounceMs: 20 } },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("never held the user's email, project path or session content", async () => {
    const tag = randomBytes(4).toString('hex');
    const email = `grace-${tag}@example.com`;
    const projectPath = `/home/grace/ZephyrLedger-${tag}`;
    const content = [`NebulaEdit-${tag}`, `QuokkaFault-${tag}`, `device-${tag}`, `cobol${tag}`];
    const user = await signUp(server.url, { email, name: `Grace ${tag}` });
    await authedFetch(server.url, user.token, '/api/privacy/settings', {
      method: 'PUT',
      body: { sync_project_paths: true, sync_environment_data: true },
    });
    // A wrong password: sign-in failures are where auth libraries like to log the email.
    const refused = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'not the password' }),
    });
    expect(refused.status).toBe(401);

    const started = await authedFetch(server.url, user.token, '/api/sessions/start', {
      method: 'POST',
      body: { project_path: projectPath, language: content[3], device_id: content[2] },
    });
    expect(started.status).toBe(201);
    const { id: sessionId } = (await started.json()) as { id: string };
    const doc = new Y.Doc();
    const replica = connectReplica(server.url, user, { doc });
    await synced(replica);
    const offline = sessionEntry({
      project_path: projectPath,
      environment_data: { editor: content[0] },
    });
    new UserDoc(doc).putSession(offline);
    new UserDoc(doc).putFlowState({
      id: randomUUID(),
      session_id: offline.id,
      start_time: offline.start_time,
      end_time: null,
      duration_ms: 1000,
      intensity_score: 0.5,
      context_switches: 0,
      recovery_time_ms: null,
      typing_rhythm_data: null,
      error_events: { count: 1, last: content[1] },
      environmental_factors: { editor: content[0] },
    });
    const rows = async () =>
      (
        await store().pool.query(
          'SELECT count(*)::int AS n FROM coding_sessions WHERE id = ANY($1::uuid[])',
          [[sessionId, offline.id]],
        )
      ).rows[0].n === 2;
    await waitFor(rows, 'both sessions in the tables');
    expect((await authedFetch(server.url, user.token, '/api/sessions/history')).status).toBe(200);
    expect((await authedFetch(server.url, user.token, '/api/privacy/export')).status).toBe(200);

    const closed = closedWith(replica);
    const purge = await authedFetch(server.url, user.token, '/api/privacy/purge', {
      method: 'DELETE',
    });
    expect(purge.status).toBe(200);
    expect((await closed).code).toBe(4410);
    replica.destroy();
    // A replica that was offline comes back afterwards: the tombstone path logs too.
    const late = connectReplica(server.url, user, { generation: 1 });
    expect((await closedWith(late)).code).toBe(4410);
    late.destroy();

    // The capture works: the purge and the refused sign-in are in it.
    expect(logs.text).toMatch(/"msg":"user data purged"/);
    expect(logs.text).toMatch(/"path":"\/api\/auth\/sign-in\/email"/);
    const name = `Grace ${tag}`;
    for (const secret of [
      email,
      email.split('@')[0]!,
      name,
      projectPath,
      `ZephyrLedger-${tag}`,
      ...content,
    ]) {
      expect(logs.text, secret).not.toContain(secret);
    }
  });
});
