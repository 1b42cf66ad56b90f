import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UserDoc } from '@mindful/shared';
import { placeOf, type RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { signUp, type TestUser } from '../helpers/test-server';
import { connectReplica, sessionEntry, startSyncServer, synced, waitFor } from './sync-helpers';

describeEachStore('reconciler with hostile documents', (store) => {
  let server: RunningServer;
  let victim: TestUser;
  let attacker: TestUser;
  const metrics = () => server.ctx.registry.metrics;
  /** Writes raw values into the user's server-side document, bypassing UserDoc validation. */
  const writeRaw = (userId: string, map: 'sessions' | 'flow_states', key: string, value: unknown) =>
    server.ctx.registry.write(userId, (doc) => doc.ydoc.getMap(map).set(key, value));
  const rowsOf = async (userId: string) =>
    (
      await store().pool.query(
        'SELECT id::text, keystrokes FROM coding_sessions WHERE user_id = $1 ORDER BY id',
        [userId],
      )
    ).rows;

  beforeAll(async () => {
    server = await startSyncServer(store(), { reconcileDebounceMs: 10_000 });
    victim = await signUp(server.url);
    attacker = await signUp(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('skips and counts invalid entries: wrong types, huge strings, NaN, mismatched keys, smuggled user_id', async () => {
    const before = metrics().entriesRejectedInvalid;
    const valid = sessionEntry({ keystrokes: 5 });
    await server.ctx.registry.write(attacker.id, (doc) => doc.putSession(valid));
    // Each entry is stored under its own id unless the case is about the key.
    const at = (make: (id: string) => unknown): [string, unknown] => {
      const id = randomUUID();
      return [id, make(id)];
    };
    const hostile: [string, unknown][] = [
      at((id) => ({ ...sessionEntry({ id }), keystrokes: 'lots' })),
      at((id) => ({ ...sessionEntry({ id }), project_path: 'x'.repeat(1_000_000) })),
      at((id) => ({ ...sessionEntry({ id }), focus_score: NaN })),
      at((id) => ({ ...sessionEntry({ id }), keystrokes: Infinity })),
      at(() => sessionEntry()), // stored under a key that is not its id
      at((id) => ({ ...sessionEntry({ id }), user_id: victim.id })),
      at(() => null),
      at(() => [1, 2, 3]),
      ['not-a-uuid', { ...sessionEntry(), id: 'not-a-uuid' }],
      at((id) => ({ ...sessionEntry({ id }), environment_data: { blob: 'y'.repeat(100_000) } })),
      at((id) =>
        sessionEntry({ id, start_time: '2026-01-05T10:00:00Z', end_time: '2026-01-05T09:00:00Z' }),
      ),
    ];
    for (const [key, value] of hostile) await writeRaw(attacker.id, 'sessions', key, value);
    await server.ctx.projection.reconcileNow(attacker.id);
    expect(await rowsOf(attacker.id)).toEqual([{ id: valid.id, keystrokes: 5 }]);
    expect(metrics().entriesRejectedInvalid - before).toBe(hostile.length);
    // Counted once while they stay invalid, not on every run.
    await server.ctx.registry.write(attacker.id, (doc) =>
      doc.putSession({ ...valid, keystrokes: 6 }),
    );
    await server.ctx.projection.reconcileNow(attacker.id);
    expect(metrics().entriesRejectedInvalid - before).toBe(hostile.length);
    expect(await rowsOf(attacker.id)).toEqual([{ id: valid.id, keystrokes: 6 }]);
  });

  it("never touches another user's row, nor hangs flow states off another user's session", async () => {
    const owned = sessionEntry({ keystrokes: 100 });
    await server.ctx.registry.write(victim.id, (doc) => doc.putSession(owned));
    await server.ctx.projection.reconcileNow(victim.id);
    const foreignBefore = metrics().entriesRejectedForeign;

    await server.ctx.registry.write(attacker.id, (doc) => {
      doc.putSession({ ...owned, keystrokes: 0, device_id: 'evil' });
      doc.putFlowState({
        id: randomUUID(),
        session_id: owned.id,
        start_time: owned.start_time,
        end_time: null,
        duration_ms: null,
        intensity_score: 0.5,
        context_switches: 0,
        recovery_time_ms: null,
        typing_rhythm_data: null,
        error_events: null,
        environmental_factors: null,
      });
    });
    await server.ctx.projection.reconcileNow(attacker.id);
    const { rows } = await store().pool.query(
      'SELECT user_id::text, keystrokes, device_id FROM coding_sessions WHERE id = $1',
      [owned.id],
    );
    expect(rows).toEqual([{ user_id: victim.id, keystrokes: 100, device_id: 'test-device' }]);
    const flows = await store().pool.query(
      'SELECT count(*)::int AS n FROM flow_states WHERE user_id = $1',
      [attacker.id],
    );
    expect(flows.rows[0].n).toBe(0);
    expect(metrics().entriesRejectedForeign - foreignBefore).toBe(2);

    // Removing the entry from the attacker's document must not delete the victim's row either.
    await server.ctx.registry.write(attacker.id, (doc) => doc.deleteSessions([owned.id]));
    await server.ctx.projection.reconcileNow(attacker.id);
    expect(
      (
        await store().pool.query('SELECT count(*)::int AS n FROM coding_sessions WHERE id = $1', [
          owned.id,
        ])
      ).rows[0].n,
    ).toBe(1);
  });

  it('deletes rows of sessions removed from the document, and enforces privacy settings', async () => {
    const user = await signUp(server.url);
    const keep = sessionEntry({
      project_path: '/p',
      environment_data: { hour: 9 },
      language_breakdown: { typescript: 60000 },
    });
    const drop = sessionEntry();
    const flowId = randomUUID();
    await server.ctx.registry.write(user.id, (doc) => {
      doc.putSession(keep);
      doc.putSession(drop);
      doc.putFlowState({
        id: flowId,
        session_id: keep.id,
        start_time: keep.start_time,
        end_time: null,
        duration_ms: 1000,
        intensity_score: 0.8,
        context_switches: 1,
        recovery_time_ms: null,
        typing_rhythm_data: {
          mean_interval_ms: 180,
          coefficient_of_variation: 0.3,
          samples: [170, 180, 190],
        },
        error_events: { count: 2 },
        environmental_factors: { noise: 'low' },
      });
    });
    await server.ctx.projection.reconcileNow(user.id);
    const row = async () =>
      (
        await store().pool.query(
          'SELECT project_path, environment_data FROM coding_sessions WHERE id = $1',
          [keep.id],
        )
      ).rows[0];
    expect(await row()).toEqual({ project_path: null, environment_data: null });
    const flow = async () =>
      (
        await store().pool.query(
          'SELECT typing_rhythm_data, environmental_factors, error_events FROM flow_states WHERE id = $1',
          [flowId],
        )
      ).rows[0];
    const rhythm = () =>
      flow().then((f) =>
        server.ctx.cipher.decryptJson(
          f.typing_rhythm_data,
          placeOf('flow_states', 'typing_rhythm_data', flowId),
        ),
      );
    expect(await rhythm()).toEqual({ mean_interval_ms: 180, coefficient_of_variation: 0.3 });
    expect((await flow()).environmental_factors).toBeNull();

    await server.ctx.registry.write(user.id, (doc) => {
      doc.updateSettings({
        sync_project_paths: true,
        sync_environment_data: true,
        sync_raw_keystrokes: true,
      });
      doc.deleteSessions([drop.id]);
    });
    await server.ctx.projection.reconcileNow(user.id);
    const stored = await row();
    expect(stored.project_path).toMatch(/^mc1\./);
    expect(
      server.ctx.cipher.decryptString(
        stored.project_path,
        placeOf('coding_sessions', 'project_path', keep.id),
      ),
    ).toBe('/p');
    expect(await rhythm()).toMatchObject({ samples: [170, 180, 190] });
    const languages = async () =>
      (
        await store().pool.query('SELECT language_breakdown FROM coding_sessions WHERE id = $1', [
          keep.id,
        ])
      ).rows[0].language_breakdown;
    expect(await languages()).toEqual({ typescript: 60000 });
    expect(
      (await store().pool.query('SELECT id FROM coding_sessions WHERE id = $1', [drop.id])).rows,
    ).toHaveLength(0);

    // Tracking turned off later: what a replica captured before is not stored either.
    await server.ctx.registry.write(user.id, (doc) =>
      doc.updateSettings({
        track_project_names: false,
        track_keystroke_timing: false,
        track_languages: false,
      }),
    );
    await server.ctx.projection.reconcileNow(user.id);
    expect((await row()).project_path).toBeNull();
    expect((await flow()).typing_rhythm_data).toBeNull();
    expect(await languages()).toEqual({});
  });

  it('tells onReconciled listeners the changed dates in the transaction, and survives a failing listener', async () => {
    const user = await signUp(server.url);
    const calls: { userId: string; dates: string[]; sessions: number }[] = [];
    const offOk = server.ctx.projection.onRowsReconciled(async (client, changes) => {
      for (const { userId, changedDates: dates } of changes) {
        const { rows } = await client.query(
          'SELECT count(*)::int AS n FROM coding_sessions WHERE user_id = $1',
          [userId],
        );
        calls.push({ userId, dates, sessions: rows[0].n });
      }
    });
    const offBad = server.ctx.projection.onRowsReconciled(async () => {
      throw new Error('listener bug');
    });
    try {
      const entry = sessionEntry({
        start_time: '2026-02-03T23:30:00.000Z',
        updated_at: '2026-02-03T23:30:00.000Z',
      });
      await server.ctx.registry.write(user.id, (doc) => doc.putSession(entry));
      await server.ctx.projection.reconcileNow(user.id);
      expect(calls).toEqual([{ userId: user.id, dates: ['2026-02-03'], sessions: 1 }]);
      await server.ctx.projection.reconcileNow(user.id);
      expect(calls).toHaveLength(1); // nothing changed: no call
    } finally {
      offOk();
      offBad();
    }
  });

  it('tells the listeners the day a session left as well as the day it moved to, and a deleted one’s day', async () => {
    const user = await signUp(server.url);
    const calls: string[][] = [];
    const off = server.ctx.projection.onRowsReconciled(async (_client, changes) => {
      for (const change of changes) if (change.userId === user.id) calls.push(change.changedDates);
    });
    try {
      const entry = sessionEntry({
        start_time: '2026-02-03T23:30:00.000Z',
        updated_at: '2026-02-03T23:30:00.000Z',
      });
      await server.ctx.registry.write(user.id, (doc) => doc.putSession(entry));
      await server.ctx.projection.reconcileNow(user.id);
      // Late in the evening west of UTC (already the 5th in UTC): the UTC day is what counts.
      const moved = { ...entry, start_time: '2026-02-04T23:00:00.000-03:00' };
      await server.ctx.registry.write(user.id, (doc) => doc.putSession(moved));
      await server.ctx.projection.reconcileNow(user.id);
      await server.ctx.registry.write(user.id, (doc) => doc.deleteSessions([entry.id]));
      await server.ctx.projection.reconcileNow(user.id);
      expect(calls).toEqual([['2026-02-03'], ['2026-02-03', '2026-02-05'], ['2026-02-05']]);
    } finally {
      off();
    }
  });

  it('catches up at start-up on documents whose log is ahead of their rows (crash before reconciling)', async () => {
    const user = await signUp(server.url);
    const entry = sessionEntry({ keystrokes: 9 });
    // Logged, but this server's reconciliation is debounced for 10 s: as if it died now.
    await server.ctx.registry.write(user.id, (doc) => doc.putSession(entry));
    expect(await rowsOf(user.id)).toEqual([]);
    const restarted = await startSyncServer(store());
    try {
      expect(await restarted.ctx.projection.reconcilePending()).toBeGreaterThanOrEqual(1);
      expect(await rowsOf(user.id)).toEqual([{ id: entry.id, keystrokes: 9 }]);
      // Reconciled documents are not picked up again.
      const { rows } = await store().pool.query(
        `SELECT d.reconciled_update_id >= (SELECT MAX(id) FROM crdt_updates u WHERE u.doc_name = d.doc_name) AS done
         FROM crdt_documents d WHERE d.user_id = $1`,
        [user.id],
      );
      expect(rows).toEqual([{ done: true }]);
    } finally {
      await restarted.close();
    }
  });

  it('survives hostile entries sent over the socket by a real replica', async () => {
    const user = await signUp(server.url);
    const doc = new Y.Doc();
    const replica = connectReplica(server.url, user, { doc });
    try {
      await synced(replica);
      const before = metrics().entriesRejectedInvalid;
      const good = sessionEntry();
      doc.getMap('sessions').set(randomUUID(), { evil: true, keystrokes: -1 });
      new UserDoc(doc).putSession(good);
      await waitFor(async () => {
        await server.ctx.projection.reconcileNow(user.id);
        return (await rowsOf(user.id)).length === 1;
      }, 'the valid session to be reconciled');
      expect(metrics().entriesRejectedInvalid - before).toBe(1);
      expect(await rowsOf(user.id)).toEqual([{ id: good.id, keystrokes: 0 }]);
    } finally {
      replica.destroy();
    }
  });
});
