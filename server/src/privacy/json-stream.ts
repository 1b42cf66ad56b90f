import type { Response } from 'express';

/** The client closed the connection, or stopped reading, before the document was complete. */
export class ClientGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientGoneError';
  }
}

/** How long a write may wait for a client that does not read before the stream gives up. */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/**
 * Writes one JSON object to an HTTP response piece by piece, respecting
 * backpressure, so a large export never sits in memory whole. A client that
 * stops reading for `stallTimeoutMs` is cut off: the producer may be holding
 * a database snapshot (and, on PGlite, the only connection) while it waits.
 */
export class JsonObjectStream {
  private first = true;
  private current: string | null = null;

  constructor(
    private readonly res: Response,
    private readonly stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS,
  ) {}

  /** The member being written, for error reports (null before the first one). */
  get section(): string | null {
    return this.current;
  }

  async open(): Promise<void> {
    await this.write('{');
  }

  /** A complete member: `"name": value`. */
  async member(name: string, value: unknown): Promise<void> {
    this.current = name;
    await this.write(`${this.comma()}${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }

  /** A member whose value is an array produced in batches. */
  async array<T>(name: string, batches: AsyncIterable<T[]>): Promise<number> {
    this.current = name;
    await this.write(`${this.comma()}${JSON.stringify(name)}:[`);
    let count = 0;
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      const items = batch.map((item) => JSON.stringify(item)).join(',');
      await this.write(count === 0 ? items : `,${items}`);
      count += batch.length;
    }
    await this.write(']');
    return count;
  }

  async close(): Promise<void> {
    await this.write('}');
    this.res.end();
  }

  private comma(): string {
    const prefix = this.first ? '' : ',';
    this.first = false;
    return prefix;
  }

  private write(chunk: string): Promise<void> {
    const gone = () => new ClientGoneError('the client went away during the export');
    // A destroyed response neither drains nor closes again: waiting would hang.
    if (this.res.destroyed) return Promise.reject(gone());
    if (this.res.write(chunk)) return Promise.resolve();
    if (this.res.destroyed) return Promise.reject(gone());
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.res.off('drain', drained);
        this.res.off('close', closed);
        if (error) reject(error);
        else resolve();
      };
      const drained = () => settle();
      const closed = () => settle(gone());
      const timer = setTimeout(
        () => settle(new ClientGoneError(`the client read nothing for ${this.stallTimeoutMs} ms`)),
        this.stallTimeoutMs,
      );
      this.res.once('drain', drained);
      this.res.once('close', closed);
    });
  }
}
