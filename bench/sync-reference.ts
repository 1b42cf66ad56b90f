// The reference sync server: @y/websocket-server from the Yjs project, in
// memory, no authentication, no persistence — what the project's durable,
// authenticated, encrypting server is compared with.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

export interface ReferenceServer {
  /** Base URL for y-websocket: rooms are `${wsBase}/${room}`. */
  wsBase: string;
  close(): Promise<void>;
}

export async function startReferenceServer(): Promise<ReferenceServer> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  wss.on('connection', (conn, req) => setupWSConnection(conn, req));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    wsBase: `ws://127.0.0.1:${port}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
