// The client side of the sync bench, run as a child process so the clients'
// CPU is not charged to the server under test (the server runs in the parent,
// the project's and the reference alike). Reads one job as JSON on stdin,
// prints "ready" when its clients are connected (idle mode) or one JSON
// result line (the other modes).
//   throughput: one writer and one observer replica per user; every writer
//               makes `updates` map writes as fast as it can; done when every
//               observer holds its writer's last write.
//   latency:    one writer and one observer of one user; `samples` writes,
//               each timed from the write until the observer sees it, back to
//               back in chunks that keep the writer inside the server's message
//               budget, after a warm-up chunk that is not counted.
//   idle:       one raw y-websocket connection per user, synced, then idle
//               until SIGTERM.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

/** One client to connect: the room (document name) and its query parameters. */
export interface LoadClient {
  room: string;
  params: Record<string, string>;
}

export type LoadJob =
  | { mode: 'throughput'; wsBase: string; clients: LoadClient[]; updates: number }
  | { mode: 'latency'; wsBase: string; clients: [LoadClient]; samples: number }
  | { mode: 'idle'; wsBase: string; clients: LoadClient[] };

export interface ThroughputResult {
  updates: number;
  ms: number;
}

export interface LatencyResult {
  samples: number[];
}

// The server's default message budget is 500 messages at once, then 200 a
// second: 200 back to back, then a pause that refills them, never reaches it.
const CHUNK_SAMPLES = 200;
const CHUNK_PAUSE_MS = 1_100;
/** Writes first made and thrown away: both ends' code paths warm, no first-use cost counted. */
const WARMUP_SAMPLES = 100;

function provider(wsBase: string, client: LoadClient): WebsocketProvider {
  return new WebsocketProvider(wsBase, client.room, new Y.Doc(), {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: client.params,
    disableBc: true,
  });
}

const synced = (p: WebsocketProvider) =>
  new Promise<void>((resolve, reject) => {
    if (p.synced) return resolve();
    p.once('sync', () => resolve());
    p.on('connection-close', (event) => {
      if (!p.synced) reject(new Error(`closed before sync: ${event?.code} ${event?.reason}`));
    });
  });

/** Resolves once `map` holds `value` under `key`. */
function seen(map: Y.Map<unknown>, key: string, value: number): Promise<void> {
  return new Promise((resolve) => {
    if (map.get(key) === value) return resolve();
    const check = () => {
      if (map.get(key) === value) {
        map.unobserve(check);
        resolve();
      }
    };
    map.observe(check);
  });
}

/** Connects in batches so the connect storm is not what is measured. */
async function connectAll<T>(items: T[], connect: (item: T) => Promise<void>): Promise<void> {
  const BATCH = 50;
  for (let i = 0; i < items.length; i += BATCH) {
    await Promise.all(items.slice(i, i + BATCH).map(connect));
  }
}

async function throughput(job: Extract<LoadJob, { mode: 'throughput' }>) {
  const pairs: [WebsocketProvider, WebsocketProvider][] = [];
  await connectAll(job.clients, async (client) => {
    const pair: [WebsocketProvider, WebsocketProvider] = [
      provider(job.wsBase, client),
      provider(job.wsBase, client),
    ];
    pairs.push(pair);
    await Promise.all(pair.map(synced));
  });
  const closed: string[] = [];
  for (const [writer] of pairs) {
    writer.on('connection-close', (event) => closed.push(`${event?.code} ${event?.reason}`));
  }
  const last = job.updates - 1;
  const started = performance.now();
  const done = Promise.all(
    pairs.map(([, observer]) => seen(observer.doc.getMap('bench'), 'n', last)),
  );
  for (let i = 0; i < job.updates; i++) {
    for (const [writer] of pairs) writer.doc.getMap('bench').set('n', i);
    // Let the sockets drain between rounds, as independent writers would.
    if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
  }
  await done;
  const elapsed = performance.now() - started;
  if (closed.length > 0) throw new Error(`writers were closed: ${closed.slice(0, 3).join(', ')}`);
  for (const pair of pairs) for (const p of pair) p.destroy();
  return { updates: pairs.length * job.updates, ms: elapsed } satisfies ThroughputResult;
}

async function latency(job: Extract<LoadJob, { mode: 'latency' }>) {
  const writer = provider(job.wsBase, job.clients[0]);
  const observer = provider(job.wsBase, job.clients[0]);
  await Promise.all([synced(writer), synced(observer)]);
  const map = writer.doc.getMap('bench');
  const observed = observer.doc.getMap('bench');
  let next = 0;
  const timeChunk = async (count: number) => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const value = next++;
      const arrived = seen(observed, 'k', value);
      const started = performance.now();
      map.set('k', value);
      await arrived;
      times.push(performance.now() - started);
    }
    // The budget refills while the writer pauses.
    await new Promise((resolve) => setTimeout(resolve, CHUNK_PAUSE_MS));
    return times;
  };
  await timeChunk(WARMUP_SAMPLES);
  const samples: number[] = [];
  while (samples.length < job.samples) {
    samples.push(...(await timeChunk(Math.min(CHUNK_SAMPLES, job.samples - samples.length))));
  }
  writer.destroy();
  observer.destroy();
  return { samples } satisfies LatencyResult;
}

async function idle(job: Extract<LoadJob, { mode: 'idle' }>) {
  const sockets: WebSocket[] = [];
  await connectAll(
    job.clients,
    (client) =>
      new Promise<void>((resolve, reject) => {
        const query = new URLSearchParams(client.params).toString();
        const ws = new WebSocket(`${job.wsBase}/${client.room}${query ? `?${query}` : ''}`);
        sockets.push(ws);
        ws.once('message', () => resolve()); // the server's sync step 1: loaded and attached
        ws.once('close', (code) => reject(new Error(`idle client closed with ${code}`)));
      }),
  );
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
}

// y-websocket adds a process 'exit' listener per provider; hundreds are expected here.
process.setMaxListeners(0);

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const job = JSON.parse(input) as LoadJob;
if (job.mode === 'idle') {
  await idle(job);
} else {
  const result = job.mode === 'throughput' ? await throughput(job) : await latency(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
