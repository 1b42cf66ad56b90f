import type pg from 'pg';

/** Documents whose log holds updates newer than their last reconciliation (a crash in between). */
export async function unreconciledDocuments(
  pool: pg.Pool,
  limit: number,
): Promise<{ docName: string; userId: string }[]> {
  const { rows } = await pool.query<{ doc_name: string; user_id: string }>(
    `SELECT d.doc_name, d.user_id::text AS user_id FROM crdt_documents d
     WHERE EXISTS (SELECT 1 FROM crdt_updates u
                   WHERE u.doc_name = d.doc_name AND u.generation = d.generation
                     AND u.id > d.reconciled_update_id)
     LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({ docName: row.doc_name, userId: row.user_id }));
}
