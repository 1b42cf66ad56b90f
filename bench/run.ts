// `npm run bench [-- section ...]`: the project's figures, each next to a
// reference measured in the same run. Sections: flow, sync, rest, replica,
// client, reconcile, teams, wakatime (default: all). Database-backed sections use PostgreSQL from
// BENCH_DATABASE_URL or TEST_DATABASE_URL (a scratch database each, dropped
// afterwards), else in-memory PGlite; every figure names its store.
import os from 'node:os';
import { benchClient } from './client';
import { benchFlow } from './flow';
import { benchReconcile } from './reconcile';
import { benchReplica } from './replica';
import { benchRest } from './rest';
import { benchSync } from './sync';
import { benchTeams } from './teams';
import { benchWakatime } from './wakatime';

const sections: [string, string, () => Promise<void>][] = [
  ['flow', 'flow detection (shared)', benchFlow],
  ['sync', 'sync server vs @y/websocket-server', benchSync],
  ['rest', 'REST vs bare Express 5 and bare node:http (autocannon, separate process)', benchRest],
  ['replica', 'SDK replica open, fresh process each', benchReplica],
  ['client', 'client SDK capture and catch-up', benchClient],
  ['reconcile', 'reconciliation as the document grows', benchReconcile],
  ['teams', 'team aggregation', benchTeams],
  ['wakatime', 'WakaTime heartbeat ingest vs PostgreSQL COPY', benchWakatime],
];

const only = process.argv.slice(2);
const unknown = only.filter((word) => !sections.some(([key]) => key === word));
if (unknown.length > 0) {
  console.error(
    `unknown section(s): ${unknown.join(', ')}; choose from ${sections.map(([k]) => k).join(', ')}`,
  );
  process.exit(2);
}
const started = Date.now();
const load = os
  .loadavg()
  .map((n) => n.toFixed(1))
  .join(' ');
console.log(
  `${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · Node ${process.version} · load average ${load}`,
);
for (const [key, title, run] of sections) {
  if (only.length > 0 && !only.includes(key)) continue;
  const t = Date.now();
  console.log(`\n=== ${key}: ${title} ===`);
  await run();
  console.log(`(${key}: ${((Date.now() - t) / 1000).toFixed(0)} s)`);
}
console.log(`\nbench took ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);
