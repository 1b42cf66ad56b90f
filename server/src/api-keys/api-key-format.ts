import { createHash, randomUUID } from 'node:crypto';

/**
 * An API key is `waka_` and a random UUID v4 (122 random bits). That is the
 * shape wakatime-cli accepts in `~/.wakatime.cfg`, so editors take our keys
 * without complaint.
 */
const KEY_PATTERN = /^waka_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** How many characters of a key are kept in the clear so its owner can tell keys apart. */
const PREFIX_LENGTH = 'waka_'.length + 8;

/** A new random key. */
export function generateApiKey(): string {
  return `waka_${randomUUID()}`;
}

/** True when `text` has the shape of one of our keys (it may still be unknown or revoked). */
export function looksLikeApiKey(text: string): boolean {
  return KEY_PATTERN.test(text.toLowerCase());
}

/** The SHA-256 of a key: what the store keeps and looks keys up by. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key.toLowerCase()).digest('hex');
}

/** The part of a key shown in listings. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, PREFIX_LENGTH);
}

/** What a request carried as an API key, if anything. */
export type PresentedKey = { key: string } | { bearer: string } | null;

/**
 * The key a WakaTime client sent: `Authorization: Basic base64(key)` (what
 * wakatime-cli sends; `key:` and `user:key` forms too), `Authorization:
 * Bearer key`, or `?api_key=key`. A bearer value that is not key-shaped is
 * returned as `bearer` so the caller can try it as a session token.
 */
export function presentedApiKey(authorization: string | undefined, query: unknown): PresentedKey {
  if (authorization) {
    const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const candidate = decoded.split(':').find((part) => looksLikeApiKey(part.trim()));
      return { key: (candidate ?? decoded).trim() };
    }
    if (scheme?.toLowerCase() === 'bearer') {
      return looksLikeApiKey(value) ? { key: value } : { bearer: value };
    }
  }
  const fromQuery = (query as { api_key?: unknown } | undefined)?.api_key;
  if (typeof fromQuery === 'string' && fromQuery.length > 0) return { key: fromQuery.trim() };
  return null;
}
