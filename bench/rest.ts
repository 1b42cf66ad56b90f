// REST figures: `PUT /api/sessions/:id/update` on the project (authenticated
// by bearer token, written durably through the user's document, on the bench
// store) next to bare Express 5 and bare node:http answering the same request,
// all started by the bench; load from autocannon in a separate process
// (bench/rest-load.ts), 16 connections and 1 connection.
//   npx tsx bench/run.ts rest
import { createUsers, startBenchServer } from './bench-server';
import { runChild } from './child';
import type { RestLoadJob, RestLoadResult } from './rest-load';
import { startBareExpress, startBareHttp } from './rest-targets';
import { ms, ratio, row } from './stats';

const SECONDS = 5;
const WARMUP_SECONDS = 1;
const USERS = 16;

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

async function hammer(
  origin: string,
  slots: RestLoadJob['slots'],
  connections: number,
): Promise<RestLoadResult> {
  const job = (seconds: number): RestLoadJob => ({
    origin,
    connections,
    seconds,
    slots,
    body: BODY,
  });
  await runChild<RestLoadResult>('./rest-load.ts', job(WARMUP_SECONDS));
  const result = await runChild<RestLoadResult>('./rest-load.ts', job(SECONDS));
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${origin}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result;
}

const figure = (r: RestLoadResult) =>
  `${(r.requestsPerSecond / 1000).toFixed(2)} k req/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`;

export async function benchRest(): Promise<void> {
  const bench = await startBenchServer();
  const express = await startBareExpress();
  const bare = await startBareHttp();
  try {
    // One user and one open session per slot: requests rotate over 16 users.
    const users = await createUsers(bench.store.db.pool, USERS);
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
    const barePath = [{ path: '/api/sessions/00000000-0000-4000-8000-000000000000/update' }];
    console.log(
      `project store: ${bench.store.label}; ${USERS} users, one open session each; ` +
        `${SECONDS} s per figure after a ${WARMUP_SECONDS} s warm-up`,
    );
    for (const connections of [16, 1]) {
      const ours = await hammer(bench.server.url, slots, connections);
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
  } finally {
    await bare.close();
    await express.close();
    await bench.close();
  }
}
