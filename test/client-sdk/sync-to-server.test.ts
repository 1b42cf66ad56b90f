import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RunningServer } from '@mindful/server';
import { createMindfulClient, type MindfulClient, type SessionRecord } from '@mindful/client-sdk';
import { describeEachStore } from '../helpers/databases';
import { signUp, startTestServer, type TestUser } from '../helpers/test-server';
import { workingDay } from './fixtures/working-day';
import { eventually, waitForHistory, waitForStatus } from './helpers/wait';

const DAY = Date.parse('2026-03-04T08:00:00Z');

/** Fields a replica and the server must agree on (project paths stay on the capturing device). */
function shared(s: SessionRecord) {
  const { project_path: _p, environment_data: _e, ...rest } = s;
  return rest;
}

async function captureDay(
  client: MindfulClient,
  start: number,
  seed: number,
  sessions: number,
): Promise<void> {
  for (const planned of workingDay(start, { seed, sessions, minutes: 20 })) {
    await client.startSession({
      startTime: planned.start,
      projectPath: planned.projectPath,
      language: planned.language,
    });
    for (const event of planned.events) await client.recordActivity(event);
    await client.endSession(planned.end);
  }
}

describeEachStore('client SDK ↔ sync server', (store) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-sync-'));
  let server: RunningServer;
  const open: MindfulClient[] = [];
  const client = async (user: TestUser, dataDir: string, extra: { deviceId?: string } = {}) => {
    const c = await createMindfulClient({
      dataDir,
      userId: user.id,
      serverUrl: server.url,
      auth: { getToken: () => Promise.resolve(user.token) },
      maxBackoffTime: 300,
      ...extra,
    });
    open.push(c);
    return c;
  };
  const rows = async (userId: string) =>
    (
      await store().pool.query<{
        id: string;
        keystrokes: number;
        focus_score: string;
        end_time: Date | null;
      }>(
        'SELECT id, keystrokes, focus_score, end_time FROM coding_sessions WHERE user_id = $1 ORDER BY start_time',
        [userId],
      )
    ).rows;

  beforeAll(async () => {
    server = await startTestServer(store());
  });
  afterAll(async () => {
    for (const c of open) await c.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an offline day reaches PostgreSQL and a second client of the same user', async () => {
    const user = await signUp(server.url);
    const dataDir = path.join(dir, 'extension');
    // Offline: no server given.
    const offline = await createMindfulClient({ dataDir, userId: user.id });
    await captureDay(offline, DAY, 3, 3);
    const captured = (await offline.history()).sessions;
    expect(captured).toHaveLength(3);
    await offline.close();

    // The network returns: the same replica, now with a server.
    const extension = await client(user, dataDir);
    await waitForStatus(extension, 'synced');
    await eventually(
      async () => (await rows(user.id)).length === 3,
      20_000,
      'coding_sessions rows',
    );
    const central = await rows(user.id);
    expect(central.map((r) => r.id).sort()).toEqual(captured.map((s) => s.id).sort());
    for (const row of central) {
      const local = captured.find((s) => s.id === row.id)!;
      expect(row.keystrokes).toBe(local.keystrokes);
      expect(Number(row.focus_score)).toBeCloseTo(local.focus_score!, 2);
    }

    const dashboard = await client(user, 'memory://');
    const seen = await waitForHistory(dashboard, (p) => p.sessions.length === 3);
    expect(seen.sessions.map(shared)).toEqual(captured.map(shared));
    // Project paths never left the extension's device.
    expect(seen.sessions.every((s) => s.project_path === null)).toBe(true);

    // Live: a session captured now appears on the dashboard.
    const id = await extension.startSession({ startTime: DAY + 12 * 3600_000, language: 'go' });
    const live = await waitForHistory(dashboard, (p) => p.sessions.some((s) => s.id === id));
    expect(live.sessions[0]!.id).toBe(id);
    expect((await dashboard.currentFlow()).sessionId).toBe(id);
    await extension.endSession(DAY + 12 * 3600_000 + 60_000);
  });

  it('two devices offline at once, then back: both replicas and the server agree', async () => {
    const user = await signUp(server.url);
    const laptop = await client(user, path.join(dir, 'laptop'), { deviceId: 'laptop' });
    const desktop = await client(user, path.join(dir, 'desktop'), { deviceId: 'desktop' });
    await Promise.all([waitForStatus(laptop, 'synced'), waitForStatus(desktop, 'synced')]);

    // The server goes away; both devices keep working.
    const port = server.port;
    await server.close();
    await Promise.all([waitForStatus(laptop, 'offline'), waitForStatus(desktop, 'offline')]);
    await Promise.all([
      captureDay(laptop, DAY + 86_400_000, 11, 2),
      captureDay(desktop, DAY + 86_400_000 + 600_000, 12, 2),
    ]);
    expect((await laptop.history()).sessions).toHaveLength(2);
    expect((await desktop.history()).sessions).toHaveLength(2);

    server = await startTestServer(store(), { PORT: String(port) });
    const [a, b] = await Promise.all([
      waitForHistory(laptop, (p) => p.sessions.length === 4),
      waitForHistory(desktop, (p) => p.sessions.length === 4),
    ]);
    expect(a.sessions.map(shared)).toEqual(b.sessions.map(shared));
    expect(new Set(a.sessions.map((s) => s.device_id))).toEqual(new Set(['laptop', 'desktop']));
    await eventually(
      async () => (await rows(user.id)).length === 4,
      20_000,
      'coding_sessions rows',
    );
    expect((await rows(user.id)).map((r) => r.id).sort()).toEqual(
      a.sessions.map((s) => s.id).sort(),
    );
    // The documents converged too.
    await Promise.all([laptop.flush(), desktop.flush()]);
    expect(Y.encodeStateVector(laptop.doc.ydoc)).toEqual(Y.encodeStateVector(desktop.doc.ydoc));
  });

  it('refreshes a refused token once, and stops with a status when it stays refused', async () => {
    const user = await signUp(server.url);
    let calls = 0;
    const refreshed = await createMindfulClient({
      dataDir: 'memory://',
      userId: user.id,
      serverUrl: server.url,
      auth: { getToken: () => Promise.resolve(++calls === 1 ? 'expired.token' : user.token) },
    });
    open.push(refreshed);
    await waitForStatus(refreshed, 'synced');
    expect(calls).toBe(2);

    const refused = await createMindfulClient({
      dataDir: 'memory://',
      userId: user.id,
      serverUrl: server.url,
      auth: { getToken: () => Promise.resolve('garbage.token') },
    });
    open.push(refused);
    await waitForStatus(refused, 'unauthorized');

    const other = await signUp(server.url);
    const forbidden = await createMindfulClient({
      dataDir: 'memory://',
      userId: user.id,
      serverUrl: server.url,
      auth: { getToken: () => Promise.resolve(other.token) },
    });
    open.push(forbidden);
    await waitForStatus(forbidden, 'forbidden');
  });

  it('a purge wipes a connected replica, which reconnects fresh and never brings old data back', async () => {
    const user = await signUp(server.url);
    const dataDir = path.join(dir, 'purged');
    const device = await client(user, dataDir);
    await waitForStatus(device, 'synced');
    await captureDay(device, DAY + 2 * 86_400_000, 21, 1);
    await eventually(
      async () => (await rows(user.id)).length === 1,
      20_000,
      'coding_sessions rows',
    );

    // A second device syncs, then is offline during the purge, still capturing.
    const laggardDir = path.join(dir, 'laggard');
    const laggard = await client(user, laggardDir);
    await waitForHistory(laggard, (p) => p.sessions.length === 1);
    await laggard.close();
    open.splice(open.indexOf(laggard), 1);
    const offline = await createMindfulClient({ dataDir: laggardDir, userId: user.id });
    await captureDay(offline, DAY + 3 * 86_400_000, 22, 1);
    expect((await offline.history()).sessions).toHaveLength(2);
    await offline.close();

    const wiped = device.events.once('wiped');
    const purge = await fetch(`${server.url}/api/privacy/purge?scope=data`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(purge.status).toBe(200);
    const { generation } = (await wiped) as { generation: number };
    expect(generation).toBeGreaterThan(1);
    await waitForStatus(device, 'synced');
    expect(device.generation).toBe(generation);
    expect((await device.history()).sessions).toEqual([]);
    expect(device.doc.readSessions().entries).toEqual([]);
    // Still nothing on the server after the fresh replica synced.
    await device.flush();
    expect(await rows(user.id)).toEqual([]);
    // A reopen keeps the new generation.
    await device.close();
    open.splice(open.indexOf(device), 1);
    const reopened = await client(user, dataDir);
    expect(reopened.generation).toBe(generation);
    await waitForStatus(reopened, 'synced');
    expect((await reopened.history()).sessions).toEqual([]);

    // The laggard comes back with the old generation: told to wipe before any sync, it holds
    // nothing of the purged data afterwards and sends none of it.
    const back = await createMindfulClient({
      dataDir: laggardDir,
      userId: user.id,
      serverUrl: server.url,
      auth: { getToken: () => Promise.resolve(user.token) },
    });
    open.push(back);
    await waitForStatus(back, 'synced');
    expect(back.generation).toBe(generation);
    expect((await back.history()).sessions).toEqual([]);
    expect(back.doc.readSessions().entries).toEqual([]);
    expect(reopened.doc.readSessions().entries).toEqual([]);
    expect(await rows(user.id)).toEqual([]);
  });
});
