import { createHash } from 'node:crypto';
import { placeOf } from '../privacy/cipher';

/**
 * The channel on which instances sharing one PostgreSQL announce log changes.
 * Payload: `<doc_name>|<generation>|<id>|<instance>` (a name and numbers
 * only, never user data): an appended entry and the instance that appended
 * it, or with id and instance 0 a new generation (a purge).
 */
export const DOC_UPDATES_CHANNEL = 'mindful_doc_updates';

/** SHA-256 hex of a document name: the subject of its purge tombstone. */
export function subjectHash(docName: string): string {
  return createHash('sha256').update(docName).digest('hex');
}

/**
 * Associated data of a logged update: the document and its generation, so a
 * payload copied to another document or replayed into a later generation
 * fails to decrypt.
 */
export function updatePlace(docName: string, generation: number): string {
  return placeOf('crdt_updates', 'payload', `${docName}#${generation}`);
}
