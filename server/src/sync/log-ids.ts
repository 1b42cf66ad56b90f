/** Compares two log ids (bigint as decimal text). */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The larger of two log ids. */
export function maxId(a: string, b: string): string {
  return compareIds(a, b) >= 0 ? a : b;
}
