import type pg from 'pg';

/** Columns whose parameters are JSON text, cast in SQL. */
const JSON_COLUMNS = new Set(['language_breakdown', 'flow_state_periods']);

/** Rows per statement: well under PostgreSQL's 65,535 parameters for any table here. */
const ROWS_PER_STATEMENT = 200;

/** Upserts of up to this many rows are named statements (see `statement`). */
const NAMED_UP_TO_ROWS = 4;

/**
 * An upsert of entries into one table: the row's columns (`id` first), then
 * the fingerprint of the entry it reflects, in the same statement. An id that
 * belongs to another user's row is left alone (the WHERE) and not returned:
 * the entry is counted as foreign.
 */
export class RowUpsert {
  private readonly columns: readonly string[];
  private readonly conflictSet: string;

  constructor(
    private readonly table: string,
    columns: readonly string[],
    /** More assignments on update (e.g. `updated_at = NOW()`). */
    extraSet: readonly string[] = [],
  ) {
    this.columns = [...columns, 'reconciled_fingerprint'];
    this.conflictSet = this.columns
      .filter((c) => c !== 'id' && c !== 'user_id')
      .map((c) => `${c} = EXCLUDED.${c}`)
      .concat(extraSet)
      .join(', ');
  }

  /**
   * Upserts `rows` (each: the row's parameters, then its fingerprint) in as
   * few statements as the parameter limit allows. Any refusal by the store
   * fails the whole call (the caller's transaction is then aborted).
   * @returns the ids written (rows of another user are not).
   */
  async many(client: pg.ClientBase, rows: unknown[][]): Promise<Set<string>> {
    const written = new Set<string>();
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
      const { rows: done } = await client.query<{ id: string }>(
        this.statement(chunk.length, chunk.flat()),
      );
      for (const row of done) written.add(row.id);
    }
    return written;
  }

  /**
   * Upserts one row under a savepoint, so a refusal by the store sinks only
   * it: `stored`, `foreign`, or the store's error.
   */
  async one(client: pg.ClientBase, row: unknown[]): Promise<'stored' | 'foreign' | Error> {
    await client.query('SAVEPOINT reconcile_row');
    try {
      const { rowCount } = await client.query(this.statement(1, row));
      await client.query('RELEASE SAVEPOINT reconcile_row');
      return rowCount === 0 ? 'foreign' : 'stored';
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT reconcile_row');
      return error as Error;
    }
  }

  /**
   * The upsert of `rowCount` rows. The common sizes (a run usually carries one
   * or a few changed entries) are named statements, planned once per
   * connection; larger ones are planned each time rather than kept.
   */
  private statement(rowCount: number, values: unknown[]): pg.QueryConfig {
    const text = this.sql(rowCount);
    return rowCount <= NAMED_UP_TO_ROWS
      ? { name: `mc_upsert_${this.table}_${rowCount}`, text, values }
      : { text, values };
  }

  private sql(rowCount: number): string {
    const width = this.columns.length;
    const tuples = Array.from({ length: rowCount }, (_, r) => {
      const values = this.columns.map((column, i) => {
        const p = `$${r * width + i + 1}`;
        return JSON_COLUMNS.has(column) ? `${p}::jsonb` : p;
      });
      return `(${values.join(', ')})`;
    });
    return `INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${tuples.join(', ')}
      ON CONFLICT (id) DO UPDATE SET ${this.conflictSet}
      WHERE ${this.table}.user_id = EXCLUDED.user_id
      RETURNING id::text AS id`;
  }
}
