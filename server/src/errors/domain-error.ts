import type { ZodError } from 'zod';

/** The API.md error codes a rule of the domain can fail with (HTTP maps each to one status). */
export type DomainErrorCode =
  | 'validation_error'
  | 'unauthorized'
  | 'tier_required'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable';

/** One bad field of an input: where it is and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * A rule of the domain refused the request: a store, service or route throws
 * it, and the one HTTP error mapping (`http/errors.ts`) turns it into a status
 * and API.md's error body. The message is shown to the client, so it names
 * the rule, never stored content.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (message: string, details?: FieldProblem[]) =>
  new DomainError('validation_error', message, details);
export const unauthorized = (message = 'Sign in first: send Authorization: Bearer <token>') =>
  new DomainError('unauthorized', message);
export const paymentRequired = (message: string) => new DomainError('tier_required', message);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const notFound = (message = 'Not found') => new DomainError('not_found', message);
export const conflict = (message: string) => new DomainError('conflict', message);
export const unavailable = (message: string) => new DomainError('unavailable', message);

/** Zod issues as API.md `details`: one entry per bad field. */
export function fieldProblems(error: ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}
