/** One rejected field of a flow input, named by its wire path (e.g. `keystroke_intervals[3]`). */
export interface FlowInputIssue {
  /** Wire path of the offending field. */
  readonly field: string;
  /** What is wrong with it, in words a client developer can act on. */
  readonly message: string;
}

/**
 * Thrown when flow input (a FlowStateData, a session update or a detector snapshot) is
 * malformed or out of bounds. The message names every offending field.
 *
 * @example
 * ```ts
 * try { parseFlowInput(body) } catch (e) {
 *   if (e instanceof FlowInputError) res.status(400).json({ error: { details: e.issues } });
 * }
 * ```
 */
export class FlowInputError extends Error {
  override readonly name = 'FlowInputError';
  /** Every rejected field, in input order. */
  readonly issues: readonly FlowInputIssue[];

  constructor(what: string, issues: readonly FlowInputIssue[]) {
    const list = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    super(`Invalid ${what}: ${list}`);
    this.issues = issues;
  }
}

/**
 * Thrown by {@link FlowDetector.update} when an input's timestamp is earlier than the previous
 * one: the detector is a state machine over time and cannot rewind. Callers that may receive
 * late updates should sort or drop them before feeding the detector.
 */
export class OutOfOrderInputError extends Error {
  override readonly name = 'OutOfOrderInputError';
  constructor(
    /** Timestamp of the rejected input (ms since epoch). */
    readonly timestamp: number,
    /** Timestamp of the last accepted input (ms since epoch). */
    readonly lastTimestamp: number,
  ) {
    super(
      `Flow input timestamp ${timestamp} is earlier than the previous one (${lastTimestamp}); ` +
        'feed the detector in time order',
    );
  }
}
