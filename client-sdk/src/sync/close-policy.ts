import { SYNC_CLOSE_CODES } from './sync-status';

/**
 * What the client does after the server closed the sync socket with a given code:
 * - `transport`: leave it to y-websocket's own reconnect with backoff (network trouble, restarts);
 * - `refresh-token`: fetch a new token once, then reconnect (4401);
 * - `wipe`: the document was purged, wipe local state and reconnect (4410);
 * - `back-off`: the server is overloaded or failed: reconnect after a growing delay;
 * - `halt`: reconnecting unchanged would be refused again, so stop and say why.
 */
export type CloseAction =
  | { kind: 'transport' }
  | { kind: 'refresh-token' }
  | { kind: 'wipe' }
  | { kind: 'back-off'; why: string }
  | { kind: 'halt'; status: 'forbidden' | 'error'; detail: string };

const suffix = (reason: string) => (reason ? `: ${reason}` : '');

/** The server refused what this replica sends: sending it again would be refused again. */
const refusals: Record<number, (reason: string) => string> = {
  [SYNC_CLOSE_CODES.malformedMessage]: (reason) =>
    `the server refused a message of this replica as malformed (4400${suffix(reason)}); ` +
    'sync stopped, since the replica would send it again — update the extension, and report it if it persists',
  [SYNC_CLOSE_CODES.messageTooBig]: (reason) => tooLarge(SYNC_CLOSE_CODES.messageTooBig, reason),
  [SYNC_CLOSE_CODES.unsupportedMessage]: (reason) =>
    `the server does not support a message type this replica sent (4415${suffix(reason)}): ` +
    'the extension and the server speak different protocol versions; sync stopped — update them to match',
};

function tooLarge(code: number, reason: string): string {
  return (
    `this replica's state is too large for one sync message (${code}${suffix(reason)}): ` +
    "it is over the server's message size limit, so the server refuses it on every connection; " +
    "sync stopped — the server's limit must be raised for this replica to sync"
  );
}

/** Transient server-side refusals: worth retrying, but not at once. */
const backOffs: Record<number, string> = {
  [SYNC_CLOSE_CODES.rateLimited]:
    'the server is rate-limiting this replica (4429 too many messages)',
  [SYNC_CLOSE_CODES.internalError]:
    "the server could not store this replica's changes (1011); they are sent again on reconnect",
};

/**
 * The client's response to a server close. Codes 4400–4499 that the client does not know are
 * permanent by the wire convention (the server decided reconnecting cannot help), so they halt
 * too instead of being retried for ever.
 *
 * @example
 * closeActionFor(4415, '') // { kind: 'halt', status: 'error', detail: 'the server does not support…' }
 * closeActionFor(4429, '') // { kind: 'back-off', why: 'the server is rate-limiting…' }
 */
export function closeActionFor(code: number, reason: string): CloseAction {
  if (code === SYNC_CLOSE_CODES.unauthorized) return { kind: 'refresh-token' };
  if (code === SYNC_CLOSE_CODES.generationMoved) return { kind: 'wipe' };
  if (code === SYNC_CLOSE_CODES.forbidden)
    return { kind: 'halt', status: 'forbidden', detail: reason };
  const refusal = refusals[code];
  if (refusal) return { kind: 'halt', status: 'error', detail: refusal(reason) };
  const why = backOffs[code];
  if (why !== undefined) return { kind: 'back-off', why };
  if (code >= 4400 && code < 4500) {
    return {
      kind: 'halt',
      status: 'error',
      detail: `the server refused this replica (${code}${suffix(reason)}); sync stopped, since reconnecting unchanged cannot help`,
    };
  }
  return { kind: 'transport' };
}

/** First wait after a back-off close, ms. */
export const FIRST_BACK_OFF_MS = 1000;

/**
 * The wait before reconnect attempt `attempt` (1, 2, …) after back-off closes: doubling from
 * {@link FIRST_BACK_OFF_MS}, capped at `maxMs`, and jittered into its upper half so that replicas
 * refused together (a server restart, a database outage) do not all come back at the same moment.
 *
 * @param random a number in [0, 1).
 */
export function backOffDelay(attempt: number, maxMs: number, random: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(maxMs, FIRST_BACK_OFF_MS * 2 ** exponent);
  return Math.round(ceiling / 2 + (Math.min(Math.max(random, 0), 1) * ceiling) / 2);
}
