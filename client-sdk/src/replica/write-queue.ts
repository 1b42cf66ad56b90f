/**
 * Runs replica writes one after another in submission order. PGlite is a single connection, and
 * Y.Doc observers fire synchronously, so writes are chained here instead of interleaving; a
 * failed write is reported and does not stop the ones after it.
 *
 * @example
 * const queue = new WriteQueue((e) => console.error(e));
 * queue.run(() => store.appendDocUpdate(1, update));
 * await queue.idle(); // everything submitted so far is written
 */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Schedules `task` after everything already submitted. */
  run(task: () => Promise<void>): void {
    this.tail = this.tail.then(task).catch((error: unknown) => this.onError(error));
  }

  /** Resolves once every task submitted so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
