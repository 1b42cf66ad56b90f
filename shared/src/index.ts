// Public API of @mindful/shared, by name.

// The layout of a user's CRDT document.
export {
  DOC_LIMITS,
  flowPeriodSchema,
  sessionEntrySchema,
  flowStateEntrySchema,
  type FlowPeriodEntry,
  type SessionEntry,
  type FlowStateEntry,
} from './doc/entries';
export {
  privacySettingsSchema,
  privacySettingsPatchSchema,
  DEFAULT_PRIVACY_SETTINGS,
  type PrivacySettings,
} from './doc/privacy-settings';
export {
  DOC_KEYS,
  InvalidEntryError,
  UserDoc,
  userDocName,
  userIdOfDocName,
  type ReadResult,
} from './doc/user-doc';
