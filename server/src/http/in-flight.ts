import type http from 'node:http';

/** Counts requests being answered, so a shutdown can wait for them and nothing else. */
export interface InFlightRequests {
  /** Resolves once no request is being answered. */
  idle(): Promise<void>;
}

/**
 * Tracks `server`'s requests from arrival until their response is finished
 * or their connection dropped. Shutdown waits on this before it closes the
 * document registry: a REST write in flight still needs it to answer.
 */
export function trackInFlight(server: http.Server): InFlightRequests {
  let active = 0;
  let waiters: (() => void)[] = [];
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    active++;
    res.once('close', () => {
      active--;
      if (active === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
    });
  });
  return {
    idle: () =>
      active === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)),
  };
}
