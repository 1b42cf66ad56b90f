// Sync server figures, the project next to @y/websocket-server (the Yjs
// project's in-memory reference: no auth, no persistence) in the same run,
// same client harness (bench/sync-load.ts in a child process), same users:
//   - CRDT updates end to end: 200 users, each with a writer and an observer
//     replica, 400 updates per writer (inside the 500-message burst budget);
//   - one update writer → server → observer, p50/p99 of 1,000 updates, alone
//     (once the server has reconciled what the throughput section wrote) and
//     with 1,000 users connected (the others idle in another child process);
//   - server memory per 1,000 idle connected users.
// The project runs on PostgreSQL (BENCH_DATABASE_URL / TEST_DATABASE_URL) or
// in-memory PGlite: authenticated, encrypting and durably logging every update.
//   npx tsx bench/run.ts sync
import v8 from 'node:v8';
import vm from 'node:vm';
import { userDocName } from '@mindful/shared';
import { createUsers, settled, startBenchServer, type BenchUser } from './bench-server';
import { runChild, startChild } from './child';
import type { LatencyResult, LoadClient, LoadJob, ThroughputResult } from './sync-load';
import { startReferenceServer } from './sync-reference';
import { mb, ms, pct, perSecond, ratio, row } from './stats';

const WRITERS = 200;
const UPDATES_PER_WRITER = 400;
// p99 of 1,000 samples is their 10th slowest, not (as with 200) their 2nd.
const LATENCY_SAMPLES = 1_000;
const IDLE_USERS = 999;
const ROUNDS = Number(process.env.BENCH_SYNC_ROUNDS ?? 1);

interface Target {
  name: string;
  wsBase: string;
  client(user: BenchUser): LoadClient;
}

/** A real GC before reading memory, so a delta is live objects, not garbage. */
const gc: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

function memory(): { heap: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external }; // external includes arrayBuffers
}

const load = <T>(job: LoadJob) => runChild<T>('./sync-load.ts', job);

async function throughput(target: Target, users: BenchUser[]): Promise<number> {
  const result = await load<ThroughputResult>({
    mode: 'throughput',
    wsBase: target.wsBase,
    clients: users.map((u) => target.client(u)),
    updates: UPDATES_PER_WRITER,
  });
  return (result.updates / result.ms) * 1000;
}

async function latency(target: Target, user: BenchUser): Promise<number[]> {
  gc();
  const result = await load<LatencyResult>({
    mode: 'latency',
    wsBase: target.wsBase,
    clients: [target.client(user)],
    samples: LATENCY_SAMPLES,
  });
  return result.samples;
}

/** Latency with `idle` other users connected, and the server memory those users cost. */
async function crowdedLatency(target: Target, measured: BenchUser, idle: BenchUser[]) {
  const before = memory();
  const crowd = await startChild('./sync-load.ts', {
    mode: 'idle',
    wsBase: target.wsBase,
    clients: idle.map((u) => target.client(u)),
  } satisfies LoadJob);
  try {
    const after = memory();
    const samples = await latency(target, measured);
    return { samples, heap: after.heap - before.heap };
  } finally {
    await crowd.stop();
  }
}

const lat = (xs: number[]) => `p50 ${ms(pct(xs, 0.5))}, p99 ${ms(pct(xs, 0.99))}`;

export async function benchSync(): Promise<void> {
  const bench = await startBenchServer();
  const reference = await startReferenceServer();
  try {
    const users = await createUsers(bench.store.db.pool, 1 + IDLE_USERS + WRITERS);
    const measured = users[0]!;
    const idle = users.slice(1, 1 + IDLE_USERS);
    const writers = users.slice(1 + IDLE_USERS);
    const project: Target = {
      name: 'project',
      wsBase: `${bench.server.url.replace(/^http/, 'ws')}/sync`,
      client: (u) => ({ room: userDocName(u.id), params: { token: u.token, generation: '1' } }),
    };
    const peer: Target = {
      name: '@y/websocket-server 0.1.1',
      wsBase: reference.wsBase,
      client: (u) => ({ room: userDocName(u.id), params: {} }),
    };
    console.log(
      `project store: ${bench.store.label} (authenticated, encrypted, durably logged); ` +
        `reference: ${peer.name} (in memory, no auth, no persistence)`,
    );

    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      theirs.push(await throughput(peer, writers));
      ours.push(await throughput(project, writers));
    }
    const best = (xs: number[]) => Math.max(...xs);
    row(
      `CRDT updates end to end, ${WRITERS} users (writer + observer replica each), ${UPDATES_PER_WRITER} updates per writer, ${ROUNDS} rounds`,
      ours.map(perSecond).join(', '),
      theirs.map(perSecond).join(', '),
      `ratio (best of each): ${ratio(best(ours), best(theirs))} the reference (goal ≥ 1.0×)`,
    );

    // The throughput section leaves 200 documents to reconcile: not this figure's work.
    await settled(bench.store.db.pool);
    const aloneOurs = await latency(project, measured);
    const aloneTheirs = await latency(peer, measured);
    row(
      'one update writer → server → observer, 1 user connected',
      lat(aloneOurs),
      lat(aloneTheirs),
      `p50 ${ratio(pct(aloneOurs, 0.5), pct(aloneTheirs, 0.5))}, p99 ${ratio(pct(aloneOurs, 0.99), pct(aloneTheirs, 0.99))} the reference's time (goal p50 ≤ 0.5 ms, p99 ≤ 3 ms)`,
    );

    const crowdedOurs = await crowdedLatency(project, measured, idle);
    const crowdedTheirs = await crowdedLatency(peer, measured, idle);
    row(
      `one update writer → server → observer, ${IDLE_USERS + 1} users connected`,
      lat(crowdedOurs.samples),
      lat(crowdedTheirs.samples),
      `p50 ${ratio(pct(crowdedOurs.samples, 0.5), pct(crowdedTheirs.samples, 0.5))}, p99 ${ratio(pct(crowdedOurs.samples, 0.99), pct(crowdedTheirs.samples, 0.99))} the reference's time`,
    );
    const perThousand = (bytes: number) => (bytes / IDLE_USERS) * 1000;
    row(
      'server memory per 1,000 idle connected users (heap + external after GC)',
      mb(perThousand(crowdedOurs.heap)),
      mb(perThousand(crowdedTheirs.heap)),
      'seed: < 20 MB per 1,000 idle users',
    );
  } finally {
    await reference.close();
    await bench.close();
  }
}
