/**
 * better-auth names its fields in camelCase while the rest of the API is
 * snake_case. These add the snake_case spellings in both directions, never
 * removing better-auth's own (existing clients send and read those).
 */

/** Request fields accepted in snake_case, with the name better-auth reads. */
const REQUEST_ALIASES: Record<string, string> = {
  remember_me: 'rememberMe',
  callback_url: 'callbackURL',
  new_password: 'newPassword',
  current_password: 'currentPassword',
  revoke_other_sessions: 'revokeOtherSessions',
};

/** User fields better-auth answers in camelCase, with their snake_case twin. */
const USER_ALIASES: Record<string, string> = {
  emailVerified: 'email_verified',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  subscriptionTier: 'subscription_tier',
};

/** A JSON request body with each snake_case alias copied to better-auth's name (if absent). */
export function aliasRequestBody(
  body: Uint8Array<ArrayBuffer>,
  contentType: string | undefined,
): Uint8Array<ArrayBuffer> {
  if (!contentType?.includes('json') || body.length === 0) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return body; // better-auth answers malformed JSON itself
  }
  if (!isRecord(parsed)) return body;
  let changed = false;
  for (const [snake, camel] of Object.entries(REQUEST_ALIASES)) {
    if (snake in parsed && !(camel in parsed)) {
      parsed[camel] = parsed[snake];
      delete parsed[snake];
      changed = true;
    }
  }
  return changed ? new Uint8Array(Buffer.from(JSON.stringify(parsed))) : body;
}

/** A JSON answer whose `user` object also carries the snake_case names. */
export function aliasUserFields(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (!isRecord(parsed) || !isRecord(parsed.user)) return text;
  const user = parsed.user;
  for (const [camel, snake] of Object.entries(USER_ALIASES)) {
    if (camel in user && !(snake in user)) user[snake] = user[camel];
  }
  return JSON.stringify(parsed);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
