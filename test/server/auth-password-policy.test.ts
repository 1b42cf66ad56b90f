import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { passwordProblem } from '../../server/src/auth/password-policy';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, startTestServer } from '../helpers/test-server';

/** Passwords the probe got accepted, and others of the same kinds. */
const WEAK = [
  '12345678',
  '        ',
  'password',
  'password1',
  'qwertyuiop',
  'aaaaaaaa',
  'abcdefgh',
  'iloveyou123',
  'Passw0rd!',
];

describe('password policy (offline)', () => {
  it('refuses common and trivially weak passwords, and says why', () => {
    for (const password of WEAK) {
      expect(passwordProblem(password), JSON.stringify(password)).toMatchObject({
        message: expect.stringMatching(/too easy to guess|only spaces/),
      });
    }
    expect(passwordProblem('12345678')?.message).toMatch(/ten most used/);
  });

  it('accepts long passphrases', () => {
    for (const password of ['correct horse battery', 'very secret password 42', 'Tr0ub4dor&3x']) {
      expect(passwordProblem(password), password).toBeUndefined();
    }
  });

  it('refuses a password made of the account’s own email or name', () => {
    expect(passwordProblem('grace.hopper1906', ['grace.hopper1906@example.com'])).toBeDefined();
    expect(passwordProblem('grace.hopper1906')).toBeUndefined();
  });
});

describeEachStore('password policy on the auth routes', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${server.url}/api/auth${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });

  it('refuses a weak password at sign-up with a 400 naming the field, and creates nothing', async () => {
    for (const password of ['12345678', '        ', 'password1']) {
      const email = `weak-${Math.random().toString(36).slice(2)}@example.com`;
      const response = await post('/sign-up/email', { email, password, name: 'Weak' });
      expect(response.status, JSON.stringify(password)).toBe(400);
      expect(response.headers.get('set-auth-token')).toBeNull();
      expect(await response.json()).toEqual({
        error: {
          code: 'weak_password',
          message: expect.stringMatching(/^The password /),
          details: [{ field: 'password', message: expect.any(String) }],
        },
      });
      const { rows } = await store().pool.query('SELECT 1 FROM users WHERE email = $1', [email]);
      expect(rows).toHaveLength(0);
    }
  });

  it('refuses a weak new password on password change and keeps the old one', async () => {
    const user = await signUp(server.url);
    const weak = await post(
      '/change-password',
      { currentPassword: user.password, newPassword: 'qwertyuiop' },
      user.token,
    );
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({
      error: { code: 'weak_password', details: [{ field: 'newPassword' }] },
    });
    const oldStillWorks = await post('/sign-in/email', {
      email: user.email,
      password: user.password,
    });
    expect(oldStillWorks.status).toBe(200);

    const strong = await post(
      '/change-password',
      { currentPassword: user.password, newPassword: 'a much longer passphrase 7' },
      user.token,
    );
    expect(strong.status).toBe(200);
    const signIn = await post('/sign-in/email', {
      email: user.email,
      password: 'a much longer passphrase 7',
    });
    expect(signIn.status).toBe(200);
    expect(
      (await authedFetch(server.url, signIn.headers.get('set-auth-token')!, '/api/me')).status,
    ).toBe(200);
  });
});
