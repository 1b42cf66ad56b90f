import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/databases';
import { signUp, type TestUser } from '../helpers/test-server';
import { newTeam, teamsApi, useTeamServer } from './team-fixtures';

describeEachStore('teams below the tier: the ways out stay open', (store) => {
  const running = useTeamServer(store);
  const api = teamsApi(() => running().url);

  const setTier = (user: TestUser, tier: string) =>
    store().pool.query('UPDATE users SET subscription_tier = $2 WHERE id = $1', [user.id, tier]);

  const consent = (user: TestUser, teamId: string, body: Record<string, boolean>) =>
    api(user, `/${teamId}/consent`, { method: 'PUT', body });

  const membership = async (teamId: string, user: TestUser) =>
    (
      await store().pool.query(
        `SELECT data_sharing_consent, individual_alerts_opt_in FROM team_members
         WHERE team_id = $1 AND user_id = $2`,
        [teamId, user.id],
      )
    ).rows[0] as { data_sharing_consent: boolean; individual_alerts_opt_in: boolean } | undefined;

  it('a member downgraded to free can list, opt out, withdraw and leave; granting and reading stay 402', async () => {
    const [admin, member] = await Promise.all([signUp(running().url), signUp(running().url)]);
    const teamId = await newTeam(api, admin, [member]);
    const given = await consent(member, teamId, {
      data_sharing_consent: true,
      individual_alerts_opt_in: true,
    });
    expect(given.status).toBe(200);
    await setTier(member, 'free');

    // Reading the team's data and opting in again are the paid features.
    expect((await api(member, `/${teamId}/analytics`)).status).toBe(402);
    expect((await api(member, `/${teamId}/alerts`)).status).toBe(402);
    expect((await api(member, `/${teamId}`)).status).toBe(402);

    const listed = await api(member, '');
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { teams: { id: string }[] }).teams.map((t) => t.id)).toEqual([
      teamId,
    ]);

    // Opting out of being named, while still sharing, turns nothing on: allowed.
    const optOut = await consent(member, teamId, {
      data_sharing_consent: true,
      individual_alerts_opt_in: false,
    });
    expect(optOut.status).toBe(200);
    expect(await membership(teamId, member)).toEqual({
      data_sharing_consent: true,
      individual_alerts_opt_in: false,
    });
    const optInAgain = await consent(member, teamId, {
      data_sharing_consent: true,
      individual_alerts_opt_in: true,
    });
    expect(optInAgain.status).toBe(402);
    expect(await optInAgain.json()).toMatchObject({ error: { code: 'tier_required' } });

    const withdrawn = await consent(member, teamId, { data_sharing_consent: false });
    expect(withdrawn.status).toBe(200);
    expect(await withdrawn.json()).toMatchObject({
      user_id: member.id,
      data_sharing_consent: false,
    });
    const regrant = await consent(member, teamId, { data_sharing_consent: true });
    expect(regrant.status).toBe(402);
    expect((await membership(teamId, member))?.data_sharing_consent).toBe(false);

    const left = await api(member, `/${teamId}/members/${member.id}`, { method: 'DELETE' });
    expect(left.status).toBe(204);
    expect(await membership(teamId, member)).toBeUndefined();
    expect(await (await api(member, '')).json()).toEqual({ teams: [] });
  });

  it('a member added while on free can withdraw and leave but not consent; a free admin cannot remove others', async () => {
    const [admin, member, other] = await Promise.all([1, 2, 3].map(() => signUp(running().url)));
    const teamId = await newTeam(api, admin, [member, other]);
    await setTier(member, 'free');
    expect((await consent(member, teamId, { data_sharing_consent: true })).status).toBe(402);
    expect((await consent(member, teamId, { data_sharing_consent: false })).status).toBe(200);
    // Not a member at all is still 404, on any tier.
    const outsider = await signUp(running().url);
    await setTier(outsider, 'free');
    expect((await consent(outsider, teamId, { data_sharing_consent: false })).status).toBe(404);
    expect(
      (await api(outsider, `/${teamId}/members/${outsider.id}`, { method: 'DELETE' })).status,
    ).toBe(404);

    await setTier(admin, 'free');
    const removeOther = await api(admin, `/${teamId}/members/${other.id}`, { method: 'DELETE' });
    expect(removeOther.status).toBe(402);
    expect(await membership(teamId, other)).toBeDefined();

    expect(
      (await api(member, `/${teamId}/members/${member.id}`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect(await membership(teamId, member)).toBeUndefined();
  });
});
