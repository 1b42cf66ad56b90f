import type { Logger } from 'pino';
import type pg from 'pg';
import type { FlowStateEntry, PrivacySettings } from '@mindful/shared';
import { inTransaction } from '../db/database';
import type { FieldCipher } from '../privacy/cipher';
import {
  FLOW_STATE_COLUMNS,
  SESSION_COLUMNS,
  flowStateRowParams,
  sessionRowParams,
} from '../sessions/session-rows';
import { GenerationMovedError } from '../sync/document-log';
import type { LiveDocument } from '../sync/live-document';
import type { SyncMetrics } from '../sync/sync-metrics';
import type { RowsReconciledListener, SettingsProjectedListener } from './projection-events';
import type { ProjectionState } from './projection-state';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function upsertSql(table: string, columns: readonly string[], extraSet: string): string {
  const values = columns.map((_, i) => {
    const p = `$${i + 1}`;
    return ['language_breakdown', 'flow_state_periods'].includes(columns[i]!) ? `${p}::jsonb` : p;
  });
  const sets = columns
    .filter((c) => c !== 'id' && c !== 'user_id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .concat(extraSet ? [extraSet] : []);
  // The WHERE keeps an id that belongs to another user's row from touching it:
  // no row comes back, and the entry is counted as foreign.
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})
    ON CONFLICT (id) DO UPDATE SET ${sets.join(', ')}
    WHERE ${table}.user_id = EXCLUDED.user_id
    RETURNING id`;
}

const UPSERT_SESSION = upsertSql('coding_sessions', SESSION_COLUMNS, 'updated_at = NOW()');
const UPSERT_FLOW_STATE = upsertSql('flow_states', FLOW_STATE_COLUMNS, '');

type Outcome = 'stored' | 'foreign' | 'unstorable';

const dateOf = (time: string | Date) => new Date(time).toISOString().slice(0, 10);

/** Who hears of a run, in the reconciling transaction (see {@link ProjectionEvents}). */
export interface ReconcileListeners {
  settings: ReadonlySet<SettingsProjectedListener>;
  rows: ReadonlySet<RowsReconciledListener>;
}

/**
 * Turns a user document's sessions and flow states into `coding_sessions` and
 * `flow_states` rows: re-validated, owned by the document's authenticated
 * owner, privacy settings applied, sensitive columns sealed, upserted
 * idempotently in one transaction; entries removed from the document are
 * deleted. The document's settings go first to the "settings projected"
 * listeners (the mirror on the user row), the changed dates last to the "rows
 * reconciled" ones (team aggregates). Only entries that changed since the last
 * run are written.
 */
export class Reconciler {
  constructor(
    private readonly pool: pg.Pool,
    private readonly cipher: FieldCipher,
    private readonly log: Logger,
    private readonly metrics: SyncMetrics,
    private readonly listeners: ReconcileListeners,
  ) {}

  async reconcile(doc: LiveDocument, state: ProjectionState): Promise<void> {
    if (doc.dead) return;
    this.metrics.reconcileRuns++;
    const sessions = doc.userDoc.readSessions();
    const flowStates = doc.userDoc.readFlowStates();
    const settings = doc.userDoc.settings;
    const settingsKey = JSON.stringify(settings);
    this.countRejected(doc, state, [...sessions.rejected, ...flowStates.rejected]);
    const sessionKeys = [...doc.userDoc.sessions.keys()].filter((k) => UUID.test(k));
    const flowKeys = [...doc.userDoc.flowStates.keys()].filter((k) => UUID.test(k));
    // Read with the state above: everything up to this log id is in it.
    const coveredId = doc.lastLoggedId;

    const nextSessions = new Map(state.sessions);
    const nextFlows = new Map(state.flowStates);
    const changedDates = new Set<string>();
    await inTransaction(this.pool, async (client) => {
      const { rows: gen } = await client.query<{ generation: number }>(
        'SELECT generation FROM crdt_documents WHERE doc_name = $1 FOR SHARE',
        [doc.docName],
      );
      if (gen[0]?.generation !== doc.generation) {
        throw new GenerationMovedError(doc.docName, doc.generation, gen[0]?.generation ?? null);
      }
      // Settings changed on any replica reach the user row, where jobs read them.
      for (const listener of this.listeners.settings) await listener(client, doc.userId, settings);
      const { rows: existing } = await client.query<{
        id: string;
        start_time: Date;
        reconciled_fingerprint: string | null;
      }>(
        `SELECT id::text AS id, start_time, reconciled_fingerprint
         FROM coding_sessions WHERE user_id = $1`,
        [doc.userId],
      );
      const existingStart = new Map(existing.map((row) => [row.id, row.start_time]));
      const storedPrints = new Map(existing.map((row) => [row.id, row.reconciled_fingerprint]));
      const written: Fingerprinted = { ids: [], prints: [] };

      for (const entry of sessions.entries) {
        const outcome = await this.writeIfChanged(client, {
          sql: UPSERT_SESSION,
          params: () => sessionRowParams(entry, doc.userId, settings, this.cipher),
          id: entry.id,
          key: this.cipher.fingerprint(`${settingsKey}|${JSON.stringify(entry)}`),
          known: nextSessions,
          stored: storedPrints,
          written,
        });
        if (outcome !== 'stored') continue;
        this.metrics.sessionsUpserted++;
        changedDates.add(dateOf(entry.start_time));
        const before = existingStart.get(entry.id);
        if (before) changedDates.add(dateOf(before));
      }
      if (!doc.loadIncomplete) {
        const { rows: deleted } = await client.query<{ id: string; start_time: Date }>(
          `DELETE FROM coding_sessions WHERE user_id = $1 AND NOT (id = ANY($2::uuid[]))
           RETURNING id::text AS id, start_time`,
          [doc.userId, sessionKeys],
        );
        for (const row of deleted) {
          changedDates.add(dateOf(row.start_time));
          nextSessions.delete(row.id);
        }
        this.metrics.sessionsDeleted += deleted.length;
      }

      await recordFingerprints(client, 'coding_sessions', doc.userId, written);
      await this.reconcileFlowStates(client, doc, flowStates.entries, nextSessions, nextFlows, {
        settingsKey,
        flowKeys,
        changedDates,
        settings,
      });
      if (changedDates.size > 0) await this.notify(client, doc.userId, [...changedDates].sort());
      await client.query(
        `UPDATE crdt_documents SET reconciled_update_id = GREATEST(reconciled_update_id, $2::bigint)
         WHERE doc_name = $1`,
        [doc.docName, coveredId],
      );
    });
    replace(state.sessions, nextSessions);
    replace(state.flowStates, nextFlows);
  }

  private async reconcileFlowStates(
    client: pg.PoolClient,
    doc: LiveDocument,
    entries: FlowStateEntry[],
    ownedSessions: Map<string, string>,
    nextFlows: Map<string, string>,
    run: {
      settingsKey: string;
      flowKeys: string[];
      changedDates: Set<string>;
      settings: PrivacySettings;
    },
  ): Promise<void> {
    const { rows: existing } = await client.query<{
      id: string;
      reconciled_fingerprint: string | null;
    }>('SELECT id::text AS id, reconciled_fingerprint FROM flow_states WHERE user_id = $1', [
      doc.userId,
    ]);
    const storedPrints = new Map(existing.map((row) => [row.id, row.reconciled_fingerprint]));
    const written: Fingerprinted = { ids: [], prints: [] };
    for (const entry of entries) {
      // A flow state may only hang off a session this user owns and that is stored.
      if (!ownedSessions.has(entry.session_id)) {
        if (!nextFlows.has(entry.id)) this.metrics.entriesRejectedForeign++;
        nextFlows.delete(entry.id);
        continue;
      }
      const outcome = await this.writeIfChanged(client, {
        sql: UPSERT_FLOW_STATE,
        params: () => flowStateRowParams(entry, doc.userId, run.settings, this.cipher),
        id: entry.id,
        key: this.cipher.fingerprint(`${run.settingsKey}|${JSON.stringify(entry)}`),
        known: nextFlows,
        stored: storedPrints,
        written,
      });
      if (outcome !== 'stored') continue;
      this.metrics.flowStatesUpserted++;
      if (entry.start_time) run.changedDates.add(dateOf(entry.start_time));
    }
    await recordFingerprints(client, 'flow_states', doc.userId, written);
    if (!doc.loadIncomplete) {
      const { rows: deleted } = await client.query<{ id: string }>(
        `DELETE FROM flow_states WHERE user_id = $1 AND NOT (id = ANY($2::uuid[])) RETURNING id::text AS id`,
        [doc.userId, run.flowKeys],
      );
      for (const row of deleted) nextFlows.delete(row.id);
      this.metrics.flowStatesDeleted += deleted.length;
    }
  }

  /**
   * Upserts one entry unless its row already reflects it: `key` (the entry's
   * fingerprint) equals what this load wrote, or what the row records from an
   * earlier load. Keeps `known` and `written` up to date either way.
   */
  private async writeIfChanged(
    client: pg.PoolClient,
    row: {
      sql: string;
      params: () => unknown[];
      id: string;
      key: string;
      known: Map<string, string>;
      stored: Map<string, string | null>;
      written: Fingerprinted;
    },
  ): Promise<Outcome | 'unchanged'> {
    const { id, key, known, stored, written } = row;
    if (stored.has(id) && (known.get(id) ?? stored.get(id)) === key) {
      known.set(id, key);
      return 'unchanged';
    }
    const outcome = await this.upsert(client, row.sql, row.params);
    if (outcome !== 'stored') {
      known.delete(id);
      return outcome;
    }
    known.set(id, key);
    written.ids.push(id);
    written.prints.push(key);
    return outcome;
  }

  /** One row under a savepoint: a row the store refuses must not sink the others. */
  private async upsert(
    client: pg.PoolClient,
    sql: string,
    params: () => unknown[],
  ): Promise<Outcome> {
    await client.query('SAVEPOINT reconcile_row');
    try {
      const { rowCount } = await client.query(sql, params());
      await client.query('RELEASE SAVEPOINT reconcile_row');
      if (rowCount === 0) {
        this.metrics.entriesRejectedForeign++;
        return 'foreign';
      }
      return 'stored';
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT reconcile_row');
      this.metrics.entriesRejectedByStore++;
      // The message of a store error can quote the value: log its kind only.
      this.log.warn(
        { err: { name: (error as Error).name, code: (error as { code?: string }).code } },
        'entry refused by the store',
      );
      return 'unstorable';
    }
  }

  private async notify(client: pg.PoolClient, userId: string, dates: string[]): Promise<void> {
    for (const listener of this.listeners.rows) {
      await client.query('SAVEPOINT reconcile_listener');
      try {
        await listener(client, userId, dates);
        await client.query('RELEASE SAVEPOINT reconcile_listener');
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT reconcile_listener');
        this.log.error({ err: error, userId }, 'rows-reconciled listener failed; rows kept');
      }
    }
  }

  /** Counts each rejected key once while it stays rejected; logs keys and problems, never values. */
  private countRejected(
    doc: LiveDocument,
    state: ProjectionState,
    rejected: { key: string; problems: string[] }[],
  ): void {
    const now = new Set(rejected.map((r) => r.key));
    const fresh = rejected.filter((r) => !state.rejectedKeys.has(r.key));
    for (const key of [...state.rejectedKeys]) if (!now.has(key)) state.rejectedKeys.delete(key);
    if (fresh.length === 0) return;
    for (const r of fresh) state.rejectedKeys.add(r.key);
    this.metrics.entriesRejectedInvalid += fresh.length;
    this.log.warn(
      {
        doc: doc.docName,
        rejected: fresh.slice(0, 20).map((r) => ({
          key: r.key.slice(0, 64),
          // Zod messages name paths and bounds, not values; cut them anyway.
          problems: r.problems.slice(0, 5).map((p) => p.slice(0, 200)),
        })),
      },
      'document entries failed validation and were skipped',
    );
  }
}

/** Rows written in this run, with the fingerprint of what was written. */
interface Fingerprinted {
  ids: string[];
  prints: string[];
}

/** Stores what each written row now reflects, in one statement. */
async function recordFingerprints(
  client: pg.PoolClient,
  table: 'coding_sessions' | 'flow_states',
  userId: string,
  written: Fingerprinted,
): Promise<void> {
  if (written.ids.length === 0) return;
  await client.query(
    `UPDATE ${table} t SET reconciled_fingerprint = v.print
     FROM unnest($2::uuid[], $3::text[]) AS v(id, print)
     WHERE t.id = v.id AND t.user_id = $1`,
    [userId, written.ids, written.prints],
  );
}

function replace<K, V>(target: Map<K, V>, source: Map<K, V>): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}
