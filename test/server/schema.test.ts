import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/databases';

describeEachStore('central schema', (store) => {
  const q = (sql: string, params: unknown[] = []) => store().pool.query(sql, params);

  async function user(email = `u${Math.random().toString(16).slice(2)}@example.com`) {
    const { rows } = await q('INSERT INTO users (email) VALUES ($1) RETURNING *', [email]);
    return rows[0];
  }

  it('fills the seed defaults for a new user', async () => {
    const u = await user();
    expect(u).toMatchObject({ subscription_tier: 'free', privacy_settings: {}, timezone: 'UTC' });
    expect(u.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(u.created_at).toBeInstanceOf(Date);
  });

  it('refuses an unknown subscription tier and a duplicate email', async () => {
    await expect(
      q(`INSERT INTO users (email, subscription_tier) VALUES ('x@y.z', 'gold')`),
    ).rejects.toThrow();
    const u = await user();
    await expect(q('INSERT INTO users (email) VALUES ($1)', [u.email])).rejects.toThrow(
      /unique|duplicate/i,
    );
  });

  it('deleting a user deletes their sessions, flow states, memberships, insights and auth rows', async () => {
    const owner = await user();
    const doomed = await user();
    const { rows: teams } = await q(
      `INSERT INTO teams (name, owner_id) VALUES ('t', $1) RETURNING id`,
      [owner.id],
    );
    const teamId = teams[0].id;
    await q('INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)', [teamId, doomed.id]);
    const { rows: sessions } = await q(
      `INSERT INTO coding_sessions (user_id, start_time) VALUES ($1, NOW()) RETURNING *`,
      [doomed.id],
    );
    expect(sessions[0]).toMatchObject({
      files_modified: 0,
      keystrokes: 0,
      lines_added: 0,
      lines_deleted: 0,
      interruption_count: 0,
    });
    await q(`INSERT INTO flow_states (session_id, user_id, start_time) VALUES ($1, $2, NOW())`, [
      sessions[0].id,
      doomed.id,
    ]);
    await q(
      `INSERT INTO user_insights (user_id, insight_type, insight_data) VALUES ($1, 'peak_hours', '{}')`,
      [doomed.id],
    );
    await q(
      `INSERT INTO auth_sessions (user_id, token, expires_at) VALUES ($1, $2, NOW() + interval '1 day')`,
      [doomed.id, `tok-${doomed.id}`],
    );

    await q('DELETE FROM users WHERE id = $1', [doomed.id]);

    const { rows } = await q(
      `SELECT (SELECT count(*)::int FROM coding_sessions WHERE user_id = $1) AS sessions,
              (SELECT count(*)::int FROM flow_states WHERE user_id = $1) AS flows,
              (SELECT count(*)::int FROM team_members WHERE user_id = $1) AS members,
              (SELECT count(*)::int FROM user_insights WHERE user_id = $1) AS insights,
              (SELECT count(*)::int FROM auth_sessions WHERE user_id = $1) AS auth`,
      [doomed.id],
    );
    expect(rows[0]).toEqual({ sessions: 0, flows: 0, members: 0, insights: 0, auth: 0 });
    const { rows: kept } = await q('SELECT count(*)::int AS n FROM teams WHERE id = $1', [teamId]);
    expect(kept[0].n).toBe(1);
  });

  it('deleting a session deletes its flow states', async () => {
    const u = await user();
    const { rows } = await q(
      `INSERT INTO coding_sessions (user_id, start_time) VALUES ($1, NOW()) RETURNING id`,
      [u.id],
    );
    await q(`INSERT INTO flow_states (session_id, user_id, start_time) VALUES ($1, $2, NOW())`, [
      rows[0].id,
      u.id,
    ]);
    await q('DELETE FROM coding_sessions WHERE id = $1', [rows[0].id]);
    const { rows: left } = await q(
      'SELECT count(*)::int AS n FROM flow_states WHERE session_id = $1',
      [rows[0].id],
    );
    expect(left[0].n).toBe(0);
  });

  it('allows one membership per (team, user) and defaults role member without consent', async () => {
    const owner = await user();
    const member = await user();
    const { rows: teams } = await q(
      `INSERT INTO teams (name, owner_id) VALUES ('t', $1) RETURNING id`,
      [owner.id],
    );
    const { rows } = await q(
      'INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) RETURNING *',
      [teams[0].id, member.id],
    );
    expect(rows[0]).toMatchObject({ role: 'member', data_sharing_consent: false });
    await expect(
      q('INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)', [teams[0].id, member.id]),
    ).rejects.toThrow(/unique|duplicate/i);
  });

  it('keeps focus and intensity scores in [0, 1]', async () => {
    const u = await user();
    await expect(
      q(`INSERT INTO coding_sessions (user_id, start_time, focus_score) VALUES ($1, NOW(), 1.5)`, [
        u.id,
      ]),
    ).rejects.toThrow();
  });

  it('has the indexes the queries need', async () => {
    const { rows } = await q(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`);
    const names = rows.map((row) => row.indexname);
    expect(names).toEqual(
      expect.arrayContaining([
        'coding_sessions_user_start_idx',
        'team_members_user_idx',
        'flow_states_session_idx',
      ]),
    );
    const { rows: unique } = await q(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'team_members' AND indexdef LIKE '%(team_id, user_id)%'`,
    );
    expect(unique).toHaveLength(1);
  });
});
