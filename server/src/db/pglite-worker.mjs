// The embedded store's PostgreSQL (PGlite), run on a worker thread of its own
// (started by pglite-thread.ts). PGlite executes a statement synchronously in
// WebAssembly; on the server's thread that stopped every request and socket
// for as long as each statement ran. Here it speaks the wire protocol: each
// message from the server's thread is one batch of protocol bytes (a pg
// client's writes of one turn), answered with the backend's reply bytes, in
// arrival order. Plain JavaScript: a worker thread loads it without the
// TypeScript loader.
import process from 'node:process';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

let pglite;
try {
  pglite = await PGlite.create(workerData.dataDir);
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ failed: String(error?.stack ?? error) });
  process.exit(1);
}

let turn = Promise.resolve();
parentPort.on('message', ({ id, bytes, close }) => {
  turn = turn.then(async () => {
    if (close) {
      await pglite.close();
      parentPort.postMessage({ id, closed: true });
      return;
    }
    try {
      const reply = await pglite.execProtocolRaw(bytes);
      // A startup reply is a view into PGlite's own buffer: copy before handing it over.
      const own = reply.byteLength === reply.buffer.byteLength ? reply : reply.slice();
      parentPort.postMessage({ id, reply: own }, [own.buffer]);
    } catch (error) {
      parentPort.postMessage({ id, failed: String(error?.stack ?? error) });
    }
  });
});
