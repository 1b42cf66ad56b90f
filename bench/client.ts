// Client SDK costs, each next to a baseline measured in the same process:
// - capture cost per activity event vs the bare FlowDetector update on the same events;
// - time to catch up a week of offline sessions after reconnecting (real server; PostgreSQL as in
//   bench-store.ts, else PGlite).
//   npx tsx bench/client.ts
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlowDetector, activityToFlowInput } from '@mindful/shared';
import { createMindfulClient, type MindfulClient } from '@mindful/client-sdk';
import * as server from '@mindful/server';
import { toActivityUpdate, workingDay } from '../test/client-sdk/fixtures/working-day';
import { openBenchStore } from './bench-store';

const USER = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const DAY = Date.parse('2026-03-02T08:00:00Z');
const CAPTURE_EVENTS = 600;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

async function captureWeek(client: MindfulClient, sessionsPerDay: number): Promise<number> {
  let events = 0;
  for (let d = 0; d < 7; d++) {
    for (const planned of workingDay(DAY + d * 86_400_000, {
      seed: d + 1,
      sessions: sessionsPerDay,
      minutes: 30,
    })) {
      await client.startSession({ startTime: planned.start, language: planned.language });
      for (const event of planned.events) {
        await client.recordActivity(event);
        events++;
      }
      await client.endSession(planned.end);
    }
  }
  return events;
}

async function benchCapture(dir: string): Promise<void> {
  const day = workingDay(DAY, { seed: 5, sessions: 1, minutes: (CAPTURE_EVENTS * 30) / 60 })[0]!;
  // Baseline: the bare detector on the same events (what capture cannot avoid).
  const inputs = day.events.map((e) => activityToFlowInput(toActivityUpdate(e)));
  const detector = new FlowDetector();
  const started = performance.now();
  for (const input of inputs) detector.update(input);
  const bareMs = (performance.now() - started) / inputs.length;

  const client = await createMindfulClient({ dataDir: path.join(dir, 'capture'), userId: USER });
  await client.startSession({ startTime: day.start, language: day.language });
  const samples: number[] = [];
  for (const event of day.events) {
    const t = performance.now();
    await client.recordActivity(event);
    samples.push(performance.now() - t);
  }
  await client.endSession(day.end);
  await client.close();
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  console.log(
    `capture per event: mean ${mean.toFixed(2)} ms, p50 ${samples[samples.length >> 1]!.toFixed(2)} ms, ` +
      `p99 ${samples[Math.floor(samples.length * 0.99)]!.toFixed(2)} ms (${samples.length} events; ` +
      `durable in the replica and the document on return)`,
  );
  console.log(
    `baseline bare FlowDetector.update: ${(bareMs * 1000).toFixed(1)} µs/event; capture/baseline = ${(mean / bareMs).toFixed(0)}x`,
  );
}

async function benchCatchUp(dir: string): Promise<void> {
  const config = server.parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    ENCRYPTION_KEY: 'b2'.repeat(32),
    BETTER_AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-01',
    LOG_LEVEL: 'silent',
  });
  const store = await openBenchStore();
  const database = store.db;
  const running = await server.startServer({
    config,
    log: server.createLogger('silent'),
    database,
  });
  try {
    const signUp = await fetch(`${running.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `bench-${Date.now()}@example.com`,
        password: 'correct horse battery',
        name: 'Bench',
      }),
    });
    const token = signUp.headers.get('set-auth-token');
    const userId = ((await signUp.json()) as { user: { id: string } }).user.id;
    if (!token) throw new Error(`sign-up failed: ${signUp.status}`);
    const dataDir = path.join(dir, 'week');
    const offline = await createMindfulClient({ dataDir, userId });
    const [events, captureMs] = await timed(() => captureWeek(offline, 4));
    const sessions = (await offline.history({ limit: 500 })).sessions.length;
    await offline.close();
    console.log(
      `offline week: ${sessions} sessions, ${events} events captured in ${(captureMs / 1000).toFixed(1)} s`,
    );

    const auth = { getToken: () => Promise.resolve(token) };
    const started = performance.now();
    const online = await createMindfulClient({ dataDir, userId, serverUrl: running.url, auth });
    await online.whenSynced();
    const syncedMs = performance.now() - started;
    const count = async () =>
      (
        await database.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM coding_sessions WHERE user_id = $1',
          [userId],
        )
      ).rows[0]!.n;
    while ((await count()) < sessions) await new Promise((resolve) => setTimeout(resolve, 50));
    const reconciledMs = performance.now() - started;
    const dashboardStart = performance.now();
    const dashboard = await createMindfulClient({
      dataDir: 'memory://',
      userId,
      serverUrl: running.url,
      auth,
    });
    await new Promise<void>((resolve, reject) => {
      dashboard.live
        .history((page) => page.sessions.length >= sessions && resolve(), { limit: 500 })
        .catch(reject);
    });
    const dashboardMs = performance.now() - dashboardStart;
    console.log(
      `catch-up after reconnect: synced in ${syncedMs.toFixed(0)} ms (incl. warm open), all ${sessions} ` +
        `sessions in ${store.label} after ${reconciledMs.toFixed(0)} ms; a fresh second client ` +
        `(cold memory:// open + sync + materialise) has them after ${dashboardMs.toFixed(0)} ms`,
    );
    await dashboard.close();
    await online.close();
  } finally {
    await running.close();
    await store.dispose();
  }
}

/** Runs the client benchmarks and prints their figures. */
export async function benchClient(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-bench-client-'));
  try {
    await benchCapture(dir);
    await benchCatchUp(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await benchClient();
}
