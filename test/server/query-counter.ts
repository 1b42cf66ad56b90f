import pg from 'pg';

/**
 * Counts every query sent by any `pg` client (the PGlite store's clients are
 * `pg` clients too), or with `only`, the queries whose text it matches.
 */
export function countQueries(only?: RegExp): { take(): number; restore(): void } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let count = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const text = String(
      typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text,
    );
    if (!only || only.test(text)) count++;
    if (process.env.DEBUG_ROUND_TRIPS) {
      console.log(`round trip: ${text.replace(/\s+/g, ' ').slice(0, 120)}`);
    }
    return original.apply(this, args);
  };
  return {
    take() {
      const n = count;
      count = 0;
      return n;
    },
    restore() {
      proto.query = original;
    },
  };
}
