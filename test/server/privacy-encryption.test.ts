import { randomBytes, randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecryptionError,
  FieldCipher,
  keyId,
  placeOf,
  type RunningServer,
  reencryptStaleValues,
  ENCRYPTED_COLUMNS,
} from '@mindful/server';
import { UserDoc } from '@mindful/shared';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp } from '../helpers/test-server';
import { connectReplica, startSyncServer, synced, waitFor } from './sync-helpers';

const hex = () => randomBytes(32).toString('hex');

describe('FieldCipher (AES-256-GCM)', () => {
  const cipher = new FieldCipher(hex());
  const place = placeOf('coding_sessions', 'project_path', 'row-1');

  it('round-trips, and two encryptions of one value differ (fresh nonce each time)', () => {
    const a = cipher.encrypt('/home/ada/secret-project', place);
    const b = cipher.encrypt('/home/ada/secret-project', place);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(cipher.decryptString(a, place)).toBe('/home/ada/secret-project');
    expect(a).not.toContain('secret-project');
  });

  it('refuses a ciphertext moved to another row, column or table', () => {
    const sealed = cipher.encrypt('value', place);
    for (const other of [
      placeOf('coding_sessions', 'project_path', 'row-2'),
      placeOf('coding_sessions', 'environment_data', 'row-1'),
      placeOf('flow_states', 'project_path', 'row-1'),
    ]) {
      expect(() => cipher.decrypt(sealed, other)).toThrow(DecryptionError);
    }
  });

  it('refuses tampering and a wrong key with a clear error, never garbage', () => {
    const sealed = cipher.encrypt('value', place);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), place)).toThrow(/failed authentication/);
    expect(() => new FieldCipher(hex()).decrypt(sealed, place)).toThrow(/not configured/);
    expect(() => cipher.decrypt('plain text', place)).toThrow(/Not an encrypted value/);
  });

  it('rotation: the old key still decrypts, new writes use the new key', () => {
    const oldKey = hex();
    const before = new FieldCipher(oldKey).encrypt('kept', place);
    const rotated = new FieldCipher(hex(), [oldKey]);
    expect(rotated.decryptString(before, place)).toBe('kept');
    expect(rotated.isStale(before)).toBe(true);
    const after = rotated.encrypt('kept', place);
    expect(after.split('.')[1]).toBe(rotated.currentKeyId);
    expect(after.split('.')[1]).not.toBe(keyId(Buffer.from(oldKey, 'hex')));
  });
});

describeEachStore('encryption at rest', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startSyncServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('stores no plaintext of sensitive fields in any column of sessions, flow states or the update log, and the re-encryption job moves values to a new key', async () => {
    const user = await signUp(server.url);
    await authedFetch(server.url, user.token, '/api/privacy/settings', {
      method: 'PUT',
      body: { sync_project_paths: true, sync_environment_data: true, sync_raw_keystrokes: true },
    });
    const started = await authedFetch(server.url, user.token, '/api/sessions/start', {
      method: 'POST',
      body: { project_path: '/home/ada/very-secret-project', language: 'typescript' },
    });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    const pool = store().pool;
    await waitFor(async () => {
      const { rows } = await pool.query('SELECT project_path FROM coding_sessions WHERE id = $1', [
        id,
      ]);
      return rows[0]?.project_path != null;
    }, 'the session row');

    // A flow state arrives as the extension writes it: through a replica of the document.
    const flowId = randomUUID();
    const doc = new Y.Doc();
    const replica = connectReplica(server.url, user, { doc });
    await synced(replica);
    new UserDoc(doc).putFlowState({
      id: flowId,
      session_id: id,
      start_time: '2026-01-05T09:10:00.000Z',
      end_time: '2026-01-05T09:40:00.000Z',
      duration_ms: 1_800_000,
      intensity_score: 0.8,
      context_switches: 1,
      recovery_time_ms: null,
      typing_rhythm_data: {
        mean_interval_ms: 1234.5678,
        coefficient_of_variation: 0.3,
        samples: [4321.875],
      },
      error_events: { count: 2, last: 'MarmaladeOverflowError' },
      environmental_factors: { room: 'TangerineStudio' },
    });
    await waitFor(
      async () =>
        (await pool.query('SELECT 1 FROM flow_states WHERE id = $1', [flowId])).rowCount === 1,
      'the flow state row',
    );
    replica.destroy();

    // Whole rows as text: no column of them, encrypted or not, may carry the plaintext.
    const rowsAsText = async (sql: string) =>
      (await pool.query<{ row: string }>(sql, [user.id])).rows.map((r) => r.row).join('\n');
    const sessions = await rowsAsText(
      'SELECT row_to_json(t)::text AS row FROM coding_sessions t WHERE user_id = $1',
    );
    const flows = await rowsAsText(
      'SELECT row_to_json(t)::text AS row FROM flow_states t WHERE user_id = $1',
    );
    const updates = await rowsAsText(
      'SELECT row_to_json(t)::text AS row FROM crdt_updates t WHERE user_id = $1',
    );
    const secrets = [
      'very-secret-project',
      '1234.5678',
      '4321.875',
      'MarmaladeOverflowError',
      'TangerineStudio',
    ];
    for (const [table, text] of Object.entries({ sessions, flows, updates })) {
      expect(text, table).not.toBe('');
      for (const secret of secrets) expect(text, `${table} holds ${secret}`).not.toContain(secret);
    }
    const { rows: sealed } = await pool.query(
      `SELECT typing_rhythm_data, error_events, environmental_factors FROM flow_states WHERE id = $1`,
      [flowId],
    );
    // The values are there, sealed: the search above would have found them in clear.
    const opened = Object.entries(sealed[0] as Record<string, string>).map(([column, value]) => {
      expect(value, column).toMatch(/^mc1\./);
      return server.ctx.cipher.decryptString(value, placeOf('flow_states', column, flowId));
    });
    for (const secret of secrets.slice(1)) expect(opened.join('\n')).toContain(secret);
    const { rows: pathRows } = await pool.query(
      'SELECT project_path FROM coding_sessions WHERE id = $1',
      [id],
    );
    expect(pathRows[0].project_path).toMatch(/^mc1\./);

    // Rotate: the server's key becomes a previous key of a new cipher.
    const rotated = new FieldCipher(hex(), [server.ctx.config.encryptionKeyHex!]);
    const client = await pool.connect();
    try {
      const moved = await reencryptStaleValues(client, rotated);
      expect(moved['coding_sessions.project_path']).toBeGreaterThanOrEqual(1);
      expect(moved['crdt_updates.payload']).toBeGreaterThanOrEqual(1);
      for (const column of ['typing_rhythm_data', 'error_events', 'environmental_factors']) {
        expect(moved[`flow_states.${column}`], column).toBe(1);
      }
      expect(await reencryptStaleValues(client, rotated)).toSatisfy(
        (again: Record<string, number>) => Object.values(again).every((n) => n === 0),
      );
    } finally {
      client.release();
    }
    const { rows } = await pool.query('SELECT project_path FROM coding_sessions WHERE id = $1', [
      id,
    ]);
    expect(rows[0].project_path.split('.')[1]).toBe(rotated.currentKeyId);
    expect(
      rotated.decryptString(rows[0].project_path, placeOf('coding_sessions', 'project_path', id)),
    ).toBe('/home/ada/very-secret-project');
  });

  it('no column outside the encrypted list holds an envelope', async () => {
    const { rows } = await store().pool.query(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type = 'text'`,
    );
    const listed = new Set(ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`));
    for (const { table_name, column_name } of rows) {
      if (listed.has(`${table_name}.${column_name}`)) continue;
      const found = await store().pool.query(
        `SELECT 1 FROM ${table_name} WHERE ${column_name} LIKE 'mc1.%' LIMIT 1`,
      );
      expect(found.rowCount, `${table_name}.${column_name}`).toBe(0);
    }
  });
});
