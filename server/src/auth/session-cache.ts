import { createHash } from 'node:crypto';

/**
 * A short-lived memory of bearer tokens that better-auth already verified.
 * Verifying costs a signature check and two queries per request, most of a
 * session update's cost; the extension sends one every few seconds with the
 * same token. Entries are trusted `ttlMs` at most and never past the
 * session's own expiry; sign-out and purge forget them at once on this
 * instance. Another instance may accept a signed-out token for up to `ttlMs`
 * (set 0 to disable). Past `ttlMs` an entry is {@link stale}: the caller
 * checks its session again before trusting it for another `ttlMs`.
 */
export class SessionCache<U extends { id: string }> {
  private readonly entries = new Map<string, { user: U; until: number; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(credential: string, now = Date.now()): U | undefined {
    if (this.ttlMs <= 0) return undefined;
    const key = keyOf(credential);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      if (entry.expiresAt <= now) this.entries.delete(key);
      return undefined;
    }
    return entry.user;
  }

  /**
   * The user and session expiry a credential was verified for, once its
   * `ttlMs` ran out (while the session itself has not expired): what to check
   * again, cheaply, before {@link set}ting it anew.
   */
  stale(credential: string, now = Date.now()): { user: U; expiresAt: Date } | undefined {
    if (this.ttlMs <= 0) return undefined;
    const key = keyOf(credential);
    const entry = this.entries.get(key);
    if (!entry || entry.until > now) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return { user: entry.user, expiresAt: new Date(entry.expiresAt) };
  }

  set(credential: string, user: U, sessionExpiresAt: Date, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    const key = keyOf(credential);
    // A renewed entry moves to the end (Map keeps insertion order): the oldest verified go first.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const expiresAt = sessionExpiresAt.getTime();
    this.entries.set(key, { user, until: Math.min(now + this.ttlMs, expiresAt), expiresAt });
  }

  forgetCredential(credential: string): void {
    this.entries.delete(keyOf(credential));
  }

  forgetUser(userId: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.user.id === userId) this.entries.delete(key);
    }
  }
}

// Tokens are kept hashed, so a heap dump does not hand them out.
function keyOf(credential: string): string {
  return createHash('sha256').update(credential).digest('base64url');
}
