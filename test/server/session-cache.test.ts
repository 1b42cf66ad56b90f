import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../server/src/auth/session-cache';

describe('SessionCache', () => {
  const user = { id: 'u1' };
  const far = new Date(Date.now() + 3_600_000);

  it('remembers a verified token for the TTL only, and never past the session expiry', () => {
    const cache = new SessionCache<typeof user>(1_000);
    cache.set('Bearer a', user, far, 0);
    expect(cache.get('Bearer a', 999)).toBe(user);
    expect(cache.get('Bearer a', 1_000)).toBeUndefined();
    cache.set('Bearer b', user, new Date(500), 0);
    expect(cache.get('Bearer b', 600)).toBeUndefined();
  });

  it('hands out an entry past its TTL as stale, until the session itself expires', () => {
    const cache = new SessionCache<typeof user>(1_000);
    cache.set('Bearer a', user, new Date(5_000), 0);
    expect(cache.stale('Bearer a', 999)).toBeUndefined();
    expect(cache.stale('Bearer a', 1_000)).toEqual({ user, expiresAt: new Date(5_000) });
    cache.set('Bearer a', user, new Date(5_000), 1_000);
    expect(cache.get('Bearer a', 1_999)).toBe(user);
    expect(cache.stale('Bearer a', 5_000)).toBeUndefined();
    expect(cache.stale('Bearer a', 2_000)).toBeUndefined(); // dropped once the session expired
  });

  it('forgets one credential, or every credential of a user', () => {
    const cache = new SessionCache<typeof user>(10_000);
    cache.set('Bearer a', user, far);
    cache.set('Bearer b', user, far);
    cache.set('Bearer c', { id: 'u2' }, far);
    cache.forgetCredential('Bearer a');
    expect(cache.get('Bearer a')).toBeUndefined();
    cache.forgetUser('u1');
    expect(cache.get('Bearer b')).toBeUndefined();
    expect(cache.get('Bearer c')).toEqual({ id: 'u2' });
  });

  it('is off with a TTL of 0 and bounded in size', () => {
    const off = new SessionCache<typeof user>(0);
    off.set('Bearer a', user, far);
    expect(off.get('Bearer a')).toBeUndefined();
    const small = new SessionCache<typeof user>(10_000, 2);
    small.set('1', user, far);
    small.set('2', user, far);
    small.set('3', user, far);
    expect(small.get('1')).toBeUndefined();
    expect(small.get('3')).toBe(user);
    // Renewing one it holds evicts nothing, and makes it the newest.
    small.set('3', user, far);
    expect(small.get('2')).toBe(user);
    small.set('2', user, far);
    small.set('4', user, far);
    expect(small.get('3')).toBeUndefined();
    expect(small.get('2')).toBe(user);
  });
});
