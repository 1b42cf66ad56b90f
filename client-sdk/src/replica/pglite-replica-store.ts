import { PGlite } from '@electric-sql/pglite';
import { fromBase64, toBase64 } from 'lib0/buffer';
import { flowStateEntrySchema, PATTERN_HISTORY, sessionEntrySchema } from '@mindful/shared';
import { live, type PGliteWithLive } from '@electric-sql/pglite/live';
import { REPLICA_MIGRATIONS, WIPED_TABLES } from './replica-migrations';
import { ROWS_MARK_KEY } from './rows-mark';
import { prepareReplicaDir } from './replica-template';
import { sessionExtent, type SessionExtent } from './session-extent';
import type {
  CurrentFlow,
  FlowStateRecord,
  HistoryPage,
  HistoryQuery,
  LocalActivityRow,
  SessionRecord,
} from './replica-records';
import type { ReplicaStore, RowChange, SessionPrivateFields } from './replica-store';
import {
  buildHistoryQuery,
  decodeCursor,
  sessionsOverlappingQuery,
  SESSIONS_SELECT,
  toFlowStateRecord,
  toSessionRecord,
  type Row,
} from './replica-rows';

/**
 * Opens (creating if needed) a PGlite replica at `dataDir` — a directory in Node, `idb://name` in
 * the browser, `memory://` for a throwaway — and applies the replica migrations.
 *
 * @example
 * const store = await openPgliteReplicaStore('memory://');
 * await store.upsertSession(entry);
 */
export async function openPgliteReplicaStore(dataDir: string): Promise<ReplicaStore> {
  const start = await prepareReplicaDir(dataDir);
  const pg = await PGlite.create(dataDir, {
    extensions: { live },
    loadDataDir: start.kind === 'load' ? start.dump : undefined,
    postgresqlconf: EDITOR_POSTGRESQL_CONF,
  });
  try {
    await migrateReplica(pg);
  } catch (error) {
    await pg.close();
    throw error;
  }
  return new PgliteReplicaStore(pg as unknown as PGliteWithLive);
}

/**
 * The versions applied so far. Reads first and creates the table only when it
 * is missing: every replica made from the shipped template has it, and a
 * `CREATE TABLE IF NOT EXISTS` is a catalog write that cost 13-20 ms of each
 * warm open.
 */
async function appliedMigrations(pg: PGlite): Promise<Set<number>> {
  try {
    const { rows } = await pg.query<{ version: number }>('SELECT version FROM replica_migrations');
    return new Set(rows.map((r) => r.version));
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNDEFINED_TABLE) throw error;
    await pg.exec(
      'CREATE TABLE replica_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    return new Set();
  }
}

const UNDEFINED_TABLE = '42P01';

/**
 * PostgreSQL settings for a replica living inside an editor's extension host
 * (shared by every extension): one user's sessions are a few MB, so PGlite's
 * server-sized defaults (128 MB shared buffers, sized by PGlite for a database
 * server) mostly cost resident memory. PGlite writes these into the data
 * directory's postgresql.conf on every start.
 */
const EDITOR_POSTGRESQL_CONF = [
  'shared_buffers = 8MB',
  'temp_buffers = 2MB',
  'work_mem = 2MB',
  'maintenance_work_mem = 16MB',
];

/** Applies the replica migrations PGlite at `pg` lacks (also used to build the shipped template). */
export async function migrateReplica(pg: PGlite): Promise<void> {
  const applied = await appliedMigrations(pg);
  for (const migration of REPLICA_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    await pg.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO replica_migrations (version) VALUES ($1)', [migration.version]);
      // The rows' shape changed: the next open rebuilds them whatever the document's state.
      await tx.query('DELETE FROM replica_meta WHERE key = $1', [ROWS_MARK_KEY]);
    });
  }
}

/**
 * The columns the materializer writes: every field of a document entry is a column of the same
 * name (a field added to the entries needs a replica migration adding its column).
 */
const SESSION_COLUMNS = Object.keys(sessionEntrySchema.shape);

/** Columns derived from a session's fields (written with it, never read back into a record). */
const SESSION_DERIVED_COLUMNS = [
  'extent_start_ms',
  'extent_end_ms',
] as const satisfies readonly (keyof SessionExtent)[];

const SESSION_ROW_COLUMNS = [...SESSION_COLUMNS, ...SESSION_DERIVED_COLUMNS];

const FLOW_STATE_COLUMNS = Object.keys(flowStateEntrySchema.shape);

/** Upserts the rows of JSON array `param`, every column. */
function upsertFromJson(table: string, columns: readonly string[], param: string): string {
  const list = columns.join(', ');
  const updates = columns
    .filter((c) => c !== 'id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  return `INSERT INTO ${table} (${list})
    SELECT ${list} FROM json_populate_recordset(NULL::${table}, ${param}::json)
    ON CONFLICT (id) DO UPDATE SET ${updates}`;
}

/**
 * The keys of text array `param` that are UUIDs, as PostgreSQL reads them, as
 * an array (evaluated once; `= ANY` of it uses the indexes). A document key
 * may be any string (any replica may write anything); one that is no UUID has
 * no row, and must not fail the statement for the others.
 */
const rowIds = (param: string) =>
  `ARRAY(SELECT k::uuid FROM unnest(${param}::text[]) AS k WHERE pg_input_is_valid(k, 'uuid'))`;

/**
 * A {@link RowChange} as one statement, with a part for each list that is not
 * empty: atomic without a transaction's two extra round trips. Deleting a
 * session deletes what the device keeps of it: raw keystroke intervals of a
 * session the document no longer has (retention, or a deletion from another
 * replica) must not outlive it on the device.
 */
function writeRowsStatement(change: RowChange): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const parts: string[] = [];
  if (change.sessions.length > 0) {
    const rows = change.sessions.map((s) => ({ ...s, ...sessionExtent(s) }));
    parts.push(upsertFromJson('sessions', SESSION_ROW_COLUMNS, param(JSON.stringify(rows))));
  }
  if (change.deletedSessions.length > 0) {
    const ids = rowIds(param(change.deletedSessions));
    parts.push(
      `DELETE FROM sessions WHERE id = ANY(${ids})`,
      `DELETE FROM local_session_private WHERE session_id = ANY(${ids})`,
      `DELETE FROM local_activity WHERE session_id = ANY(${ids})`,
    );
  }
  if (change.flowStates.length > 0) {
    parts.push(
      upsertFromJson('flow_states', FLOW_STATE_COLUMNS, param(JSON.stringify(change.flowStates))),
    );
  }
  if (change.deletedFlowStates.length > 0) {
    parts.push(
      `DELETE FROM flow_states WHERE id = ANY(${rowIds(param(change.deletedFlowStates))})`,
    );
  }
  const last = parts.pop() ?? '';
  const sql =
    parts.length === 0
      ? last
      : `WITH ${parts.map((p, i) => `w${i} AS (${p})`).join(',\n')}\n${last}`;
  return { sql, params };
}

/**
 * Document updates cross the PGlite boundary as base64 text, never as a bytea
 * parameter or column: PGlite converts bytea to and from hex in JavaScript one
 * character at a time. A 1.2 MB document (2,000 sessions) took 120-340 ms to
 * read and 400-500 ms to write that way, against 6 and 25 ms as base64
 * (docs/performance.md).
 */
const INSERT_DOC_UPDATE = `INSERT INTO ydoc_updates (generation, payload) VALUES ($1, decode($2, 'base64'))`;

const CURRENT_FLOW_SQL = `
  SELECT s.id AS session_id, f.start_time AS flow_since, f.intensity_score
  FROM sessions s
  LEFT JOIN flow_states f ON f.session_id = s.id AND f.end_time IS NULL
  WHERE s.end_time IS NULL
  ORDER BY s.start_time DESC, s.id DESC, f.start_time DESC
  LIMIT 1`;

class PgliteReplicaStore implements ReplicaStore {
  constructor(private readonly pg: PGliteWithLive) {}

  async getMeta<T>(key: string): Promise<T | undefined> {
    const { rows } = await this.pg.query<{ value: T }>(
      'SELECT value FROM replica_meta WHERE key = $1',
      [key],
    );
    return rows[0]?.value;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.pg.query(
      'INSERT INTO replica_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      [key, JSON.stringify(value)],
    );
  }

  async loadDocUpdates(generation: number): Promise<Uint8Array[]> {
    const { rows } = await this.pg.query<{ payload: string }>(
      `SELECT encode(payload, 'base64') AS payload FROM ydoc_updates WHERE generation = $1 ORDER BY id`,
      [generation],
    );
    return rows.map((r) => fromBase64(r.payload));
  }

  async appendDocUpdate(generation: number, update: Uint8Array): Promise<void> {
    await this.pg.query(INSERT_DOC_UPDATE, [generation, toBase64(update)]);
  }

  async replaceDocUpdates(generation: number, merged: Uint8Array): Promise<void> {
    await this.pg.transaction(async (tx) => {
      // Other generations are stale by definition (a purge moved on): drop them too.
      await tx.query('DELETE FROM ydoc_updates');
      await tx.query(INSERT_DOC_UPDATE, [generation, toBase64(merged)]);
    });
  }

  async countDocUpdates(generation: number): Promise<number> {
    const { rows } = await this.pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM ydoc_updates WHERE generation = $1',
      [generation],
    );
    return rows[0]?.n ?? 0;
  }

  async writeRows(change: RowChange): Promise<void> {
    const { sql, params } = writeRowsStatement(change);
    if (params.length > 0) await this.pg.query(sql, params);
  }

  async sessionIds(): Promise<string[]> {
    return (await this.pg.query<{ id: string }>('SELECT id FROM sessions')).rows.map((r) => r.id);
  }

  async flowStateIds(): Promise<string[]> {
    return (await this.pg.query<{ id: string }>('SELECT id FROM flow_states')).rows.map(
      (r) => r.id,
    );
  }

  async setSessionPrivate(sessionId: string, fields: SessionPrivateFields): Promise<void> {
    await this.pg.query(
      `INSERT INTO local_session_private (session_id, project_path, environment_data) VALUES ($1, $2, $3)
       ON CONFLICT (session_id) DO UPDATE SET project_path = EXCLUDED.project_path,
         environment_data = EXCLUDED.environment_data`,
      [sessionId, fields.project_path, json(fields.environment_data)],
    );
  }

  async appendActivity(sessionId: string, at: number, payload: unknown): Promise<void> {
    await this.pg.query(
      'INSERT INTO local_activity (session_id, at, payload) VALUES ($1, $2, $3)',
      [sessionId, at, JSON.stringify(payload)],
    );
  }

  async activityOf(sessionId: string): Promise<LocalActivityRow[]> {
    const { rows } = await this.pg.query<LocalActivityRow>(
      'SELECT at, payload FROM local_activity WHERE session_id = $1 ORDER BY id',
      [sessionId],
    );
    return rows;
  }

  async getOpenSession(): Promise<{ sessionId: string; payload: unknown } | null> {
    const { rows } = await this.pg.query<{ session_id: string; payload: unknown }>(
      'SELECT session_id, payload FROM local_open_session LIMIT 1',
    );
    return rows[0] ? { sessionId: rows[0].session_id, payload: rows[0].payload } : null;
  }

  async setOpenSession(sessionId: string, payload: unknown): Promise<void> {
    await this.pg.transaction(async (tx) => {
      await tx.query('DELETE FROM local_open_session');
      await tx.query('INSERT INTO local_open_session (session_id, payload) VALUES ($1, $2)', [
        sessionId,
        JSON.stringify(payload),
      ]);
    });
  }

  async clearOpenSession(): Promise<void> {
    await this.pg.query('DELETE FROM local_open_session');
  }

  async history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const q = buildHistoryQuery(query, decodeCursor(query.cursor));
    const { rows } = await this.pg.query<Row>(q.sql, q.params);
    return q.toPage(rows);
  }

  async allSessions(): Promise<SessionRecord[]> {
    const { rows } = await this.pg.query<Row>(`${SESSIONS_SELECT} ORDER BY s.start_time, s.id`);
    return rows.map(toSessionRecord);
  }

  async sessionsOverlapping(startMs: number, endMs: number): Promise<SessionRecord[]> {
    const q = sessionsOverlappingQuery(startMs, endMs);
    const { rows } = await this.pg.query<Row>(q.sql, q.params);
    return rows.map(toSessionRecord);
  }

  async patternHistory(now: number): Promise<SessionRecord[]> {
    const { rows } = await this.pg.query<Row>(
      `${SESSIONS_SELECT}
       WHERE s.end_time IS NOT NULL AND s.start_time >= $1
       ORDER BY s.start_time DESC, s.id DESC LIMIT $2`,
      [
        new Date(now - PATTERN_HISTORY.lookbackDays * 86_400_000).toISOString(),
        PATTERN_HISTORY.maxSessions,
      ],
    );
    return rows.reverse().map(toSessionRecord);
  }

  async flowStatesOf(sessionId: string): Promise<FlowStateRecord[]> {
    const { rows } = await this.pg.query<Row>(
      'SELECT * FROM flow_states WHERE session_id = $1 ORDER BY start_time, id',
      [sessionId],
    );
    return rows.map(toFlowStateRecord);
  }

  async currentFlow(): Promise<CurrentFlow> {
    return toCurrentFlow((await this.pg.query<Row>(CURRENT_FLOW_SQL)).rows[0]);
  }

  async liveHistory(
    query: HistoryQuery,
    onChange: (page: HistoryPage) => void,
  ): Promise<() => Promise<void>> {
    const q = buildHistoryQuery({ ...query, cursor: null }, null);
    const handle = await this.pg.live.query<Row>(q.sql, q.params, (results) =>
      onChange(q.toPage(results.rows)),
    );
    onChange(q.toPage(handle.initialResults.rows));
    return () => handle.unsubscribe();
  }

  async liveCurrentFlow(onChange: (flow: CurrentFlow) => void): Promise<() => Promise<void>> {
    const handle = await this.pg.live.query<Row>(CURRENT_FLOW_SQL, [], (results) =>
      onChange(toCurrentFlow(results.rows[0])),
    );
    onChange(toCurrentFlow(handle.initialResults.rows[0]));
    return () => handle.unsubscribe();
  }

  async liveSessionsChanged(onChange: () => void): Promise<() => Promise<void>> {
    // A cheap fingerprint of the table: any insert, update or delete changes it.
    const handle = await this.pg.live.query(
      'SELECT count(*)::int AS n, max(updated_at) AS last FROM sessions',
      [],
      () => onChange(),
    );
    return () => handle.unsubscribe();
  }

  async wipe(): Promise<void> {
    await this.pg.exec(`TRUNCATE ${WIPED_TABLES.join(', ')}`);
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function toCurrentFlow(row: Row | undefined): CurrentFlow {
  if (!row) return { sessionId: null, inFlow: false, flowSince: null, intensity: null };
  const since = row.flow_since as Date | null;
  return {
    sessionId: row.session_id as string,
    inFlow: since !== null,
    flowSince: since === null ? null : since.toISOString(),
    intensity: since === null ? null : (row.intensity_score as number),
  };
}
