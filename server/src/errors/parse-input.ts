import type { z } from 'zod';
import { badRequest, fieldProblems } from './domain-error';

/** Parses untrusted input with a zod schema, or throws a validation error listing each bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what = 'request body',
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw badRequest(`The ${what} is invalid`, fieldProblems(result.error));
  }
  return result.data;
}
