import { APIError, createAuthMiddleware } from 'better-auth/api';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '@mindful/shared';
import { refuseWeakPassword } from './password-hook';

/** The better-auth routes that store free text from the body, and those fields. */
const TEXT_FIELDS: Record<string, readonly string[]> = {
  '/sign-up/email': ['name', 'email'],
  '/update-user': ['name', 'image'],
  '/change-email': ['newEmail'],
};

/**
 * Refuses text PostgreSQL cannot store unchanged (NUL, unpaired surrogates)
 * on the auth routes that store it, with a 400 naming the field, like the
 * rest of the API (`storableText` in the shared schemas). Without it a NUL
 * in a name was a bare "failed to create user", and a lone surrogate was
 * silently replaced by U+FFFD.
 */
function refuseUnstorableText(path: string, body: Record<string, unknown>): void {
  const problems = (TEXT_FIELDS[path] ?? [])
    .filter((field) => typeof body[field] === 'string' && !isStorableText(body[field]))
    .map((field) => ({ field, message: UNSTORABLE_TEXT_MESSAGE }));
  if (problems.length === 0) return;
  throw new APIError('BAD_REQUEST', {
    code: 'VALIDATION_ERROR',
    message: `The request body is invalid: ${problems.map((p) => p.field).join(', ')} ${UNSTORABLE_TEXT_MESSAGE}`,
    details: problems,
  });
}

/** better-auth takes one `before` hook: text first, then the password policy. */
export const beforeAuthRoutes = createAuthMiddleware(async (ctx) => {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  refuseUnstorableText(ctx.path, body);
  refuseWeakPassword(ctx.path, body);
});
