import { APIError, createAuthMiddleware } from 'better-auth/api';
import { passwordProblem } from './password-policy';

/** The better-auth routes that set a password, and the body field that carries it. */
const PASSWORD_FIELDS: Record<string, string> = {
  '/sign-up/email': 'password',
  '/change-password': 'newPassword',
  '/reset-password': 'newPassword',
  '/set-password': 'newPassword',
};

/**
 * A better-auth `before` hook that refuses a weak new password on every route
 * that sets one, before anything is hashed or stored. The refusal is a 400
 * with `code: "weak_password"` and `details: [{field, message}]`, which the
 * auth routes pass on in the API's error shape.
 */
export const refuseWeakPasswords = createAuthMiddleware(async (ctx) => {
  const field = PASSWORD_FIELDS[ctx.path];
  if (!field) return;
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const password = body[field];
  // A missing or non-string password is better-auth's own validation to refuse.
  if (typeof password !== 'string') return;
  const context = [body.email, body.name].filter((v): v is string => typeof v === 'string');
  const problem = passwordProblem(password, context);
  if (!problem) return;
  throw new APIError('BAD_REQUEST', {
    code: 'WEAK_PASSWORD',
    message: `The ${field} ${problem.message}`,
    details: [{ field, message: problem.message }],
  });
});
