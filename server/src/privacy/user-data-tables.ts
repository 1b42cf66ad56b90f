import type pg from 'pg';

/** A column that points at a user: where a user's data lives. */
export interface UserColumn {
  table: string;
  column: string;
}

/**
 * Every column of the public schema with a foreign key to `users(id)`, read
 * from the catalog so a new table cannot be forgotten by export or purge.
 */
export async function userDataColumns(
  db: Pick<pg.Pool, 'query'> | pg.ClientBase,
): Promise<UserColumn[]> {
  const { rows } = await db.query<UserColumn>(
    `SELECT c.conrelid::regclass::text AS table, a.attname AS column
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     WHERE c.contype = 'f' AND c.confrelid = 'public.users'::regclass
     ORDER BY 1, 2`,
  );
  return rows;
}
