/**
 * One underlying change subscription shared by any number of listeners: each PGlite live query
 * installs triggers and a temporary view, and a dashboard has a dozen hooks (twice as many
 * subscriptions in React strict mode, which subscribes, unsubscribes and subscribes again at
 * once), so a client keeps one live query on the sessions table however many hooks listen. The
 * first listener starts it, the last one leaving stops it, and a start or stop in progress is
 * awaited, never raced.
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
