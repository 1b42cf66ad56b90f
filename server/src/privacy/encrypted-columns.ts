import { placeOf } from './cipher';
import { updatePlace } from '../sync/log-places';

/** A column whose values are sealed with {@link FieldCipher}, and how to name a value's place. */
export interface EncryptedColumn {
  table: string;
  column: string;
  /** The SQL expression that identifies a row for updates (a primary key). */
  key: string;
  /** Extra columns the place needs. */
  select: string[];
  place(row: Record<string, unknown>): string;
}

const byId = (table: string, column: string): EncryptedColumn => ({
  table,
  column,
  key: 'id',
  select: ['id'],
  place: (row) => placeOf(table, column, String(row.id)),
});

/**
 * Every encrypted column of the central store. The re-encryption job walks
 * this list; a test checks that no other column holds an envelope.
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  byId('coding_sessions', 'project_path'),
  byId('coding_sessions', 'environment_data'),
  byId('flow_states', 'typing_rhythm_data'),
  byId('flow_states', 'error_events'),
  byId('flow_states', 'environmental_factors'),
  byId('wakatime_heartbeats', 'entity'),
  byId('wakatime_heartbeats', 'project'),
  byId('wakatime_heartbeats', 'branch'),
  {
    table: 'crdt_updates',
    column: 'payload',
    key: 'id',
    select: ['id', 'doc_name', 'generation'],
    place: (row) => updatePlace(String(row.doc_name), Number(row.generation)),
  },
];
