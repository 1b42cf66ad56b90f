import type { z } from 'zod';

/**
 * Validation of values a Y.Map holds, each parsed once.
 *
 * A Y.Map hands out the very object it stores, and never changes it: a new
 * value is a new object. So a parse result can be kept for as long as the
 * object lives (a WeakMap: it goes with the value). Readers that walk a whole
 * document on every change (the server's reconciler, the replica's
 * materializer) then pay for the entries that changed, not for all of them.
 * Results are frozen, deeply: they are shared by every reader.
 */
const parsed = new WeakMap<object, Map<z.ZodType, z.ZodSafeParseResult<unknown>>>();

/** `schema.safeParse(value)`, remembered for an object value. */
export function parseHeld<T>(schema: z.ZodType<T>, value: unknown): z.ZodSafeParseResult<T> {
  if (typeof value !== 'object' || value === null) return schema.safeParse(value);
  let bySchema = parsed.get(value);
  const known = bySchema?.get(schema);
  if (known) return known as z.ZodSafeParseResult<T>;
  const result = schema.safeParse(value);
  if (result.success) deepFreeze(result.data);
  if (!bySchema) parsed.set(value, (bySchema = new Map()));
  bySchema.set(schema, result);
  return result;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
