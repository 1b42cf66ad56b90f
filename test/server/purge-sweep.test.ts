import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp } from '../helpers/test-server';
import { startSyncServer } from './sync-helpers';
import { referencingCounts, writeUserFootprint } from './user-footprint';

/**
 * What `scope=data` keeps by design: the account, its sign-ins and API keys
 * (credentials, not data: an editor keeps working), the
 * document's row (it carries the generation), team memberships and owned
 * teams, and the team administration they did (invitations sent, and the
 * quota they count against, which a purge must not reset).
 */
const KEPT_BY_DATA_PURGE = new Set([
  'auth_accounts.user_id',
  'auth_sessions.user_id',
  'api_keys.user_id',
  'crdt_documents.user_id',
  'team_members.user_id',
  'teams.owner_id',
  'team_invitations.invited_by',
  'team_invitation_quota.user_id',
]);

describeEachStore('purge sweep over every table that references users', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startSyncServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Every catalog column must hold a row of the user before the purge: a sweep of nothing proves nothing. */
  function expectEveryTableHeld(counts: Record<string, number>): void {
    expect(Object.keys(counts).length).toBeGreaterThan(5);
    for (const [column, n] of Object.entries(counts)) {
      expect(n, `the fixture writes no row into ${column}`).toBeGreaterThan(0);
    }
  }

  for (const scope of ['data', 'all'] as const) {
    it(`scope=${scope}: every referencing table had rows of the user before, and none after (but what the scope keeps)`, async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      await writeUserFootprint(server.url, store().pool, ada, bob);
      const before = await referencingCounts(store().pool, ada.id);
      expectEveryTableHeld(before);
      // The teammate's footprint is not the purged user's to take.
      const bobBefore = await referencingCounts(store().pool, bob.id);

      const purge = await authedFetch(server.url, ada.token, `/api/privacy/purge?scope=${scope}`, {
        method: 'DELETE',
      });
      expect(purge.status).toBe(200);

      const after = await referencingCounts(store().pool, ada.id);
      const expected = Object.fromEntries(
        Object.entries(before).map(([column, n]) => [
          column,
          scope === 'data' && KEPT_BY_DATA_PURGE.has(column) ? n : 0,
        ]),
      );
      expect(after).toEqual(expected);
      const bobAfter = await referencingCounts(store().pool, bob.id);
      // Bob keeps all of his, and takes over the team Ada owned when her account goes.
      expect(bobAfter['team_members.user_id']).toBe(bobBefore['team_members.user_id']);
      expect(bobAfter['auth_accounts.user_id']).toBe(1);
      if (scope === 'all') expect(bobAfter['teams.owner_id']).toBeGreaterThan(0);
    });
  }
});
