import { Writable } from 'node:stream';

/** A pino destination that keeps every line, for tests that read what the server logged. */
export class LogCapture {
  /** Everything logged so far (JSON lines); assign '' to start over. */
  text = '';
  readonly sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.text += chunk.toString();
      done();
    },
  });
}
