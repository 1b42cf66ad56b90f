import { z } from 'zod';

// A UTF-16 surrogate without its partner (NUL is checked with includes()).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The message every schema gives for text PostgreSQL cannot store as sent. */
export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/**
 * True when `text` can be stored unchanged: PostgreSQL refuses NUL in `text`
 * and `jsonb`, and a lone surrogate is either refused (`jsonb`) or silently
 * replaced by U+FFFD when encoded as UTF-8 (`text`).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/**
 * True when every string in a JSON-like value, keys included, is
 * {@link isStorableText}. Stops at `maxDepth` (deeper values count as unstorable:
 * no entry of ours nests that far).
 */
export function isStorableJson(value: unknown, maxDepth = 32): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (value === null || typeof value !== 'object') return true;
  if (maxDepth <= 0) return false;
  if (Array.isArray(value)) return value.every((item) => isStorableJson(item, maxDepth - 1));
  return Object.entries(value).every(
    ([key, item]) => isStorableText(key) && isStorableJson(item, maxDepth - 1),
  );
}

/**
 * A string of at most `maxLength` UTF-16 units that PostgreSQL can store
 * unchanged. Used for every free-text field that crosses a trust boundary
 * (REST bodies, document entries), so the SDK refuses such text before it
 * syncs and the server answers 400 naming the field.
 *
 * @example
 * const body = z.object({ name: storableText(255).min(1) });
 * body.safeParse({ name: 'a\u0000b' }).success; // false
 */
export function storableText(maxLength: number) {
  return z.string().max(maxLength).refine(isStorableText, { message: UNSTORABLE_TEXT_MESSAGE });
}
