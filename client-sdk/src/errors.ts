/**
 * Another process holds the replica directory. PGlite corrupts a data directory opened by two
 * processes at once, so the second opener gets this instead of a second PGlite.
 *
 * @example
 * try {
 *   client = await createMindfulClient({ dataDir, userId });
 * } catch (error) {
 *   if (error instanceof ReplicaLockedError) showReadOnlyNotice(error.ownerPid);
 *   else throw error;
 * }
 */
export class ReplicaLockedError extends Error {
  constructor(
    /** The replica directory. */
    readonly dataDir: string,
    /** Process id of the live owner, as written in the lock file. */
    readonly ownerPid: number,
  ) {
    super(
      `The replica at ${dataDir} is already open in process ${ownerPid}. ` +
        'Only one process may open a replica; use that process, or give this one its own dataDir.',
    );
    this.name = 'ReplicaLockedError';
  }
}

/** A method was called on a client after `close()`. */
export class ClientClosedError extends Error {
  constructor(operation: string) {
    super(`Cannot ${operation}: the Mindful client is closed.`);
    this.name = 'ClientClosedError';
  }
}

/** `recordActivity` or `endSession` was called with no session started. */
export class NoActiveSessionError extends Error {
  constructor(operation: string) {
    super(`Cannot ${operation}: no session is active. Call startSession() first.`);
    this.name = 'NoActiveSessionError';
  }
}

/** The replica was written by a different user than the one the client was opened for. */
export class ReplicaOwnerMismatchError extends Error {
  constructor(
    readonly dataDir: string,
    readonly expectedUserId: string,
    readonly actualUserId: string,
  ) {
    super(
      `The replica at ${dataDir} belongs to user ${actualUserId}, not ${expectedUserId}. ` +
        'Use one replica directory per user.',
    );
    this.name = 'ReplicaOwnerMismatchError';
  }
}

/** Options given to `createMindfulClient` are unusable. */
export class InvalidClientOptionsError extends Error {
  constructor(message: string) {
    super(`Invalid Mindful client options: ${message}`);
    this.name = 'InvalidClientOptionsError';
  }
}
