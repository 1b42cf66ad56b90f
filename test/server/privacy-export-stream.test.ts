import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_PRIVACY_SETTINGS } from '@mindful/shared';
import {
  createLogger,
  FieldCipher,
  placeOf,
  startServer,
  type RunningServer,
} from '@mindful/server';
import { streamUserExport } from '../../server/src/privacy/user-export';
import { describeEachStore } from '../helpers/databases';
import { LogCapture } from '../helpers/log-capture';
import { authedFetch, signUp, testConfig, TEST_ENCRYPTION_KEY } from '../helpers/test-server';
import { waitFor } from './sync-helpers';

/** One flow period, repeated to make each session row about 55 kB of JSON. */
const PERIODS_SQL = `(SELECT jsonb_agg(jsonb_build_object('start_time', '2026-01-05T09:00:00.000Z',
  'end_time', '2026-01-05T09:30:00.000Z', 'duration_ms', 1800000, 'intensity', 0.5))
  FROM generate_series(1, 500))`;

/**
 * Sessions whose export is far larger than what loopback socket buffers hold
 * (about 16 MB), so a client that stops reading really stalls the server.
 */
async function seedLargeHistory(pool: pg.Pool, userId: string, rows = 300): Promise<void> {
  await pool.query(
    `INSERT INTO coding_sessions (user_id, start_time, flow_state_periods)
     SELECT $1, NOW() - (g || ' minutes')::interval, ${PERIODS_SQL} FROM generate_series(1, $2::int) g`,
    [userId, rows],
  );
}

/** A GET whose body is only read when asked: the first chunk, then the rest on `rest()`. */
function pausedGet(url: string, token: string) {
  return new Promise<{ status: number; rest: () => Promise<string> }>((resolve, reject) => {
    const request = http.get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.pause();
      const chunks: Buffer[] = [];
      const body = new Promise<string>((done, failed) => {
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
        res.on('error', failed);
        res.on('aborted', () => failed(new Error('the server aborted the response')));
      });
      body.catch(() => undefined); // observed by rest()
      resolve({
        status: res.statusCode ?? 0,
        rest: () => {
          res.resume();
          return body;
        },
      });
    });
    request.on('error', reject);
  });
}

describeEachStore('the export stream', (store, kind) => {
  let server: RunningServer;
  const logs = new LogCapture();
  beforeAll(async () => {
    const config = testConfig({ LOG_LEVEL: 'info' });
    server = await startServer({ config, log: createLogger('info', logs.sink), database: store() });
  });
  afterAll(async () => {
    await server?.close();
  });
  const q = (sql: string, params: unknown[] = []) => store().pool.query(sql, params);

  /** A session row and one flow state whose error_events column holds `sealed(flowId)`. */
  async function userWithFlowState(sealed: (flowId: string) => string) {
    const user = await signUp(server.url);
    const sessionId = randomUUID();
    await q(`INSERT INTO coding_sessions (id, user_id, start_time) VALUES ($1, $2, NOW())`, [
      sessionId,
      user.id,
    ]);
    const flowId = randomUUID();
    await q(
      `INSERT INTO flow_states (id, session_id, user_id, start_time, error_events)
       VALUES ($1, $2, $3, NOW(), $4)`,
      [flowId, sessionId, user.id, sealed(flowId)],
    );
    return { user, flowId };
  }

  const cipher = () => server.ctx.cipher;
  const place = (flowId: string) => placeOf('flow_states', 'error_events', flowId);
  const corruptions: [string, (flowId: string) => string, string][] = [
    [
      'a ciphertext copied from another row',
      () => cipher().encryptJson({ count: 1, note: 'QuietHarbor-91' }, place(randomUUID())),
      'QuietHarbor-91',
    ],
    [
      'a value that decrypts to something other than JSON',
      // JSON.parse quotes the start of what it choked on in its message.
      (flowId) => cipher().encrypt('s3cr3tXYZW and more', place(flowId)),
      's3cr3tXYZW',
    ],
  ];

  it.each(corruptions)(
    'a row with %s: the transfer fails (no parseable document), the log names the place but no value, the server keeps serving',
    async (_case, sealed, plaintext) => {
      const { user, flowId } = await userWithFlowState(sealed);
      logs.text = '';
      // The head may already be out (200): the failure shows as a transfer cut short.
      const body = authedFetch(server.url, user.token, '/api/privacy/export').then((response) => {
        expect(response.status).toBe(200);
        return response.text();
      });
      await expect(body).rejects.toThrow(/terminated|other side closed|fetch failed/);

      const failure = logs.text
        .trim()
        .split('\n')
        .map(
          (line) => JSON.parse(line) as { level: number; err?: { type: string; message: string } },
        )
        .find((line) => line.err?.type === 'ExportFailedError');
      expect(failure, logs.text).toBeDefined();
      expect(failure!.level).toBe(50);
      expect(failure!.err!.message).toContain('flow_states');
      expect(failure!.err!.message).toContain(flowId);
      expect(logs.text).not.toContain(plaintext);

      expect((await authedFetch(server.url, user.token, '/api/me')).status).toBe(200);
      const other = await signUp(server.url);
      const exported = (await (
        await authedFetch(server.url, other.token, '/api/privacy/export')
      ).json()) as { user: { id: string } };
      expect(exported.user.id).toBe(other.id);
    },
  );

  // PGlite has one connection: a write can't run while the export holds it.
  if (kind === 'postgres') {
    it('reads one snapshot: sessions deleted and added while it streams do not change what it returns', async () => {
      const user = await signUp(server.url);
      await seedLargeHistory(store().pool, user.id);
      const before = await q(
        'SELECT id::text FROM coding_sessions WHERE user_id = $1 ORDER BY id',
        [user.id],
      );
      const exporting = await pausedGet(`${server.url}/api/privacy/export`, user.token);
      expect(exporting.status).toBe(200);

      // The client reads nothing more: the server stalls inside the sessions section.
      const stalledInSessions = async () =>
        (
          await q(
            `SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> pg_backend_pid()
                 AND state = 'idle in transaction' AND query LIKE '%FROM coding_sessions WHERE user_id%'`,
          )
        ).rows[0].n === 1;
      await waitFor(stalledInSessions, 'the export to stall in its sessions section');
      const writer = await store().pool.connect();
      try {
        await writer.query('BEGIN');
        await writer.query('DELETE FROM coding_sessions WHERE user_id = $1', [user.id]);
        await writer.query(`INSERT INTO coding_sessions (user_id, start_time) VALUES ($1, NOW())`, [
          user.id,
        ]);
        await writer.query('COMMIT');
      } finally {
        writer.release();
      }
      expect(await stalledInSessions(), 'the export must still be mid-stream').toBe(true);

      const exported = JSON.parse(await exporting.rest()) as { sessions: { id: string }[] };
      expect(exported.sessions.map((s) => s.id)).toEqual(before.rows.map((r) => r.id));
    });
  }

  it('cuts off a client that stops reading, and gives the connection back', async () => {
    const user = await signUp(server.url);
    await seedLargeHistory(store().pool, user.id);
    // The route with a short stall timeout, over the same store and key.
    let ended!: () => void;
    const responseClosed = new Promise<void>((resolve) => (ended = resolve));
    const app = express();
    app.get('/export', async (_req, res) => {
      res.on('close', ended);
      await streamUserExport(
        res,
        store().pool,
        new FieldCipher(TEST_ENCRYPTION_KEY),
        user.id,
        DEFAULT_PRIVACY_SETTINGS,
        new Date(),
        { stallTimeoutMs: 200 },
      );
    });
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const exporting = await pausedGet(`http://127.0.0.1:${port}/export`, user.token);
      await responseClosed;
      // On PGlite the pool has one connection: this answers only if the export let go of it.
      expect((await q('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await expect(exporting.rest()).rejects.toThrow();
    } finally {
      listener.closeAllConnections();
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
