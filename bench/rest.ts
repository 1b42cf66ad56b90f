// REST figures: `PUT /api/sessions/:id/update` on the project (authenticated
// by bearer token, written durably through the user's document, on the bench
// store) next to bare Express 5 and bare node:http answering the same request,
// all started by the bench; load from autocannon in a separate process
// (bench/rest-load.ts), 16 connections and 1 connection. Each figure also
// gives the server's CPU per request (this process runs every server; the
// load runs elsewhere), and `POST /api/flow/detect` shows the same stack
// without a write. A last figure sends updates at an editor's pace instead
// of as fast as possible: there every update is reconciled (with the other
// documents due at the same time).
//   npx tsx bench/run.ts rest
import {
  createUsers,
  settled,
  startBenchServer,
  type BenchServer,
  type BenchUser,
} from './bench-server';
import { runChild } from './child';
import type { RestLoadJob, RestLoadResult } from './rest-load';
import { startBareExpress, startBareHttp } from './rest-targets';
import { ms, ratio, row } from './stats';

const SECONDS = 5;
const WARMUP_SECONDS = 1;
// More sessions than connections, so two requests rarely update one session at
// once (the server stamps each with its arrival time; two racing ones may
// arrive out of order and the later-stamped one is refused with 409).
const USERS = 64;
/** The paced figure: every user's document updated every 2 s (the debounce is 0.3 s). */
const PACED_RATE = 32;
const PACED_SECONDS = 10;

/** One activity update, timestamp left to the server (so any order of arrival is in order). */
const BODY = JSON.stringify({
  keystroke_intervals: [150, 170, 160, 180, 155, 165, 175, 150],
  context_switches: 0,
  error_events: 0,
  focus_duration: 60_000,
  file_modifications: 1,
  keystrokes: 8,
  lines_added: 1,
});

/** A load result, with the CPU this process (every server the bench starts) spent per request. */
type Measured = RestLoadResult & { cpuMicros: number; warmupRequests: number };

async function hammer(
  origin: string,
  slots: RestLoadJob['slots'],
  connections: number,
  request: {
    method?: RestLoadJob['method'];
    body: string;
    rate?: number;
    seconds?: number;
    /** Work the load leaves behind, counted in the CPU figure (awaited before it is read). */
    aftermath?: () => Promise<void>;
  } = {
    body: BODY,
  },
): Promise<Measured> {
  const { seconds: measuredSeconds = SECONDS, aftermath, ...rest } = request;
  const job = (seconds: number): RestLoadJob => ({
    origin,
    connections,
    seconds,
    slots,
    ...rest,
  });
  const warmup = await runChild<RestLoadResult>('./rest-load.ts', job(WARMUP_SECONDS));
  const cpu = process.cpuUsage();
  const result = await runChild<RestLoadResult>('./rest-load.ts', job(measuredSeconds));
  await aftermath?.();
  const used = process.cpuUsage(cpu);
  if (result.non2xx > result.requests / 100 || result.errors > 0) {
    throw new Error(`${origin}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return {
    ...result,
    cpuMicros: (used.user + used.system) / result.requests,
    warmupRequests: warmup.requests,
  };
}

const figure = (r: Measured) =>
  `${(r.requestsPerSecond / 1000).toFixed(2)} k req/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, ` +
  `server CPU ${r.cpuMicros.toFixed(0)} µs/request` +
  (r.non2xx > 0 ? ` (${r.non2xx} of ${r.requests} answered non-2xx)` : '');

/** A flow input for `POST /api/flow/detect` (stateless: nothing is written). */
const DETECT_BODY = JSON.stringify({
  keystroke_intervals: [150, 170, 160, 180, 155, 165, 175, 150],
  context_switches: 0,
  error_events: 0,
  window_focus_duration: 60_000,
  file_modifications: 1,
  timestamp: Date.UTC(2026, 0, 5, 9),
});

export async function benchRest(): Promise<void> {
  const bench = await startBenchServer();
  let stale: BenchServer | undefined;
  const express = await startBareExpress();
  const bare = await startBareHttp();
  try {
    // One user and one open session per slot: requests rotate over the users.
    const users = await createUsers(bench.store.db.pool, USERS);
    const slots = await openSessions(bench, users);
    const barePath = [{ path: '/api/sessions/00000000-0000-4000-8000-000000000000/update' }];
    console.log(
      `project store: ${bench.store.label}; ${USERS} users, one open session each; ` +
        `${SECONDS} s per figure after a ${WARMUP_SECONDS} s warm-up; autocannon reports whole ms`,
    );
    let updates16: Measured | undefined;
    for (const connections of [16, 1]) {
      const ours = await hammer(bench.server.url, slots, connections);
      if (connections === 16) updates16 = ours;
      const viaExpress = await hammer(express.origin, barePath, connections);
      const viaHttp = await hammer(bare.origin, barePath, connections);
      row(
        `PUT /api/sessions/:id/update, ${connections} connection${connections > 1 ? 's' : ''}`,
        figure(ours),
        `bare Express 5: ${figure(viaExpress)}; bare node:http: ${figure(viaHttp)}`,
        `throughput ${ratio(ours.requestsPerSecond, viaExpress.requestsPerSecond)} bare Express (goal ≥ 0.8×), ` +
          `${ratio(ours.requestsPerSecond, viaHttp.requestsPerSecond)} node:http; ` +
          `goal p99 ≤ ${connections > 1 ? 5 : 2} ms`,
      );
    }
    // Where the time goes: the same stack (auth, validation, flow engine, metrics) answering
    // without writing, next to the update, in server CPU per request.
    const detect = await hammer(
      bench.server.url,
      users.map((user) => ({ path: '/api/flow/detect', token: user.token })),
      16,
      { method: 'POST', body: DETECT_BODY },
    );
    row(
      'POST /api/flow/detect (same stack, nothing written), 16 connections',
      figure(detect),
      `bare Express 5 (above); PUT update (above)`,
      `throughput ${ratio(detect.requestsPerSecond, updates16!.requestsPerSecond)} the update's; ` +
        `the update's CPU beyond it is the document write, the durable append and the reconciliation`,
    );

    // At an editor's pace each user's document is quiet for longer than the reconciliation's
    // debounce between two updates, so every update is reconciled; the documents falling due
    // in the same window share a transaction.
    const paced = await pacedUpdates(bench, slots);
    const pacedExpress = await hammer(express.origin, barePath, 16, {
      body: BODY,
      rate: PACED_RATE,
      seconds: PACED_SECONDS,
    });
    row(
      `PUT /api/sessions/:id/update at an editor's pace: ${USERS} users, one update each every ` +
        `${USERS / PACED_RATE} s (${PACED_RATE} req/s for ${PACED_SECONDS} s)`,
      pacedFigure(paced),
      `bare Express 5 at the same rate: ${pacedExpress.cpuMicros.toFixed(0)} µs/request`,
      `${ratio(paced.cpuMicros, pacedExpress.cpuMicros)} Express's CPU per request ` +
        '(autocannon sends a rate in bursts: latencies are not shown)',
    );

    // The extension sends an update every 30 s, past the 10 s token cache: each request's
    // token is checked again. The same pace on a server whose cache lasts 1 s shows that.
    stale = await startBenchServer({ AUTH_SESSION_CACHE_MS: '1000' });
    const staleSlots = await openSessions(stale, await createUsers(stale.store.db.pool, USERS));
    const pacedStale = await pacedUpdates(stale, staleSlots);
    row(
      `the same, each token past the server's token cache (AUTH_SESSION_CACHE_MS=1000), ` +
        'as at the extension’s pace of one update every 30 s',
      pacedFigure(pacedStale),
      `bare Express 5 at the same rate (above): ${pacedExpress.cpuMicros.toFixed(0)} µs/request`,
      `${ratio(pacedStale.cpuMicros, pacedExpress.cpuMicros)} Express's CPU per request`,
    );
  } finally {
    await bare.close();
    await express.close();
    await bench.close();
    await stale?.close();
  }
}

/** Starts a session for each user: the update URL and the bearer token, one slot each. */
async function openSessions(bench: BenchServer, users: BenchUser[]): Promise<RestLoadJob['slots']> {
  const slots: RestLoadJob['slots'] = [];
  for (const user of users) {
    const response = await fetch(`${bench.server.url}/api/sessions/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ start_time: new Date().toISOString() }),
    });
    if (response.status !== 201) throw new Error(`session start answered ${response.status}`);
    const { id } = (await response.json()) as { id: string };
    slots.push({ path: `/api/sessions/${id}/update`, token: user.token });
  }
  return slots;
}

/** Updates at an editor's pace, with the reconciliation they cause. */
type Paced = Measured & { runsPerUpdate: number; batches: number };

/**
 * At an editor's pace each user's document is quiet for longer than the reconciliation's
 * debounce between two updates, so every update is reconciled; the documents falling due in
 * the same window share a transaction.
 */
async function pacedUpdates(bench: BenchServer, slots: RestLoadJob['slots']): Promise<Paced> {
  await settled(bench.store.db.pool);
  const { metrics } = bench.server.ctx.registry;
  const runsBefore = metrics.reconcileRuns;
  const batchesBefore = metrics.reconcileBatches;
  const paced = await hammer(bench.server.url, slots, 16, {
    body: BODY,
    rate: PACED_RATE,
    seconds: PACED_SECONDS,
    // The reconciliations the last updates are due (the CPU figure includes them).
    aftermath: () => settled(bench.store.db.pool),
  });
  return {
    ...paced,
    runsPerUpdate: (metrics.reconcileRuns - runsBefore) / (paced.requests + paced.warmupRequests),
    batches: metrics.reconcileBatches - batchesBefore,
  };
}

const pacedFigure = (paced: Paced) =>
  `server CPU ${paced.cpuMicros.toFixed(0)} µs/update, its reconciliation included; ` +
  `${paced.runsPerUpdate.toFixed(2)} documents reconciled per update, ` +
  `${paced.batches} transactions reconciling several documents`;
