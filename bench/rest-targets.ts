// The REST bench's references: the same request answered by a bare Express 5
// app (express.json() and one route) and by bare node:http (parse the JSON
// body, answer a fixed result) — no auth, no storage.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

const ANSWER = {
  is_in_flow: false,
  flow_intensity: 0.5,
  flow_duration_ms: 0,
  confidence: 0.1,
  recommendations: [],
};

export interface Target {
  origin: string;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<Target> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function startBareExpress(): Promise<Target> {
  const app = express();
  app.use(express.json({ limit: 256 * 1024 }));
  app.put('/api/sessions/:id/update', (req, res) => {
    if (typeof req.body !== 'object') throw new Error('no body');
    res.json(ANSWER);
  });
  return listen(http.createServer(app));
}

export function startBareHttp(): Promise<Target> {
  return listen(
    http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        JSON.parse(body);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(ANSWER));
      });
    }),
  );
}
