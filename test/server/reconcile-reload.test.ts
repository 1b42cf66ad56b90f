import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp } from '../helpers/test-server';
import { startSyncServer, waitFor } from './sync-helpers';

describeEachStore('reconciling a reloaded document', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startSyncServer(store(), { idleUnloadMs: 150 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('skips rows that did not change since they were written, and rewrites one that did', async () => {
    const user = await signUp(server.url);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await authedFetch(server.url, user.token, '/api/sessions/start', {
        method: 'POST',
        body: { start_time: `2026-01-0${i + 1}T09:00:00.000Z` },
      });
      ids.push(((await response.json()) as { id: string }).id);
    }
    const { registry } = server.ctx;
    await waitFor(async () => {
      const { rows } = await store().pool.query(
        'SELECT count(*)::int AS n FROM coding_sessions WHERE user_id = $1 AND reconciled_fingerprint IS NOT NULL',
        [user.id],
      );
      return rows[0].n === 3;
    }, 'three fingerprinted rows');
    await waitFor(() => registry.loadedCount === 0, 'the idle document to unload');

    const upsertedBefore = registry.metrics.sessionsUpserted;
    const runsBefore = registry.metrics.reconcileRuns;
    // Loading the document again reconciles it; nothing changed, so nothing is rewritten.
    await authedFetch(server.url, user.token, '/api/privacy/settings');
    await waitFor(
      () => registry.metrics.reconcileRuns > runsBefore,
      'a reconciliation after the reload',
    );
    expect(registry.metrics.sessionsUpserted).toBe(upsertedBefore);

    // A real change is still written.
    await authedFetch(server.url, user.token, `/api/sessions/${ids[0]}/end`, {
      method: 'POST',
      body: { end_time: '2026-01-01T10:00:00.000Z' },
    });
    await waitFor(async () => {
      const { rows } = await store().pool.query(
        'SELECT end_time FROM coding_sessions WHERE id = $1',
        [ids[0]],
      );
      return rows[0]?.end_time !== null;
    }, 'the ended session row');
    expect(registry.metrics.sessionsUpserted).toBe(upsertedBefore + 1);
  });
});
