// The wire contract shared by the server and the SDK (API.md): one definition of each constant.
export {
  SYNC_CLOSE,
  generationReason,
  parseGenerationReason,
  type SyncClose,
  type SyncCloseName,
} from './close-codes';
export { SYNC_PATH_PREFIX, USER_DOC_PREFIX, userDocName, userIdOfDocName } from './doc-names';
export { flowStateId } from './entry-ids';
export {
  buildSessionEntry,
  clampCounter,
  clampDurationMs,
  type SessionEntryFields,
} from './session-entry';
