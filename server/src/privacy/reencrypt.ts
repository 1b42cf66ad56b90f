import type pg from 'pg';
import type { FieldCipher } from '../crypto/cipher';
import { ENCRYPTED_COLUMNS } from './encrypted-columns';

/** How many values one statement re-seals; keeps each transaction short. */
const BATCH = 500;

/**
 * Moves every value sealed with a retired key to the current key, batch by
 * batch, each batch in its own transaction. Values already under the current
 * key are untouched, so the job is safe to rerun and to interrupt.
 * @returns how many values were re-encrypted, per `table.column`.
 */
export async function reencryptStaleValues(
  client: pg.ClientBase,
  cipher: FieldCipher,
): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  const current = `mc1.${cipher.currentKeyId}.%`;
  for (const col of ENCRYPTED_COLUMNS) {
    let count = 0;
    for (;;) {
      const { rows } = await client.query<Record<string, unknown>>(
        `SELECT ${[...col.select, col.column].join(', ')} FROM ${col.table}
         WHERE ${col.column} IS NOT NULL AND ${col.column} NOT LIKE $1 LIMIT ${BATCH}`,
        [current],
      );
      if (rows.length === 0) break;
      await client.query('BEGIN');
      try {
        for (const row of rows) {
          const place = col.place(row);
          const sealed = cipher.encrypt(cipher.decrypt(String(row[col.column]), place), place);
          await client.query(
            `UPDATE ${col.table} SET ${col.column} = $1 WHERE ${col.key} = $2 AND ${col.column} = $3`,
            [sealed, row[col.key], row[col.column]],
          );
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      count += rows.length;
    }
    moved[`${col.table}.${col.column}`] = count;
  }
  return moved;
}
