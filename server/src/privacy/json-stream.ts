import type { Response } from 'express';

/**
 * Writes one JSON object to an HTTP response piece by piece, respecting
 * backpressure, so a large export never sits in memory whole.
 */
export class JsonObjectStream {
  private first = true;

  constructor(private readonly res: Response) {}

  async open(): Promise<void> {
    await this.write('{');
  }

  /** A complete member: `"name": value`. */
  async member(name: string, value: unknown): Promise<void> {
    await this.write(`${this.comma()}${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }

  /** A member whose value is an array produced in batches. */
  async array<T>(name: string, batches: AsyncIterable<T[]>): Promise<number> {
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
    if (this.res.write(chunk)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.res.off('close', closed);
        resolve();
      };
      const closed = () => {
        this.res.off('drain', done);
        reject(new Error('client went away during the export'));
      };
      this.res.once('drain', done);
      this.res.once('close', closed);
    });
  }
}
