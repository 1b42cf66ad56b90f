/**
 * Group commit for log appends: while `maxInFlight` statements are running,
 * new appends wait and then go out together in one statement — one round
 * trip and one commit (one WAL flush) for many documents. Appends also wait
 * for the end of the event loop's current turn (`setImmediate`), so every
 * request read in that turn joins one statement: with an embedded store
 * (PGlite), whose statements run synchronously on this thread, nothing else
 * would ever arrive while one is in flight. A quiet server adds one turn of
 * the loop, microseconds. Every caller still resolves only after the
 * statement carrying its entry has committed.
 *
 * Keys (document names) are unique within one statement: a second append for
 * the same key waits for the next one, so a document's entries stay in order.
 */
export class GroupCommit<K, I, O> {
  private readonly waiting: { key: K; item: I; resolve(o: O): void; reject(e: unknown): void }[] =
    [];
  private inFlight = 0;
  private pumpScheduled = false;

  /**
   * @param write runs one statement for `items` (distinct keys) and returns
   *   one outcome per item, in order: a value, or an Error for that item alone.
   */
  constructor(
    private readonly write: (items: { key: K; item: I }[]) => Promise<(O | Error)[]>,
    private readonly maxInFlight = 2,
    private readonly maxBatch = 500,
  ) {}

  submit(key: K, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ key, item, resolve, reject });
      if (this.pumpScheduled) return;
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private take(): typeof this.waiting {
    const keys = new Set<K>();
    const batch: typeof this.waiting = [];
    const rest: typeof this.waiting = [];
    for (const entry of this.waiting) {
      if (batch.length < this.maxBatch && !keys.has(entry.key)) {
        keys.add(entry.key);
        batch.push(entry);
      } else {
        rest.push(entry);
      }
    }
    this.waiting.splice(0, this.waiting.length, ...rest);
    return batch;
  }

  private async run(batch: typeof this.waiting): Promise<void> {
    let outcomes: (O | Error)[];
    try {
      outcomes = await this.write(batch.map(({ key, item }) => ({ key, item })));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One entry the store refuses (say, its user purged mid-flight) must
      // not fail the others: each is retried on its own.
      await Promise.all(batch.map((entry) => this.run([entry])));
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof Error) entry.reject(outcome);
      else entry.resolve(outcome as O);
    });
  }
}
