// Sync server figures, each next to a baseline measured in the same run:
//   - update latency replica → server → second replica (p50/p99) with 1, 100
//     and 1000 connected users (the others idle, held by a child process so
//     their client-side cost does not count as the server's);
//   - PUT /api/sessions/:id/update throughput and p99 next to a bare
//     node:http server answering the same request;
//   - server memory per 1000 idle connected users.
// Store: PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, a fresh database
// is created and dropped) or in-memory PGlite.
//   npx tsx bench/sync.ts          (node --expose-gc --import tsx bench/sync.ts for exact memory)
import { openBenchStore } from './bench-store';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { userDocName } from '@mindful/shared';
import { createLogger, parseConfig, startServer } from '@mindful/server';

const LATENCY_SAMPLES = 200;
const PUT_REQUESTS = 2000;
const PUT_CONCURRENCY = 16;
const IDLE_STEPS = [0, 99, 999];

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;

interface BenchUser {
  id: string;
  token: string;
}

/** Users with bearer sessions, created in SQL (signing up 1000 users would time password hashing). */
async function createUsers(pool: pg.Pool, count: number): Promise<BenchUser[]> {
  const tag = randomBytes(4).toString('hex');
  const { rows } = await pool.query<{ id: string; token: string }>(
    `WITH u AS (
       INSERT INTO users (email, name) SELECT 'bench-' || $1 || '-' || g || '@example.com', 'Bench'
       FROM generate_series(1, $2) g RETURNING id)
     INSERT INTO auth_sessions (user_id, token, expires_at)
     SELECT id, md5(random()::text || id::text) || md5(random()::text), NOW() + interval '1 day' FROM u
     RETURNING user_id::text AS id, token`,
    [tag, count],
  );
  return rows;
}

function provider(wsBase: string, user: BenchUser, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(wsBase, userDocName(user.id), doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token: user.token, generation: '1' },
    disableBc: true,
  });
}

const syncedOnce = (p: WebsocketProvider) =>
  new Promise<void>((resolve) => (p.synced ? resolve() : p.once('sync', () => resolve())));

/** Latency of one map write from replica A to replica B of the same user, through the server. */
async function updateLatency(
  wsBase: string,
  user: BenchUser,
): Promise<{ p50: number; p99: number }> {
  const a = provider(wsBase, user, new Y.Doc());
  const b = provider(wsBase, user, new Y.Doc());
  await Promise.all([syncedOnce(a), syncedOnce(b)]);
  const map = a.doc.getMap('bench');
  const seen = b.doc.getMap('bench');
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const arrived = new Promise<void>((resolve) => {
      const check = () => {
        if (seen.get('n') === i) {
          seen.unobserve(check);
          resolve();
        }
      };
      seen.observe(check);
    });
    const started = performance.now();
    map.set('n', i);
    await arrived;
    samples.push(performance.now() - started);
  }
  a.destroy();
  b.destroy();
  a.doc.destroy();
  b.doc.destroy();
  return { p50: pct(samples, 0.5), p99: pct(samples, 0.99) };
}

/** Holds `users` idle connections in a child process; resolves once all are synced. */
async function idleClients(wsBase: string, users: BenchUser[]): Promise<{ stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--idle-clients'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  child.stdin.end(JSON.stringify({ wsBase, users }));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`idle clients exited with ${code}`)));
  });
  return {
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Child mode: one raw y-websocket client per user, synced then idle. */
async function runIdleClients(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const { wsBase, users } = JSON.parse(input) as { wsBase: string; users: BenchUser[] };
  const sockets: WebSocket[] = [];
  const BATCH = 50;
  for (let i = 0; i < users.length; i += BATCH) {
    await Promise.all(
      users.slice(i, i + BATCH).map(
        (user) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(
              `${wsBase}/${userDocName(user.id)}?token=${encodeURIComponent(user.token)}&generation=1`,
            );
            sockets.push(ws);
            ws.once('message', () => resolve()); // the server's sync step 1: loaded and attached
            ws.once('close', (code) => reject(new Error(`idle client closed with ${code}`)));
          }),
      ),
    );
  }
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
}

function activity(i: number) {
  return {
    keystroke_intervals: [150, 170, 160, 180, 155, 165, 175, 150],
    context_switches: 0,
    error_events: 0,
    focus_duration: 60_000,
    file_modifications: 1,
    keystrokes: 8,
    lines_added: 1,
    timestamp: Date.UTC(2026, 0, 5, 9) + i * 1000,
  };
}

/**
 * Runs PUT_REQUESTS requests, `concurrency` at a time (one session per worker,
 * timestamps in order; a later call continues after the earlier timestamps).
 */
async function hammer(
  url: (worker: number) => string,
  headers: Record<string, string>,
  method = 'PUT',
  concurrency = PUT_CONCURRENCY,
  firstStep = 0,
) {
  const latencies: number[] = [];
  const perWorker = PUT_REQUESTS / concurrency;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = firstStep; i < firstStep + perWorker; i++) {
        const t = performance.now();
        const response = await fetch(url(worker), {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: method === 'GET' ? undefined : JSON.stringify(activity(i)),
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`PUT answered ${response.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: PUT_REQUESTS / seconds,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
  };
}

/** The same request answered by a bare node:http server (parse JSON, answer a fixed result). */
async function bareBaseline(concurrency = PUT_CONCURRENCY) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      JSON.parse(body);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          is_in_flow: false,
          flow_intensity: 0.5,
          flow_duration_ms: 0,
          confidence: 0.1,
          recommendations: [],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await hammer(
      () => `http://127.0.0.1:${port}/api/sessions/x/update`,
      {},
      'PUT',
      concurrency,
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A real GC before measuring memory, so the delta is live objects, not garbage. */
const gc: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

function memory(): { heap: number; rss: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  // `external` already includes `arrayBuffers`.
  return { heap: m.heapUsed + m.external, rss: m.rss };
}

export async function benchSync(): Promise<void> {
  const store = await openBenchStore();
  const config = parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    ENCRYPTION_KEY: 'b2'.repeat(32),
    BETTER_AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-01',
    LOG_LEVEL: 'silent',
  });
  const server = await startServer({ config, log: createLogger('silent'), database: store.db });
  const wsBase = `${server.url.replace(/^http/, 'ws')}/sync`;
  try {
    console.log(`store: ${store.db.kind}`);
    const [measured, ...others] = await createUsers(
      store.db.pool,
      1 + IDLE_STEPS[IDLE_STEPS.length - 1]!,
    );
    let memoryLine = '';
    for (const idle of IDLE_STEPS) {
      const before = memory();
      const clients = idle > 0 ? await idleClients(wsBase, others.slice(0, idle)) : null;
      try {
        if (idle === 999) {
          const after = memory();
          memoryLine =
            `server memory for ${idle} idle users (doc loaded + socket each): ` +
            `heap+external ${((after.heap - before.heap) / 1024 / 1024).toFixed(1)} MiB, ` +
            `rss ${((after.rss - before.rss) / 1024 / 1024).toFixed(1)} MiB ` +
            `(≈ ${((after.heap - before.heap) / idle).toFixed(0)} B/user heap)`;
        }
        const { p50, p99 } = await updateLatency(wsBase, measured!);
        console.log(`[${new Date().toISOString()}]`);
        console.log(
          `update latency replica → server → replica, ${idle + 1} connected users: p50 ${ms(p50)}, p99 ${ms(p99)}`,
        );
      } finally {
        await clients?.stop();
      }
    }
    console.log(memoryLine);

    const headers = { authorization: `Bearer ${measured!.token}` };
    const sessions: string[] = [];
    for (let i = 0; i < PUT_CONCURRENCY; i++) {
      const response = await fetch(`${server.url}/api/sessions/start`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ start_time: new Date(Date.UTC(2026, 0, 5, 9)).toISOString() }),
      });
      sessions.push(((await response.json()) as { id: string }).id);
    }
    const update = (w: number) => `${server.url}/api/sessions/${sessions[w]}/update`;
    const ours = await hammer(update, headers);
    const bare = await bareBaseline();
    // One client at a time: the latency of a single update (the seed asked < 5 ms).
    const alone = await hammer(update, headers, 'PUT', 1, PUT_REQUESTS / PUT_CONCURRENCY);
    const bareAlone = await bareBaseline(1);
    const authOnly = await hammer(() => `${server.url}/api/me`, headers, 'GET');
    console.log(
      `GET /api/me (authentication alone): ${authOnly.perSecond.toFixed(0)} req/s, p99 ${ms(authOnly.p99)}`,
    );
    console.log(
      `PUT /api/sessions/:id/update (${PUT_CONCURRENCY} concurrent): ${ours.perSecond.toFixed(0)} req/s, p99 ${ms(ours.p99)} ` +
        `| bare node:http: ${bare.perSecond.toFixed(0)} req/s, p99 ${ms(bare.p99)} | ratio ${(bare.perSecond / ours.perSecond).toFixed(1)}× slower`,
    );
    console.log(
      `PUT /api/sessions/:id/update (one at a time): p50 ${ms(alone.p50)}, p99 ${ms(alone.p99)} ` +
        `| bare node:http: p50 ${ms(bareAlone.p50)}, p99 ${ms(bareAlone.p99)} | ratio ${(alone.p50 / bareAlone.p50).toFixed(1)}× at p50`,
    );
  } finally {
    await server.close();
    await store.dispose();
  }
}

if (process.argv.includes('--idle-clients')) {
  await runIdleClients();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  await benchSync();
  console.log(`(bench took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  process.exit(0);
}
