import type pg from 'pg';

/** An import job as its owner polls it. */
export interface ImportWire {
  id: string;
  status: 'waiting' | 'running' | 'done' | 'failed';
  bytes_total: number | null;
  bytes_read: number;
  /** bytes_read / bytes_total when the upload said its length, else null. */
  progress: number | null;
  days_processed: number;
  heartbeats_processed: number;
  heartbeats_stored: number;
  heartbeats_refused: number;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

interface ImportRow {
  id: string;
  status: ImportWire['status'];
  bytes_total: string | null;
  bytes_read: string;
  days_processed: number;
  heartbeats_processed: number;
  heartbeats_stored: number;
  heartbeats_refused: number;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const COLUMNS = `id::text AS id, status, bytes_total, bytes_read, days_processed,
  heartbeats_processed, heartbeats_stored, heartbeats_refused, error, created_at, finished_at`;

function toWire(row: ImportRow): ImportWire {
  const total = row.bytes_total === null ? null : Number(row.bytes_total);
  const read = Number(row.bytes_read);
  return {
    id: row.id,
    status: row.status,
    bytes_total: total,
    bytes_read: read,
    progress: total ? Math.min(1, read / total) : null,
    days_processed: row.days_processed,
    heartbeats_processed: row.heartbeats_processed,
    heartbeats_stored: row.heartbeats_stored,
    heartbeats_refused: row.heartbeats_refused,
    error: row.error,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

/** Progress counters of a running import. */
export interface ImportProgress {
  bytesRead: number;
  days: number;
  processed: number;
  stored: number;
  refused: number;
}

/** Import jobs in `wakatime_imports`: every instance sees the same progress. */
export class ImportStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(userId: string): Promise<ImportWire> {
    const { rows } = await this.pool.query<ImportRow>(
      `INSERT INTO wakatime_imports (user_id) VALUES ($1) RETURNING ${COLUMNS}`,
      [userId],
    );
    return toWire(rows[0]!);
  }

  async get(userId: string, id: string): Promise<ImportWire | null> {
    const { rows } = await this.pool.query<ImportRow>(
      `SELECT ${COLUMNS} FROM wakatime_imports WHERE id::text = $1 AND user_id = $2`,
      [id.toLowerCase(), userId],
    );
    return rows[0] ? toWire(rows[0]) : null;
  }

  async list(userId: string): Promise<ImportWire[]> {
    const { rows } = await this.pool.query<ImportRow>(
      `SELECT ${COLUMNS} FROM wakatime_imports WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [userId],
    );
    return rows.map(toWire);
  }

  /** Moves a waiting job to running; false when it is not waiting (already used). */
  async start(userId: string, id: string, bytesTotal: number | null): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE wakatime_imports SET status = 'running', bytes_total = $3, updated_at = NOW()
       WHERE id::text = $1 AND user_id = $2 AND status = 'waiting'`,
      [id.toLowerCase(), userId, bytesTotal],
    );
    return (rowCount ?? 0) > 0;
  }

  async progress(id: string, p: ImportProgress): Promise<void> {
    await this.pool.query(
      `UPDATE wakatime_imports SET bytes_read = $2, days_processed = $3,
         heartbeats_processed = $4, heartbeats_stored = $5, heartbeats_refused = $6,
         updated_at = NOW()
       WHERE id = $1`,
      [id, p.bytesRead, p.days, p.processed, p.stored, p.refused],
    );
  }

  /** The job read all its data: final counters, status `done`. */
  async finish(id: string, p: ImportProgress): Promise<void> {
    await this.progress(id, p);
    await this.pool.query(
      `UPDATE wakatime_imports SET status = 'done', finished_at = NOW(), updated_at = NOW()
       WHERE id = $1`,
      [id],
    );
  }

  /** The job stopped on `error`; its counters keep what was stored until then. */
  async fail(id: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE wakatime_imports SET status = 'failed', error = $2, finished_at = NOW(),
         updated_at = NOW()
       WHERE id = $1`,
      [id, error],
    );
  }
}
