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
import type {
  RowsChange,
  RowsReconciledListener,
  SettingsProjectedListener,
} from './projection-events';
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

/** A loaded document due for reconciliation, with the projection's state of it. */
export interface ReconcileItem {
  doc: LiveDocument;
  state: ProjectionState;
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

/** One document's part of a run: what was read, what its tables hold, what changed. */
interface DocRun extends ReconcileItem {
  input: RunInput;
  sessionRun: TableRun;
  flowRun: TableRun;
  /** UTC day of each stored session row, by lower-case id (a moved session changes two days). */
  storedDay: Map<string, string>;
  changedDates: Set<string>;
}

/** A document's part of a run before its transaction: what was read from the document. */
type ReadRun = Pick<DocRun, 'doc' | 'state' | 'input'>;

/**
 * What a run reads first: a row per document, then a row per owner and table
 * holding all of that owner's rows of the table as one JSON array (parsing
 * 2,000 rows one by one, their timestamps above all, was most of a large
 * document's run).
 */
type StoredRow =
  | { kind: 'document'; owner: string; generation: number; rows: null }
  /** [id, fingerprint, UTC day of start_time] per row. */
  | { kind: 'session'; owner: string; generation: null; rows: [string, string | null, string][] }
  /** [id, fingerprint] per row. */
  | { kind: 'flow'; owner: string; generation: null; rows: [string, string | null][] };

/**
 * One statement records what a run covers of each document, locks the
 * document rows against a purge meanwhile (so each generation is checked under
 * the lock), and reads both tables' rows of the documents' owners.
 */
const READ_STORED = `
  WITH doc AS (
    UPDATE crdt_documents d
    SET reconciled_update_id = GREATEST(d.reconciled_update_id, run.covered)
    FROM unnest($1::text[], $2::bigint[]) AS run(doc_name, covered)
    WHERE d.doc_name = run.doc_name
    RETURNING d.doc_name, d.generation)
  SELECT 'document' AS kind, doc_name AS owner, generation, NULL::json AS rows FROM doc
  UNION ALL
  SELECT 'session', user_id::text, NULL,
         json_agg(json_build_array(id, reconciled_fingerprint,
                                   (start_time AT TIME ZONE 'UTC')::date))
  FROM coding_sessions WHERE user_id = ANY($3::uuid[]) GROUP BY user_id
  UNION ALL
  SELECT 'flow', user_id::text, NULL, json_agg(json_build_array(id, reconciled_fingerprint))
  FROM flow_states WHERE user_id = ANY($3::uuid[]) GROUP BY user_id`;

/** Deletes rows by (user, id) pairs, both tables in one statement. */
const DELETE_STALE = `
  WITH s AS (DELETE FROM coding_sessions c USING unnest($1::uuid[], $2::uuid[]) AS x(user_id, id)
             WHERE c.user_id = x.user_id AND c.id = x.id
             RETURNING c.user_id, c.id, (c.start_time AT TIME ZONE 'UTC')::date::text AS day),
       f AS (DELETE FROM flow_states c USING unnest($3::uuid[], $4::uuid[]) AS x(user_id, id)
             WHERE c.user_id = x.user_id AND c.id = x.id RETURNING c.user_id, c.id)
  SELECT 'session' AS kind, user_id::text AS owner, id::text AS id, day FROM s
  UNION ALL SELECT 'flow', user_id::text, id::text, NULL FROM f`;

/**
 * Turns user documents' sessions and flow states into `coding_sessions` and
 * `flow_states` rows: re-validated, owned by each document's authenticated
 * owner, privacy settings applied, sensitive columns sealed, upserted
 * idempotently in one transaction; entries removed from a document are
 * deleted. A document's settings go first to the "settings projected"
 * listeners (the mirror on the user row) when they changed, the changed dates
 * last to the "rows reconciled" ones (team aggregates). Only entries that
 * changed since the last run are written, all of a table in one statement.
 *
 * Several documents due at once are reconciled together
 * ({@link reconcileMany}): the same statements, each carrying every
 * document's part, so a run of one changed session in each of N documents is
 * 5 round trips, not 5 × N (see round-trips.test.ts). Whatever makes such a
 * run fail rolls it back, and each document is then reconciled alone, where
 * the failure is handled for that document only.
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

  /**
   * Reconciles several documents in one transaction; if that fails, each
   * alone. Never rejects.
   * @returns per item, what made its reconciliation fail (undefined: it succeeded).
   */
  async reconcileMany(items: readonly ReconcileItem[]): Promise<unknown[]> {
    const live = items.filter(({ doc }) => !doc.dead);
    const owners = new Set(live.map(({ doc }) => doc.userId.toLowerCase()));
    if (live.length > 1 && owners.size === live.length) {
      this.metrics.reconcileRuns += live.length;
      this.metrics.reconcileBatches++;
      try {
        await this.project(
          live.map((item) => this.read(item)),
          { mode: 'batch', listening: true },
        );
        return items.map(() => undefined);
      } catch (error) {
        this.metrics.reconcileBatchesSplit++;
        // The error's message may quote document content: log its kind only.
        this.log.warn(
          { err: { name: (error as Error)?.name, code: (error as { code?: string })?.code } },
          `reconciling ${live.length} documents together failed; reconciling each alone`,
        );
      }
    }
    const failures: unknown[] = [];
    for (const { doc, state } of items) {
      failures.push(
        await this.reconcile(doc, state).then(
          () => undefined,
          (error: unknown) => error ?? new Error('reconciliation failed'),
        ),
      );
    }
    return failures;
  }

  async reconcile(doc: LiveDocument, state: ProjectionState): Promise<void> {
    if (doc.dead) return;
    this.metrics.reconcileRuns++;
    const run = this.read({ doc, state });
    let mode: WriteMode = 'batch';
    let listening = true;
    for (;;) {
      try {
        await this.project([run], { mode, listening });
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

  private read({ doc, state }: ReconcileItem): ReadRun {
    const sessions = doc.userDoc.readSessions();
    const flowStates = doc.userDoc.readFlowStates();
    const settings = doc.userDoc.settings;
    this.countRejected(doc, state, [...sessions.rejected, ...flowStates.rejected]);
    const ids = (keys: Iterable<string>) =>
      new Set([...keys].filter((k) => UUID.test(k)).map((k) => k.toLowerCase()));
    return {
      doc,
      state,
      input: {
        sessions: sessions.entries,
        flowStates: flowStates.entries,
        settings,
        settingsKey: JSON.stringify(settings),
        sessionIds: ids(doc.userDoc.sessions.keys()),
        flowIds: ids(doc.userDoc.flowStates.keys()),
        coveredId: doc.lastLoggedId,
      },
    };
  }

  /** One transaction over every document of `read`, each statement carrying all of them. */
  private async project(
    read: readonly ReadRun[],
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
    const runs: DocRun[] = read.map((r) => ({
      ...r,
      sessionRun: {
        upsert: SESSION_ROWS,
        stored: new Map(),
        known: new Map(r.state.sessions),
        refused: r.state.refused,
      },
      flowRun: {
        upsert: FLOW_STATE_ROWS,
        stored: new Map(),
        known: new Map(r.state.flowStates),
        refused: r.state.refused,
      },
      storedDay: new Map(),
      changedDates: new Set(),
    }));
    const byOwner = new Map(runs.map((run) => [run.doc.userId.toLowerCase(), run]));
    await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<StoredRow>({
        name: 'mc_reconcile_read',
        text: READ_STORED,
        values: [
          runs.map((run) => run.doc.docName),
          runs.map((run) => run.input.coveredId),
          [...byOwner.keys()],
        ],
      });
      const generations = new Map<string, number | null>();
      for (const row of rows) {
        if (row.kind === 'document') {
          generations.set(row.owner, row.generation);
          continue;
        }
        const run = byOwner.get(row.owner);
        if (!run) continue;
        if (row.kind === 'session') {
          for (const [id, fingerprint, day] of row.rows) {
            run.sessionRun.stored.set(id, fingerprint);
            run.storedDay.set(id, day);
          }
        } else {
          for (const [id, fingerprint] of row.rows) run.flowRun.stored.set(id, fingerprint);
        }
      }
      for (const { doc } of runs) {
        const generation = generations.get(doc.docName) ?? null;
        if (generation !== doc.generation) {
          throw new GenerationMovedError(doc.docName, doc.generation, generation);
        }
      }
      // Settings changed on any replica reach the user row, where jobs read them.
      for (const { doc, state, input } of runs) {
        if (state.projectedSettings === input.settingsKey) continue;
        for (const listener of this.listeners.settings) {
          await listener(client, doc.userId, input.settings);
        }
      }

      const sessionsWritten = await this.writer.write(
        client,
        runs.map(({ doc, input, sessionRun }) => ({
          table: sessionRun,
          changed: this.writer.changed(sessionRun, input.sessions, input.settingsKey, tally, (e) =>
            sessionRowParams(e, doc.userId, input.settings, this.cipher),
          ),
        })),
        mode,
        tally,
      );
      runs.forEach((run, i) => {
        const sessionById = new Map(run.input.sessions.map((e) => [e.id, e]));
        for (const id of sessionsWritten[i]!) {
          tally.sessionsUpserted++;
          run.changedDates.add(dateOf(sessionById.get(id)!.start_time));
          const before = run.storedDay.get(id.toLowerCase());
          if (before) run.changedDates.add(before);
        }
      });

      await this.deleteStale(
        client,
        runs.filter((run) => !run.doc.loadIncomplete),
        tally,
      );

      // A flow state may only hang off a session this user owns and that is stored.
      const owned = runs.map(({ input, sessionRun, flowRun }) =>
        input.flowStates.filter((entry) => {
          if (sessionRun.known.has(entry.session_id)) return true;
          if (!flowRun.known.has(entry.id)) tally.entriesRejectedForeign++;
          flowRun.known.delete(entry.id);
          return false;
        }),
      );
      const flowsWritten = await this.writer.write(
        client,
        runs.map(({ doc, input, flowRun }, i) => ({
          table: flowRun,
          changed: this.writer.changed(flowRun, owned[i]!, input.settingsKey, tally, (e) =>
            flowStateRowParams(e, doc.userId, input.settings, this.cipher),
          ),
        })),
        mode,
        tally,
      );
      runs.forEach((run, i) => {
        const flowById = new Map(owned[i]!.map((e) => [e.id, e]));
        for (const id of flowsWritten[i]!) {
          tally.flowStatesUpserted++;
          const start = flowById.get(id)!.start_time;
          if (start) run.changedDates.add(dateOf(start));
        }
      });
      const changes = runs
        .filter((run) => run.changedDates.size > 0)
        .map((run) => ({ userId: run.doc.userId, changedDates: [...run.changedDates].sort() }));
      if (listening && changes.length > 0) await this.notify(client, changes);
    });
    for (const { state, input, sessionRun, flowRun } of runs) {
      replace(state.sessions, sessionRun.known);
      replace(state.flowStates, flowRun.known);
      state.projectedSettings = input.settingsKey;
    }
    for (const [name, n] of Object.entries(tally)) this.metrics[name as keyof Tally] += n;
  }

  /**
   * Deletes the rows whose entries left their document (seen at the start of
   * the run), both tables and every document in one statement; only when
   * there are some.
   */
  private async deleteStale(
    client: pg.PoolClient,
    runs: readonly DocRun[],
    tally: Tally,
  ): Promise<void> {
    const sessions: { owner: string[]; id: string[] } = { owner: [], id: [] };
    const flows: { owner: string[]; id: string[] } = { owner: [], id: [] };
    for (const { doc, input, sessionRun, flowRun } of runs) {
      for (const [table, ids, into] of [
        [sessionRun, input.sessionIds, sessions],
        [flowRun, input.flowIds, flows],
      ] as const) {
        for (const id of table.stored.keys()) {
          if (ids.has(id)) continue;
          into.owner.push(doc.userId);
          into.id.push(id);
        }
      }
    }
    if (sessions.id.length === 0 && flows.id.length === 0) return;
    const { rows: deleted } = await client.query<{
      kind: 'session' | 'flow';
      owner: string;
      id: string;
      day: string | null;
    }>({
      name: 'mc_reconcile_delete',
      text: DELETE_STALE,
      values: [sessions.owner, sessions.id, flows.owner, flows.id],
    });
    const byOwner = new Map(runs.map((run) => [run.doc.userId.toLowerCase(), run]));
    for (const row of deleted) {
      const run = byOwner.get(row.owner)!;
      if (row.kind === 'session') {
        forgetId(run.sessionRun.known, row.id);
        tally.sessionsDeleted++;
        run.changedDates.add(row.day!);
      } else {
        forgetId(run.flowRun.known, row.id);
        tally.flowStatesDeleted++;
      }
    }
  }

  /**
   * Tells the "rows reconciled" listeners, in the run's transaction, without a savepoint (two
   * round trips per run): a listener that fails aborts the run, which is then redone without
   * the listeners (see {@link RowsListenerError}).
   */
  private async notify(client: pg.PoolClient, changes: RowsChange[]): Promise<void> {
    for (const listener of this.listeners.rows) {
      try {
        await listener(client, changes);
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
