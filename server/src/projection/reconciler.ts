import type { Logger } from 'pino';
import type pg from 'pg';
import type { FlowStateEntry, PrivacySettings, SessionEntry } from '@mindful/shared';
import { inTransaction } from '../db/database';
import type { FieldCipher } from '../crypto/cipher';
import {
  FLOW_STATE_COLUMNS,
  SESSION_COLUMNS,
  flowStateRowParams,
  sessionRowParams,
} from '../sessions';
import { GenerationMovedError } from '../sync/document-log';
import type { LiveDocument } from '../sync/live-document';
import type { SyncMetrics } from '../sync/sync-metrics';
import type { RowsReconciledListener, SettingsProjectedListener } from './projection-events';
import type { ProjectionState } from './projection-state';
import { RowUpsert } from './row-upserts';
import {
  BatchRefusedError,
  TableWriter,
  type Tally,
  type TableRun,
  type WriteMode,
} from './table-writer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SESSION_ROWS = new RowUpsert('coding_sessions', SESSION_COLUMNS, ['updated_at = NOW()']);
const FLOW_STATE_ROWS = new RowUpsert('flow_states', FLOW_STATE_COLUMNS);

const dateOf = (time: string | Date) => new Date(time).toISOString().slice(0, 10);

/** Who hears of a run, in the reconciling transaction (see {@link ProjectionEvents}). */
export interface ReconcileListeners {
  settings: ReadonlySet<SettingsProjectedListener>;
  rows: ReadonlySet<RowsReconciledListener>;
}

/** What one run read from the document, before its transaction. */
interface RunInput {
  sessions: SessionEntry[];
  flowStates: FlowStateEntry[];
  settings: PrivacySettings;
  settingsKey: string;
  /** Ids (lower case) of every session entry, valid or not: their rows are not stale. */
  sessionIds: Set<string>;
  /** The same for flow states. */
  flowIds: Set<string>;
  /** Everything up to this log id is in what was read. */
  coveredId: string;
}

/**
 * Turns a user document's sessions and flow states into `coding_sessions` and
 * `flow_states` rows: re-validated, owned by the document's authenticated
 * owner, privacy settings applied, sensitive columns sealed, upserted
 * idempotently in one transaction; entries removed from the document are
 * deleted. The document's settings go first to the "settings projected"
 * listeners (the mirror on the user row) when they changed, the changed dates
 * last to the "rows reconciled" ones (team aggregates). Only entries that
 * changed since the last run are written, all of a table in one statement;
 * a run of one changed session is 5 round trips (see round-trips.test.ts).
 */
export class Reconciler {
  private readonly writer: TableWriter;

  constructor(
    private readonly pool: pg.Pool,
    private readonly cipher: FieldCipher,
    private readonly log: Logger,
    private readonly metrics: SyncMetrics,
    private readonly listeners: ReconcileListeners,
  ) {
    this.writer = new TableWriter(cipher, log);
  }

  async reconcile(doc: LiveDocument, state: ProjectionState): Promise<void> {
    if (doc.dead) return;
    this.metrics.reconcileRuns++;
    const input = this.read(doc, state);
    let mode: WriteMode = 'batch';
    let listening = true;
    for (;;) {
      try {
        await this.project(doc, state, input, { mode, listening });
        return;
      } catch (error) {
        if (error instanceof BatchRefusedError && mode === 'batch') {
          mode = 'row-by-row';
        } else if (error instanceof RowsListenerError && listening) {
          // The rows matter more than what listens to them: stored without the listeners.
          this.log.error(
            { err: error.cause, userId: doc.userId },
            'rows-reconciled listener failed; rows kept',
          );
          listening = false;
        } else {
          throw error;
        }
      }
    }
  }

  private read(doc: LiveDocument, state: ProjectionState): RunInput {
    const sessions = doc.userDoc.readSessions();
    const flowStates = doc.userDoc.readFlowStates();
    const settings = doc.userDoc.settings;
    this.countRejected(doc, state, [...sessions.rejected, ...flowStates.rejected]);
    const ids = (keys: Iterable<string>) =>
      new Set([...keys].filter((k) => UUID.test(k)).map((k) => k.toLowerCase()));
    return {
      sessions: sessions.entries,
      flowStates: flowStates.entries,
      settings,
      settingsKey: JSON.stringify(settings),
      sessionIds: ids(doc.userDoc.sessions.keys()),
      flowIds: ids(doc.userDoc.flowStates.keys()),
      coveredId: doc.lastLoggedId,
    };
  }

  private async project(
    doc: LiveDocument,
    state: ProjectionState,
    input: RunInput,
    { mode, listening }: { mode: WriteMode; listening: boolean },
  ): Promise<void> {
    const tally: Tally = {
      sessionsUpserted: 0,
      sessionsDeleted: 0,
      flowStatesUpserted: 0,
      flowStatesDeleted: 0,
      entriesRejectedForeign: 0,
      entriesRejectedByStore: 0,
    };
    const sessionRun: TableRun = {
      upsert: SESSION_ROWS,
      stored: new Map(),
      known: new Map(state.sessions),
      refused: state.refused,
    };
    const flowRun: TableRun = {
      upsert: FLOW_STATE_ROWS,
      stored: new Map(),
      known: new Map(state.flowStates),
      refused: state.refused,
    };
    const changedDates = new Set<string>();
    const { userId } = doc;
    await inTransaction(this.pool, async (client) => {
      // One statement records what this run covers, locks the document row against a purge
      // meanwhile (so its generation is checked under the lock), and reads both tables' rows.
      const { rows } = await client.query<{
        kind: 'document' | 'session' | 'flow';
        id: string | null;
        start_time: Date | null;
        reconciled_fingerprint: string | null;
        generation: number | null;
      }>(
        `WITH doc AS (
           UPDATE crdt_documents SET reconciled_update_id = GREATEST(reconciled_update_id, $2::bigint)
           WHERE doc_name = $1 RETURNING generation)
         SELECT 'document' AS kind, NULL::text AS id, NULL::timestamptz AS start_time,
                NULL::text AS reconciled_fingerprint, generation FROM doc
         UNION ALL
         SELECT 'session', id::text, start_time, reconciled_fingerprint, NULL
         FROM coding_sessions WHERE user_id = $3
         UNION ALL
         SELECT 'flow', id::text, NULL, reconciled_fingerprint, NULL FROM flow_states WHERE user_id = $3`,
        [doc.docName, input.coveredId, userId],
      );
      const generation = rows.find((row) => row.kind === 'document')?.generation ?? null;
      if (generation !== doc.generation) {
        throw new GenerationMovedError(doc.docName, doc.generation, generation);
      }
      // Settings changed on any replica reach the user row, where jobs read them.
      if (state.projectedSettings !== input.settingsKey) {
        for (const listener of this.listeners.settings) {
          await listener(client, userId, input.settings);
        }
      }
      const storedStart = new Map<string, Date>();
      for (const row of rows) {
        if (row.kind === 'document' || row.id === null) continue;
        (row.kind === 'session' ? sessionRun : flowRun).stored.set(
          row.id,
          row.reconciled_fingerprint,
        );
        if (row.start_time) storedStart.set(row.id, row.start_time);
      }

      const sessions = this.writer.changed(
        sessionRun,
        input.sessions,
        input.settingsKey,
        tally,
        (entry) => sessionRowParams(entry, userId, input.settings, this.cipher),
      );
      const sessionById = new Map(input.sessions.map((e) => [e.id, e]));
      for (const id of await this.writer.write(client, sessionRun, sessions, mode, tally)) {
        tally.sessionsUpserted++;
        const entry = sessionById.get(id)!;
        changedDates.add(dateOf(entry.start_time));
        const before = storedStart.get(id.toLowerCase());
        if (before) changedDates.add(dateOf(before));
      }

      if (!doc.loadIncomplete) {
        await this.deleteStale(client, userId, input, { sessionRun, flowRun, tally, changedDates });
      }

      // A flow state may only hang off a session this user owns and that is stored.
      const owned = input.flowStates.filter((entry) => {
        if (sessionRun.known.has(entry.session_id)) return true;
        if (!flowRun.known.has(entry.id)) tally.entriesRejectedForeign++;
        flowRun.known.delete(entry.id);
        return false;
      });
      const flows = this.writer.changed(flowRun, owned, input.settingsKey, tally, (entry) =>
        flowStateRowParams(entry, userId, input.settings, this.cipher),
      );
      const flowById = new Map(owned.map((e) => [e.id, e]));
      for (const id of await this.writer.write(client, flowRun, flows, mode, tally)) {
        tally.flowStatesUpserted++;
        const entry = flowById.get(id)!;
        if (entry.start_time) changedDates.add(dateOf(entry.start_time));
      }
      if (listening && changedDates.size > 0) {
        await this.notify(client, userId, [...changedDates].sort());
      }
    });
    replace(state.sessions, sessionRun.known);
    replace(state.flowStates, flowRun.known);
    state.projectedSettings = input.settingsKey;
    for (const [name, n] of Object.entries(tally)) this.metrics[name as keyof Tally] += n;
  }

  /**
   * Deletes the rows whose entries left the document (seen at the start of
   * the run), both tables in one statement; only when there are some.
   */
  private async deleteStale(
    client: pg.PoolClient,
    userId: string,
    input: RunInput,
    run: { sessionRun: TableRun; flowRun: TableRun; tally: Tally; changedDates: Set<string> },
  ): Promise<void> {
    const stale = (table: TableRun, ids: Set<string>) =>
      [...table.stored.keys()].filter((id) => !ids.has(id));
    const sessions = stale(run.sessionRun, input.sessionIds);
    const flows = stale(run.flowRun, input.flowIds);
    if (sessions.length === 0 && flows.length === 0) return;
    const { rows: deleted } = await client.query<{
      kind: 'session' | 'flow';
      id: string;
      start_time: Date | null;
    }>(
      `WITH s AS (DELETE FROM coding_sessions WHERE user_id = $1 AND id = ANY($2::uuid[])
                  RETURNING id, start_time),
            f AS (DELETE FROM flow_states WHERE user_id = $1 AND id = ANY($3::uuid[]) RETURNING id)
       SELECT 'session' AS kind, id::text AS id, start_time FROM s
       UNION ALL SELECT 'flow', id::text, NULL FROM f`,
      [userId, sessions, flows],
    );
    for (const row of deleted) {
      const table = row.kind === 'session' ? run.sessionRun : run.flowRun;
      forgetId(table.known, row.id);
      if (row.kind === 'session') {
        run.tally.sessionsDeleted++;
        run.changedDates.add(dateOf(row.start_time!));
      } else {
        run.tally.flowStatesDeleted++;
      }
    }
  }

  /**
   * Tells the "rows reconciled" listeners, in the run's transaction, without a savepoint (two
   * round trips per run): a listener that fails aborts the run, which is then redone without
   * the listeners (see {@link RowsListenerError}).
   */
  private async notify(client: pg.PoolClient, userId: string, dates: string[]): Promise<void> {
    for (const listener of this.listeners.rows) {
      try {
        await listener(client, userId, dates);
      } catch (error) {
        throw new RowsListenerError(error);
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

/** A "rows reconciled" listener failed: the run is redone without the listeners. */
class RowsListenerError extends Error {
  constructor(cause: unknown) {
    super('a rows-reconciled listener failed', { cause });
    this.name = 'RowsListenerError';
  }
}

/** Forgets a row id (lower case, from the store) whichever case the entry used. */
function forgetId(known: Map<string, string>, id: string): void {
  if (known.delete(id)) return;
  for (const key of known.keys()) if (key.toLowerCase() === id) known.delete(key);
}

function replace<K, V>(target: Map<K, V>, source: Map<K, V>): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}
