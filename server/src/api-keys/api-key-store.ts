import type pg from 'pg';
import type { SubscriptionTier } from '../config/config';
import type { AuthenticatedUser } from '../auth/current-user';
import { apiKeyPrefix, generateApiKey, hashApiKey, looksLikeApiKey } from './api-key-format';

/** Most keys one user may hold unrevoked at once. */
export const MAX_ACTIVE_KEYS = 25;

/** An API key as its owner sees it: never the key, only its prefix. */
export interface ApiKeyWire {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toWire = (row: ApiKeyRow): ApiKeyWire => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  created_at: row.created_at.toISOString(),
  last_used_at: row.last_used_at?.toISOString() ?? null,
  revoked_at: row.revoked_at?.toISOString() ?? null,
});

/** The user already holds {@link MAX_ACTIVE_KEYS} keys. */
export class TooManyKeysError extends Error {
  constructor() {
    super(`At most ${MAX_ACTIVE_KEYS} active API keys per user; revoke one first`);
    this.name = 'TooManyKeysError';
  }
}

const COLUMNS = 'id::text AS id, name, prefix, created_at, last_used_at, revoked_at';

/** How often a key's `last_used_at` is written at most (one write per key per minute). */
const LAST_USED_EVERY_MS = 60_000;

/**
 * API keys in `api_keys`: stored as SHA-256 hashes, looked up on every
 * request (no cache), so a revocation holds at once on every instance.
 */
export class ApiKeyStore {
  private readonly touched = new Map<string, number>();

  constructor(private readonly pool: pg.Pool) {}

  /** Creates a key; the answer is the only time the key itself is seen. */
  async create(userId: string, name: string): Promise<ApiKeyWire & { key: string }> {
    const key = generateApiKey();
    const { rows } = await this.pool.query<ApiKeyRow>(
      `INSERT INTO api_keys (user_id, name, prefix, key_hash)
       SELECT $1, $2, $3, $4
       WHERE (SELECT count(*) FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL) < $5
       RETURNING ${COLUMNS}`,
      [userId, name, apiKeyPrefix(key), hashApiKey(key), MAX_ACTIVE_KEYS],
    );
    if (!rows[0]) throw new TooManyKeysError();
    return { ...toWire(rows[0]), key };
  }

  /** The user's keys, newest first. */
  async list(userId: string): Promise<ApiKeyWire[]> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [userId],
    );
    return rows.map(toWire);
  }

  /** Revokes one of the user's keys; false when the user has no such key. */
  async revoke(userId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, NOW())
       WHERE id::text = $1 AND user_id = $2`,
      [id.toLowerCase(), userId],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * The owner of an unrevoked key, or null. Reads the store every time: a
   * key revoked on another instance is refused by the next request.
   */
  async verify(
    key: string,
    now = Date.now(),
  ): Promise<{ keyId: string; user: AuthenticatedUser } | null> {
    if (!looksLikeApiKey(key)) return null;
    const { rows } = await this.pool.query<{
      key_id: string;
      id: string;
      email: string;
      name: string;
      subscription_tier: SubscriptionTier;
      timezone: string;
    }>(
      `SELECT k.id::text AS key_id, u.id::text AS id, u.email, u.name, u.subscription_tier, u.timezone
       FROM api_keys k JOIN users u ON u.id = k.user_id
       WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [hashApiKey(key)],
    );
    const row = rows[0];
    if (!row) return null;
    if (now - (this.touched.get(row.key_id) ?? 0) >= LAST_USED_EVERY_MS) {
      this.touched.set(row.key_id, now);
      await this.pool.query('UPDATE api_keys SET last_used_at = NOW() WHERE id = $1', [row.key_id]);
    }
    return {
      keyId: row.key_id,
      user: {
        id: row.id,
        email: row.email,
        name: row.name,
        subscriptionTier: row.subscription_tier,
        timezone: row.timezone,
        // Not a better-auth session: requests made with a key hold no socket open.
        sessionId: `api-key:${row.key_id}`,
      },
    };
  }
}
