import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { signUp, type TestUser } from '../helpers/test-server';
import { sessionEntry, startSyncServer, waitFor } from './sync-helpers';

/**
 * When a document's rows are brought up to date: once its updates pause for
 * the debounce, and while they keep coming at the latest every maximum wait.
 * A document written continuously is reconciled a few times, not after every
 * burst; the rows end up equal to the document either way.
 */
describeEachStore('reconciliation schedule', (store) => {
  const DEBOUNCE_MS = 150;
  const MAX_WAIT_MS = 600;
  let server: RunningServer;
  /** The same debounce, a maximum wait far beyond the test's patience. */
  let patient: RunningServer;
  let user: TestUser;
  const runs = () => server.ctx.registry.metrics.reconcileRuns;
  const keystrokesInRow = async (id: string) =>
    (
      await store().pool.query<{ keystrokes: number }>(
        'SELECT keystrokes FROM coding_sessions WHERE id = $1',
        [id],
      )
    ).rows[0]?.keystrokes;

  beforeAll(async () => {
    server = await startSyncServer(store(), {
      reconcileDebounceMs: DEBOUNCE_MS,
      reconcileMaxWaitMs: MAX_WAIT_MS,
    });
    user = await signUp(server.url);
    patient = await startSyncServer(store(), {
      reconcileDebounceMs: DEBOUNCE_MS,
      reconcileMaxWaitMs: 600_000,
    });
  });
  afterAll(async () => {
    await patient?.close();
    await server?.close();
  });

  it('reconciles a continuously written document every maximum wait, then once it pauses', async () => {
    const entry = sessionEntry();
    const before = runs();
    // An update every 50 ms for 1.8 s: never a pause as long as the debounce.
    const started = Date.now();
    let keystrokes = 0;
    while (Date.now() - started < 1_800) {
      keystrokes++;
      await server.ctx.registry.write(user.id, (doc) => doc.putSession({ ...entry, keystrokes }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Rows were brought up to date while the writes went on (the maximum wait)...
    const during = runs() - before;
    expect(during).toBeGreaterThanOrEqual(1);
    // ...but not after every burst: with a debounce counted from the first change, about
    // 1,800 / 150 = 12 runs; with the maximum wait about 1,800 / 600 = 3.
    expect(during).toBeLessThanOrEqual(5);
    await waitFor(async () => (await keystrokesInRow(entry.id)) === keystrokes, 'the last write');
  });

  it('reconciles an update once the writes pause, without waiting for the maximum wait', async () => {
    const other = await signUp(patient.url);
    const entry = sessionEntry();
    const before = patient.ctx.registry.metrics.reconcileRuns;
    await patient.ctx.registry.write(other.id, (doc) => doc.putSession(entry));
    await waitFor(async () => (await keystrokesInRow(entry.id)) !== undefined, 'the row', 10_000);
    expect(patient.ctx.registry.metrics.reconcileRuns - before).toBe(1);
  });
});
