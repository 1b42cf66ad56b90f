import { Duplex } from 'node:stream';
import { Worker } from 'node:worker_threads';

/** The PostgreSQL wire protocol's Terminate message: 'X' and its length. */
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

/**
 * Embedded PGlite on a worker thread of its own (`pglite-worker.mjs`), spoken
 * to in protocol bytes. PGlite runs each statement synchronously; on the
 * server's thread every request and socket waited for it, and the database
 * never used the second core. Here `pg` clients talk to it through
 * {@link PgliteThread.socket}, a stream in place of a TCP socket, so the
 * server keeps `pg`'s own connection and protocol code.
 */
export class PgliteThread {
  private readonly pending = new Map<
    number,
    { resolve(reply: Uint8Array): void; reject(error: Error): void }
  >();
  private nextId = 1;
  private failure: Error | null = null;

  private readonly ready: Promise<void>;
  private markReady!: () => void;

  private constructor(private readonly worker: Worker) {
    this.ready = new Promise<void>((resolve) => (this.markReady = resolve));
    worker.on('message', (message: WorkerReply) => this.settle(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the PGlite thread exited (code ${code})`)));
  }

  /** Starts PGlite on a new thread with `dataDir` (a directory, or `memory://`). */
  static async start(dataDir: string): Promise<PgliteThread> {
    const thread = new PgliteThread(
      new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
        workerData: { dataDir },
        // Plain JavaScript: no loader (tsx, a test runner's) is needed, nor wanted, there.
        execArgv: [],
      }),
    );
    await Promise.race([
      thread.ready,
      new Promise<never>((_, reject) => (thread.startFailed = reject)),
    ]);
    thread.startFailed = undefined;
    return thread;
  }

  private startFailed: ((error: Error) => void) | undefined;

  /** Runs protocol messages; resolves with the backend's reply bytes. */
  request(bytes: Uint8Array): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, bytes });
    });
  }

  /** A new connection's "socket", for `pg`'s `stream` option. */
  socket(): Duplex {
    return new PgliteSocket(this);
  }

  /** Closes PGlite (flushing it to its directory) and ends the thread. */
  async close(): Promise<void> {
    if (!this.failure) {
      const id = this.nextId++;
      await new Promise<Uint8Array>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.worker.postMessage({ id, close: true });
      });
    }
    this.failure ??= new Error('the PGlite thread is closed');
    await this.worker.terminate();
  }

  private settle(message: WorkerReply): void {
    if (message.ready) return this.markReady();
    if (message.id === undefined) {
      // Only a start that failed answers without an id.
      return this.fail(new Error(`PGlite did not start: ${message.failed}`));
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.failed) waiter.reject(new Error(message.failed));
    else waiter.resolve(message.reply ?? new Uint8Array(0));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.startFailed?.(error);
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
  }
}

interface WorkerReply {
  id?: number;
  ready?: boolean;
  reply?: Uint8Array;
  closed?: boolean;
  failed?: string;
}

/**
 * One `pg` connection to the PGlite thread. The messages a client writes in
 * one turn of the event loop (parse, bind, describe, execute, sync) go over
 * as one batch, and the replies come back in order.
 */
class PgliteSocket extends Duplex {
  private parts: Buffer[] = [];
  private flushScheduled = false;
  private replies: Promise<void> = Promise.resolve();

  constructor(private readonly thread: PgliteThread) {
    super();
  }

  // The parts of net.Socket that pg's Connection calls.
  connect(): this {
    process.nextTick(() => this.emit('connect'));
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    // Terminate would end the one backend every connection shares; closing the socket is enough.
    if (!chunk.equals(TERMINATE)) {
      this.parts.push(chunk);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        process.nextTick(() => this.flush());
      }
    }
    done();
  }

  override _final(done: (error?: Error) => void): void {
    void this.replies.then(() => {
      this.push(null);
      done();
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const bytes = Buffer.concat(this.parts);
    this.parts = [];
    const reply = this.thread.request(bytes);
    this.replies = this.replies.then(() =>
      reply.then(
        (data) => {
          if (data.byteLength > 0)
            this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
        },
        (error: Error) => {
          this.destroy(error);
        },
      ),
    );
  }
}
