import { expect, it } from 'vitest';
import type { PoolClient } from 'pg';
import { setMemberRole } from '../../server/src/teams/team-store';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { newTeam as createTeam, seedSessions, teamsApi, useTeamServer } from './team-fixtures';

interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}

describeEachStore('team administration: listing, settings, roles, the last admin', (store) => {
  const running = useTeamServer(store);
  const api = teamsApi(() => running().url);

  const newTeam = (admin: TestUser, members: TestUser[], name?: string) =>
    createTeam(api, admin, members, name);

  const users = (n: number) => Promise.all(Array.from({ length: n }, () => signUp(running().url)));

  it('lists the caller’s teams and shows a team: members to admins, a count to members', async () => {
    const [admin, member, outsider] = await users(3);
    const first = await newTeam(admin, [member], 'First');
    const second = await newTeam(member, [], 'Second');

    const mine = await api(member, '');
    expect(mine.status).toBe(200);
    const { teams } = (await mine.json()) as { teams: Record<string, unknown>[] };
    expect(teams.map((t) => [t.name, t.role])).toEqual([
      ['Second', 'admin'],
      ['First', 'member'],
    ]);
    expect(teams[1]).toMatchObject({ id: first, owner_id: admin.id, data_sharing_consent: false });
    expect(await (await api(outsider, '')).json()).toEqual({ teams: [] });

    const asAdmin = (await (await api(admin, `/${first}`)).json()) as Record<string, unknown>;
    expect(asAdmin).toMatchObject({ id: first, name: 'First', role: 'admin', member_count: 2 });
    expect((asAdmin.members as { email: string }[]).map((m) => m.email)).toEqual([
      admin.email,
      member.email,
    ]);
    expect(asAdmin.settings).toMatchObject({ burnout_thresholds: { min_rest_hours: 11 } });

    const asMember = (await (await api(member, `/${first}`)).json()) as Record<string, unknown>;
    expect(asMember).toMatchObject({ role: 'member', member_count: 2 });
    expect(asMember).not.toHaveProperty('members');

    expect((await api(outsider, `/${first}`)).status).toBe(404);
    expect((await api(outsider, `/${second}`)).status).toBe(404);
    expect((await api(outsider, '/not-a-uuid')).status).toBe(404);
  });

  it('saves burnout thresholds (admin only), merged over the saved ones and checked as a whole', async () => {
    const [admin, member] = await users(2);
    const id = await newTeam(admin, [member]);
    const put = (user: TestUser, body: unknown) =>
      api(user, `/${id}/settings`, { method: 'PUT', body });

    expect((await put(member, { burnout_thresholds: { min_rest_hours: 10 } })).status).toBe(403);

    const saved = await put(admin, {
      burnout_thresholds: { min_rest_hours: 10, working_hours_start: '08:00' },
    });
    expect(saved.status).toBe(200);
    const { settings } = (await saved.json()) as {
      settings: { burnout_thresholds: Record<string, unknown> };
    };
    // The whole set in force: the two changes, every other field at its default.
    expect(settings.burnout_thresholds).toMatchObject({
      min_rest_hours: 10,
      working_hours_start: '08:00',
      working_hours_end: '18:00',
      max_continuous_minutes: 60,
    });

    // A later save keeps what it leaves out.
    expect((await put(admin, { burnout_thresholds: { weekend_min_minutes: 30 } })).status).toBe(
      200,
    );
    const team = (await (await api(member, `/${id}`)).json()) as {
      settings: { burnout_thresholds: Record<string, unknown> };
    };
    expect(team.settings.burnout_thresholds).toMatchObject({
      min_rest_hours: 10,
      working_hours_start: '08:00',
      weekend_min_minutes: 30,
    });

    // Valid alone, contradicting the saved end of day: 400 naming the field, nothing saved.
    const late = await put(admin, { burnout_thresholds: { working_hours_start: '19:00' } });
    expect(late.status).toBe(400);
    const lateBody = (await late.json()) as ErrorBody;
    expect(lateBody.error.details?.map((d) => d.field)).toEqual([
      'burnout_thresholds.working_hours_end',
    ]);
    for (const body of [
      { burnout_thresholds: { min_rest_hours: 'eleven' } },
      { burnout_thresholds: { surprise: 1 } },
      { thresholds: {} },
      [],
    ]) {
      expect((await put(admin, body)).status).toBe(400);
    }
    const after = (await (await api(admin, `/${id}`)).json()) as {
      settings: { burnout_thresholds: Record<string, unknown> };
    };
    expect(after.settings).toEqual(team.settings);
  });

  it('the next burnout run uses the saved thresholds', async () => {
    const members = await users(3);
    const [admin] = members;
    const id = await newTeam(admin, members.slice(1));
    for (const user of members) {
      const consent = await api(user, `/${id}/consent`, {
        method: 'PUT',
        body: { data_sharing_consent: true },
      });
      expect(consent.status).toBe(200);
    }
    // Everyone works an hour on Saturday 8 June 2024 (UTC accounts).
    for (const user of members) {
      await seedSessions(store().pool, user.id, [
        { start: '2024-06-08T10:00:00Z', minutes: 60, focus: 0.5 },
      ]);
    }
    const run = async () => {
      const response = await api(admin, `/${id}/alerts`, {
        method: 'POST',
        body: { week_start: '2024-06-03' },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { alerts: { rule: string }[] }).alerts.map((a) => a.rule);
    };
    expect(await run()).toEqual(['weekend_work']);

    const save = (weekendMinMinutes: number) =>
      api(admin, `/${id}/settings`, {
        method: 'PUT',
        body: { burnout_thresholds: { weekend_min_minutes: weekendMinMinutes } },
      });
    expect((await save(90)).status).toBe(200);
    expect(await run()).toEqual([]);
    expect((await save(45)).status).toBe(200);
    expect(await run()).toEqual(['weekend_work']);

    // A one-run override still wins, and is checked against the saved set.
    const override = await api(admin, `/${id}/alerts`, {
      method: 'POST',
      body: { week_start: '2024-06-03', thresholds: { working_hours_start: '19:00' } },
    });
    expect(override.status).toBe(400);
    expect(((await override.json()) as ErrorBody).error.details?.[0]?.field).toBe(
      'thresholds.working_hours_end',
    );
  });

  it('changes roles, and never leaves a team without an admin', async () => {
    const [admin, member, outsider] = await users(3);
    const id = await newTeam(admin, [member]);
    const role = (by: TestUser, userId: string, body: unknown) =>
      api(by, `/${id}/members/${userId}`, { method: 'PUT', body });
    const leave = (by: TestUser, userId: string) =>
      api(by, `/${id}/members/${userId}`, { method: 'DELETE' });

    expect((await role(member, member.id, { role: 'admin' })).status).toBe(403);
    expect((await role(admin, outsider.id, { role: 'admin' })).status).toBe(404);
    expect((await role(admin, 'nope', { role: 'admin' })).status).toBe(404);
    expect((await role(admin, member.id, { role: 'owner' })).status).toBe(400);

    // The only admin can neither step down nor leave while a member remains.
    const demote = await role(admin, admin.id, { role: 'member' });
    expect(demote.status).toBe(409);
    expect(((await demote.json()) as ErrorBody).error.message).toMatch(/make another member admin/);
    expect((await leave(admin, admin.id)).status).toBe(409);

    // With a second admin, the first can step down, and then leave.
    const promoted = await role(admin, member.id, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(await promoted.json()).toMatchObject({ user_id: member.id, role: 'admin' });
    expect((await role(admin, admin.id, { role: 'member' })).status).toBe(200);
    expect((await role(admin, admin.id, { role: 'admin' })).status).toBe(403);
    expect((await leave(admin, admin.id)).status).toBe(204);
    expect((await api(admin, `/${id}`)).status).toBe(404);
    // The owner left: the team passed to the remaining admin.
    const kept = (await (await api(member, `/${id}`)).json()) as Record<string, unknown>;
    expect(kept).toMatchObject({ owner_id: member.id, role: 'admin', member_count: 1 });

    // The last member leaving takes the team, its settings and aggregates with it.
    expect((await leave(member, member.id)).status).toBe(204);
    const left = await store().pool.query('SELECT 1 FROM teams WHERE id = $1', [id]);
    expect(left.rows).toEqual([]);
  });

  it('two admins stepping down at once leave one of them admin', async () => {
    const [first, second] = await users(2);
    const id = await newTeam(first, [second]);
    const promoted = await api(first, `/${id}/members/${second.id}`, {
      method: 'PUT',
      body: { role: 'admin' },
    });
    expect(promoted.status).toBe(200);
    const stepDown = (client: PoolClient, userId: string) =>
      setMemberRole(client, id, userId, 'member');

    // The first steps down inside an open transaction; the second tries meanwhile.
    const one = await store().pool.connect();
    let outcome: Promise<unknown>;
    try {
      await one.query('BEGIN');
      await stepDown(one, first.id);
      outcome = (async () => {
        const two = await store().pool.connect();
        try {
          await two.query('BEGIN');
          await stepDown(two, second.id);
          await two.query('COMMIT');
        } catch (error) {
          await two.query('ROLLBACK');
          throw error;
        } finally {
          two.release();
        }
      })();
      outcome.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await one.query('COMMIT');
    } finally {
      one.release();
    }
    // The store refuses with the domain's conflict (HTTP maps it to 409 once, in http/errors.ts).
    await expect(outcome).rejects.toMatchObject({ code: 'conflict' });
    const admins = await store().pool.query<{ user_id: string }>(
      `SELECT user_id FROM team_members WHERE team_id = $1 AND role = 'admin'`,
      [id],
    );
    expect(admins.rows).toEqual([{ user_id: second.id }]);
  });

  it('a purge never takes a team from its members: the longest-standing one becomes admin and owner', async () => {
    const [owner, first, second, alone] = await users(4);
    const id = await newTeam(owner, [first, second]);
    const solo = await newTeam(alone, []);
    for (const user of [owner, alone]) {
      const purge = await authedFetch(running().url, user.token, '/api/privacy/purge', {
        method: 'DELETE',
      });
      expect(purge.status).toBe(200);
    }
    const team = (await (await api(first, `/${id}`)).json()) as {
      owner_id: string;
      members: { user_id: string; role: string }[];
    };
    expect(team.owner_id).toBe(first.id);
    expect(team.members.map((m) => [m.user_id, m.role])).toEqual([
      [first.id, 'admin'],
      [second.id, 'member'],
    ]);
    // A team with nobody else in it goes with its owner.
    const left = await store().pool.query('SELECT 1 FROM teams WHERE id = $1', [solo]);
    expect(left.rows).toEqual([]);
  });
});
