/**
 * Group commit for log appends: while `maxInFlight` statements are running,
 * new appends wait and then go out together in one statement — one round
 * trip and one commit (one WAL flush) for many documents. An append that finds
 * a free slot goes out at once, so a quiet server adds no latency; a busy one
 * trades many small commits for a few larger ones. Every caller still
 * resolves only after the statement carrying its entry has committed.
 *
 * Keys (document names) are unique within one statement: a second append for
 * the same key waits for the next one, so a document's entries stay in order.
 */
export class GroupCommit<K, I, O> {
  private readonly waiting: { key: K; item: I; resolve(o: O): void; reject(e: unknown): void }[] =
    [];
  private inFlight = 0;

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
      this.pump();
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
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof Error) entry.reject(outcome);
      else entry.resolve(outcome as O);
    });
  }
}
