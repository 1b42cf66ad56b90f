import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/databases';
import { signUp, startTestServer, type TestUser } from '../helpers/test-server';
import { teamJobs } from '../../server/src/teams/team-jobs';
import { joinTeam, newTeam, teamsApi, useTeamServer } from './team-fixtures';

describeEachStore('team invitations', (store) => {
  const running = useTeamServer(store);
  const api = teamsApi(() => running().url);
  const q = (sql: string, params: unknown[] = []) => store().pool.query(sql, params);

  const invite = (admin: TestUser, teamId: string, email: string, role?: string) =>
    api(admin, `/${teamId}/members`, {
      method: 'POST',
      body: { email, ...(role ? { role } : {}) },
    });

  /** The answer's shape with the values that must differ blanked out. */
  const shapeOf = (body: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value]));

  it('answers an invitation to an existing account and to an unknown address alike, and adds nobody', async () => {
    const [admin, existing] = await Promise.all([signUp(running().url), signUp(running().url)]);
    const teamId = await newTeam(api, admin, []);
    const unknown = `nobody-${Date.now()}@example.com`;

    const toExisting = await invite(admin, teamId, existing.email);
    const toUnknown = await invite(admin, teamId, unknown);
    expect(toExisting.status).toBe(201);
    expect(toUnknown.status).toBe(toExisting.status);
    const a = (await toExisting.json()) as Record<string, unknown>;
    const b = (await toUnknown.json()) as Record<string, unknown>;
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(shapeOf(a)).toEqual(shapeOf(b));
    expect(a).toMatchObject({
      team_id: teamId,
      email: existing.email.toLowerCase(),
      role: 'member',
      status: 'pending',
      invited_by: admin.id,
    });
    expect(b).toMatchObject({ email: unknown, status: 'pending' });
    // Nothing in the answer points at the account.
    expect(JSON.stringify(a)).not.toContain(existing.id);

    // Nobody was added: the invitee is not a member until they accept.
    const { rows } = await q('SELECT user_id FROM team_members WHERE team_id = $1', [teamId]);
    expect(rows.map((row) => row.user_id)).toEqual([admin.id]);
    expect((await api(existing, `/${teamId}`)).status).toBe(404);

    // The admin sees both pending invitations, and the same for either.
    const listed = await api(admin, `/${teamId}/invitations`);
    expect(listed.status).toBe(200);
    const { invitations } = (await listed.json()) as { invitations: Record<string, unknown>[] };
    expect(invitations.map((i) => i.email).sort()).toEqual(
      [existing.email.toLowerCase(), unknown].sort(),
    );
  });

  it('the invitee lists, accepts (joining with the invited role, no consent given) or declines', async () => {
    const [admin, ada, bob, eve] = await Promise.all([
      signUp(running().url, { name: 'Admin Person' }),
      signUp(running().url),
      signUp(running().url),
      signUp(running().url),
    ]);
    const teamId = await newTeam(api, admin, [], 'Invited');
    // Addresses match whatever their case.
    expect((await invite(admin, teamId, ada.email.toUpperCase(), 'admin')).status).toBe(201);
    expect((await invite(admin, teamId, bob.email)).status).toBe(201);

    const mine = await api(ada, '/invitations');
    expect(mine.status).toBe(200);
    const { invitations } = (await mine.json()) as { invitations: Record<string, unknown>[] };
    expect(invitations).toEqual([
      {
        id: expect.any(String),
        team_id: teamId,
        team_name: 'Invited',
        role: 'admin',
        invited_by_name: 'Admin Person',
        created_at: expect.any(String),
        expires_at: expect.any(String),
      },
    ]);
    const adaInvitation = invitations[0]!.id as string;
    const bobInvitation = (
      (await (await api(bob, '/invitations')).json()) as { invitations: { id: string }[] }
    ).invitations[0]!.id;

    // Someone else's invitation is not yours to answer, nor to see.
    expect((await api(eve, '/invitations')).status).toBe(200);
    expect(await (await api(eve, '/invitations')).json()).toEqual({ invitations: [] });
    for (const action of ['accept', 'decline']) {
      const stolen = await api(eve, `/invitations/${adaInvitation}/${action}`, { method: 'POST' });
      expect(stolen.status).toBe(404);
    }
    expect((await api(eve, '/invitations/not-a-uuid/accept', { method: 'POST' })).status).toBe(404);

    const accepted = await api(ada, `/invitations/${adaInvitation}/accept`, { method: 'POST' });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({
      team_id: teamId,
      user_id: ada.id,
      role: 'admin',
      data_sharing_consent: false,
    });
    // An answered invitation is gone: accepting again is 404, the list is empty.
    expect(
      (await api(ada, `/invitations/${adaInvitation}/accept`, { method: 'POST' })).status,
    ).toBe(404);
    expect(await (await api(ada, '/invitations')).json()).toEqual({ invitations: [] });
    expect((await api(ada, `/${teamId}`)).status).toBe(200);

    const declined = await api(bob, `/invitations/${bobInvitation}/decline`, { method: 'POST' });
    expect(declined.status).toBe(204);
    expect(
      (await api(bob, `/invitations/${bobInvitation}/accept`, { method: 'POST' })).status,
    ).toBe(404);
    expect((await api(bob, `/${teamId}`)).status).toBe(404);
    const { rows } = await q('SELECT count(*)::int AS n FROM team_invitations WHERE team_id = $1', [
      teamId,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('an admin withdraws an invitation; an expired one cannot be accepted and the expiry job deletes it', async () => {
    const [admin, ada, bob] = await Promise.all([
      signUp(running().url),
      signUp(running().url),
      signUp(running().url),
    ]);
    const teamId = await newTeam(api, admin, []);
    const toAda = (await (await invite(admin, teamId, ada.email)).json()) as { id: string };
    expect(
      (await api(admin, `/${teamId}/invitations/${toAda.id}`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect((await api(ada, `/invitations/${toAda.id}/accept`, { method: 'POST' })).status).toBe(
      404,
    );

    const toBob = (await (await invite(admin, teamId, bob.email)).json()) as { id: string };
    await q(`UPDATE team_invitations SET expires_at = NOW() - interval '1 second' WHERE id = $1`, [
      toBob.id,
    ]);
    expect(await (await api(bob, '/invitations')).json()).toEqual({ invitations: [] });
    expect((await api(bob, `/invitations/${toBob.id}/accept`, { method: 'POST' })).status).toBe(
      404,
    );
    const expiry = teamJobs(running().ctx).find((job) => job.name === 'team-invitation-expiry')!;
    expect(await running().ctx.jobs.runNow(expiry)).toEqual({ ran: true });
    const { rows } = await q('SELECT count(*)::int AS n FROM team_invitations WHERE id = $1', [
      toBob.id,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('a member cannot invite; a member’s address is 409; bad input is a 400 naming each field', async () => {
    const [admin, member, outsider] = await Promise.all([
      signUp(running().url),
      signUp(running().url),
      signUp(running().url),
    ]);
    const teamId = await newTeam(api, admin, [member]);
    expect((await invite(member, teamId, outsider.email)).status).toBe(403);
    expect((await api(member, `/${teamId}/invitations`)).status).toBe(403);
    expect((await invite(admin, teamId, member.email)).status).toBe(409);
    const bad = await invite(admin, teamId, 'not-mail', 'boss');
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { details: { field: string }[] } };
    expect(error.details.map((d) => d.field).sort()).toEqual(['email', 'role']);
  });

  it('rate-limits invitations per inviter, counted in the database so every instance shares it', async () => {
    const limits = { TEAM_INVITE_RATE_LIMIT_MAX: '3', TEAM_INVITE_RATE_LIMIT_WINDOW_S: '3600' };
    const first = await startTestServer(store(), {
      DEFAULT_SUBSCRIPTION_TIER: 'team',
      ...limits,
    });
    const second = await startTestServer(store(), {
      DEFAULT_SUBSCRIPTION_TIER: 'team',
      ...limits,
    });
    try {
      const [admin, otherAdmin] = await Promise.all([signUp(first.url), signUp(first.url)]);
      const onFirst = teamsApi(() => first.url);
      const onSecond = teamsApi(() => second.url);
      const teamId = await newTeam(onFirst, admin, []);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const via = i % 2 === 0 ? onFirst : onSecond;
        const response = await via(admin, `/${teamId}/members`, {
          method: 'POST',
          body: { email: `guess-${i}@example.com` },
        });
        statuses.push(response.status);
        if (response.status === 429) {
          const body = (await response.json()) as {
            error: { code: string; details: { retry_after_s: number } };
          };
          expect(body.error.code).toBe('rate_limited');
          expect(body.error.details.retry_after_s).toBeGreaterThan(0);
        }
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      // Deleting the team does not give the quota back.
      expect(
        (await onFirst(admin, `/${teamId}/members/${admin.id}`, { method: 'DELETE' })).status,
      ).toBe(204);
      const another = await newTeam(onSecond, admin, []);
      expect(
        (
          await onSecond(admin, `/${another}/members`, {
            method: 'POST',
            body: { email: 'x@example.com' },
          })
        ).status,
      ).toBe(429);
      // Another inviter has their own quota.
      const theirs = await newTeam(onSecond, otherAdmin, []);
      expect(
        (
          await onSecond(otherAdmin, `/${theirs}/members`, {
            method: 'POST',
            body: { email: 'y@example.com' },
          })
        ).status,
      ).toBe(201);
      // A new window starts afresh.
      await q(
        `UPDATE team_invitation_quota SET window_start = NOW() - interval '2 hours' WHERE user_id = $1`,
        [admin.id],
      );
      expect(
        (
          await onFirst(admin, `/${another}/members`, {
            method: 'POST',
            body: { email: 'z@example.com' },
          })
        ).status,
      ).toBe(201);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('erasing an account takes the invitations to its address and those it sent', async () => {
    const [admin, ada] = await Promise.all([signUp(running().url), signUp(running().url)]);
    const teamId = await newTeam(api, admin, []);
    expect((await invite(admin, teamId, ada.email)).status).toBe(201);
    const otherTeam = await newTeam(api, ada, []);
    expect((await invite(ada, otherTeam, 'someone@example.com')).status).toBe(201);
    await joinTeam(api, ada, otherTeam, admin);
    const response = await fetch(`${running().url}/api/privacy/purge`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ada.token}` },
    });
    expect(response.status).toBe(200);
    const { rows } = await q(
      `SELECT count(*)::int AS n FROM team_invitations WHERE email = $1 OR invited_by = $2`,
      [ada.email.toLowerCase(), ada.id],
    );
    expect(rows[0].n).toBe(0);
  });
});
