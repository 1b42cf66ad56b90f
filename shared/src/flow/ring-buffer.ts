/**
 * Fixed-capacity FIFO of numbers (recent keystroke intervals). Pushing past capacity drops the
 * oldest values. Serialises to a plain array, oldest first.
 */
export class RingBuffer {
  private readonly data: Float64Array;
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    }
    this.data = new Float64Array(capacity);
  }

  /** A buffer holding the last `capacity` of `values`. */
  static from(capacity: number, values: readonly number[]): RingBuffer {
    const buf = new RingBuffer(capacity);
    buf.pushAll(values);
    return buf;
  }

  /** Number of values held. */
  get size(): number {
    return this.length;
  }

  /** Appends values, evicting the oldest when full. */
  pushAll(values: ArrayLike<number>): void {
    const cap = this.capacity;
    for (let i = 0; i < values.length; i++) {
      if (this.length < cap) {
        this.data[(this.start + this.length) % cap] = values[i];
        this.length++;
      } else {
        this.data[this.start] = values[i];
        this.start = (this.start + 1) % cap;
      }
    }
  }

  /** Empties the buffer. */
  clear(): void {
    this.start = 0;
    this.length = 0;
  }

  /** The values, oldest first. */
  toArray(): number[] {
    const out = new Array<number>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.data[(this.start + i) % this.capacity];
    return out;
  }

  /** The values that would be held after pushing `extra`, oldest first (no mutation). */
  previewWith(extra: ArrayLike<number>): number[] {
    const keepOld = Math.max(0, Math.min(this.length, this.capacity - extra.length));
    const out: number[] = [];
    for (let i = this.length - keepOld; i < this.length; i++) {
      out.push(this.data[(this.start + i) % this.capacity]);
    }
    for (let i = Math.max(0, extra.length - this.capacity); i < extra.length; i++) {
      out.push(extra[i]);
    }
    return out;
  }
}
