// Reconciliation cost as a document grows: one session changes in the
// document of a user with 2,000 sessions (a year or two of use) and in the
// document of a user with one, on the bench store; CPU and wall time of the
// run, each the median of 20. The work should follow what changed, not the
// document's size.
//   npx tsx bench/run.ts reconcile
import { sessionEntry } from '../test/server/sync-helpers';
import { createUsers, startBenchServer, type BenchServer } from './bench-server';
import { median, ms, ratio, row } from './stats';

const LARGE = 2_000;
const RUNS = 20;

async function changeOne(
  bench: BenchServer,
  userId: string,
  size: number,
): Promise<{ cpu: number; wall: number }> {
  const { registry, projection } = bench.server.ctx;
  const entries = Array.from({ length: size }, (_, i) =>
    sessionEntry({ start_time: new Date(Date.UTC(2025, 0, 1) + i * 4 * 3600_000).toISOString() }),
  );
  await registry.write(userId, (doc) => {
    for (const entry of entries) doc.putSession(entry);
  });
  await projection.reconcileNow(userId);
  const cpu: number[] = [];
  const wall: number[] = [];
  const changed = entries[0]!;
  for (let k = 1; k <= RUNS; k++) {
    await registry.write(userId, (doc) => doc.putSession({ ...changed, keystrokes: k }));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await projection.reconcileNow(userId);
    wall.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

export async function benchReconcile(): Promise<void> {
  const bench = await startBenchServer();
  try {
    const [large, small] = await createUsers(bench.store.db.pool, 2);
    const big = await changeOne(bench, large!.id, LARGE);
    const one = await changeOne(bench, small!.id, 1);
    row(
      `one changed session reconciled, document of ${LARGE.toLocaleString('en')} sessions (${bench.store.label})`,
      `CPU ${ms(big.cpu)}, wall ${ms(big.wall)}`,
      `document of 1 session: CPU ${ms(one.cpu)}, wall ${ms(one.wall)}`,
      `CPU ${ratio(big.cpu, one.cpu)} the one-session document's`,
    );
  } finally {
    await bench.close();
  }
}
