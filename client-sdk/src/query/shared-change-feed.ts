/**
 * One underlying change subscription shared by any number of listeners. Each PGlite live query
 * installs its own triggers and temporary view; a dashboard with a dozen hooks (twice as many in
 * React strict mode, which subscribes, unsubscribes and subscribes again at once) would otherwise
 * register and drop live queries concurrently on the one table, which PGlite does not survive (its
 * queries stopped answering). Here the first listener starts the subscription, the last one
 * leaving stops it, and a start or stop in progress is awaited, never raced.
 */
export function sharedChangeFeed(
  subscribe: (notify: () => void) => Promise<() => Promise<void>>,
): (listener: () => void) => Promise<() => Promise<void>> {
  const listeners = new Set<() => void>();
  let running: Promise<(() => Promise<void>) | null> = Promise.resolve(null);
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  // Every start and stop runs after the previous one: a chain, so they never overlap.
  const settle = () => {
    running = running.then(async (stop) => {
      if (listeners.size > 0 && !stop) return subscribe(notify);
      if (listeners.size === 0 && stop) {
        await stop();
        return null;
      }
      return stop;
    });
    return running;
  };
  return async (listener) => {
    listeners.add(listener);
    await settle();
    return async () => {
      if (!listeners.delete(listener)) return;
      await settle();
    };
  };
}
