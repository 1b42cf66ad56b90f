// Load for the REST bench from its own process: autocannon against one
// target (PUT, or the job's method), requests spread round-robin over `slots` (a session URL and its
// bearer token each). Reads the job on stdin, prints one JSON result.
import autocannon from 'autocannon';

export interface RestLoadJob {
  origin: string;
  /** PUT unless set. */
  method?: 'PUT' | 'POST';
  connections: number;
  seconds: number;
  /** Requests per second across all connections (autocannon's overallRate); as fast as possible when unset. */
  rate?: number;
  slots: { path: string; token?: string }[];
  body: string;
}

export interface RestLoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const job = JSON.parse(input) as RestLoadJob;
let next = 0;
const result = await autocannon({
  url: job.origin,
  connections: job.connections,
  duration: job.seconds,
  ...(job.rate ? { overallRate: job.rate } : {}),
  requests: [
    {
      method: job.method ?? 'PUT',
      setupRequest(request) {
        const slot = job.slots[next++ % job.slots.length]!;
        return {
          ...request,
          path: slot.path,
          body: job.body,
          headers: {
            'content-type': 'application/json',
            ...(slot.token ? { authorization: `Bearer ${slot.token}` } : {}),
          },
        };
      },
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  } satisfies RestLoadResult)}\n`,
);
process.exit(0);
