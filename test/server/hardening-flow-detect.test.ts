import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  openDatabase,
  startServer,
  type Database,
  type RunningServer,
} from '@mindful/server';
import { signUp, testConfig, type TestUser } from '../helpers/test-server';

const PER_USER = 16;
const TOTAL = 40;
const T0 = Date.UTC(2026, 0, 5, 10);

describe('hardening: one user cannot evict another user’s flow-detect state', () => {
  let db: Database;
  let server: RunningServer;
  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    server = await startServer({
      config: testConfig({
        FLOW_DETECTORS_PER_USER: String(PER_USER),
        FLOW_DETECTORS_MAX: String(TOTAL),
      }),
      log: createLogger('silent'),
      database: db,
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  /** One detect call; its status tells whether the session's detector was kept. */
  const detect = async (user: TestUser, sessionId: string, timestamp: number) => {
    const response = await fetch(`${server.url}/api/flow/detect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        session_id: sessionId,
        keystroke_intervals: [180, 200, 190],
        context_switches: 0,
        error_events: 0,
        window_focus_duration: 60_000,
        file_modifications: 1,
        timestamp,
      }),
    });
    await response.arrayBuffer();
    return response.status;
  };
  // A kept detector remembers its last input, so an earlier one is refused (409);
  // a fresh detector (the old one was evicted) accepts it (200).
  const kept = async (user: TestUser, sessionId: string) =>
    (await detect(user, sessionId, T0 - 1)) === 409;

  it('a flood of session ids from one user evicts only that user’s own detectors', async () => {
    const victim = await signUp(server.url);
    const attacker = await signUp(server.url);
    expect(await detect(victim, 'victim-session', T0)).toBe(200);
    expect(await kept(victim, 'victim-session')).toBe(true);

    // Far more sessions than the whole cache holds, from the attacker alone.
    for (let i = 0; i < TOTAL * 3; i++) expect(await detect(attacker, `junk-${i}`, T0)).toBe(200);

    expect(await kept(victim, 'victim-session')).toBe(true);
    // The attacker is held to PER_USER: their newest are kept, their oldest went.
    expect(await kept(attacker, `junk-${TOTAL * 3 - 1}`)).toBe(true);
    expect(await kept(attacker, 'junk-0')).toBe(false);
  });

  it('past the total bound the least recently active user loses their oldest detector', async () => {
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await signUp(server.url));
    // Fill the cache: 4 users × 10 sessions = the 40 it holds (the first test's users go first).
    for (const user of users) {
      for (let s = 0; s < 10; s++) expect(await detect(user, `s-${s}`, T0)).toBe(200);
    }
    const newcomer = await signUp(server.url);
    expect(await detect(newcomer, 'only', T0)).toBe(200);
    expect(await kept(newcomer, 'only')).toBe(true);
    // users[0] was the least recently active: it lost its oldest session, nobody else did.
    expect(await kept(users[0]!, 's-0')).toBe(false);
    expect(await kept(users[3]!, 's-0')).toBe(true);
  });
});
