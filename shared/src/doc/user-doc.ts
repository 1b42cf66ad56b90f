import type * as Y from 'yjs';
import type { z } from 'zod';
import { parseHeld } from './held-values';
import {
  flowStateEntrySchema,
  sessionEntrySchema,
  type FlowStateEntry,
  type SessionEntry,
} from './entries';
import {
  DEFAULT_PRIVACY_SETTINGS,
  privacySettingsPatchSchema,
  storedSettingValue,
  type PrivacySettings,
} from './privacy-settings';

/**
 * Names of the top-level shared types in a user's document.
 * `sessions` and `flow_states` map an id to a plain JSON entry (last writer
 * wins per entry: a session is written by the one device capturing it);
 * `settings` maps a privacy-setting name to its value; `meta` holds the
 * document's generation.
 */
export const DOC_KEYS = {
  meta: 'meta',
  sessions: 'sessions',
  flowStates: 'flow_states',
  settings: 'settings',
} as const;

/** An entry failed validation; `problems` name the bad fields. */
export class InvalidEntryError extends Error {
  constructor(
    readonly kind: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${kind}: ${problems.join('; ')}`);
    this.name = 'InvalidEntryError';
  }
}

/** What reading a document found: the valid entries, and the ids of those that were not. */
export interface ReadResult<T> {
  entries: T[];
  rejected: { key: string; problems: string[] }[];
}

/**
 * Typed access to a user's Y.Doc, shared by the client SDK and the server.
 * Writes validate and throw {@link InvalidEntryError}; reads re-validate,
 * because any replica may have written anything.
 *
 * @example
 * const doc = new UserDoc(new Y.Doc());
 * doc.putSession(entry);
 * const { entries, rejected } = doc.readSessions();
 */
export class UserDoc {
  constructor(readonly ydoc: Y.Doc) {}

  get sessions(): Y.Map<unknown> {
    return this.ydoc.getMap(DOC_KEYS.sessions);
  }

  get flowStates(): Y.Map<unknown> {
    return this.ydoc.getMap(DOC_KEYS.flowStates);
  }

  get meta(): Y.Map<unknown> {
    return this.ydoc.getMap(DOC_KEYS.meta);
  }

  get settingsMap(): Y.Map<unknown> {
    return this.ydoc.getMap(DOC_KEYS.settings);
  }

  /** The document's generation (1 until the first purge). */
  get generation(): number {
    const value = this.meta.get('generation');
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
  }

  setGeneration(generation: number, origin?: unknown): void {
    this.ydoc.transact(() => this.meta.set('generation', generation), origin);
  }

  /** Adds or replaces a session after validating it. */
  putSession(entry: SessionEntry, origin?: unknown): void {
    const valid = validate(sessionEntrySchema, entry, 'session');
    this.ydoc.transact(() => this.sessions.set(valid.id, valid), origin);
  }

  /** A session by id, or undefined when absent or invalid. */
  getSession(id: string): SessionEntry | undefined {
    return parseEntry(sessionEntrySchema, id, this.sessions.get(id));
  }

  /** Adds or replaces a flow state after validating it. */
  putFlowState(entry: FlowStateEntry, origin?: unknown): void {
    const valid = validate(flowStateEntrySchema, entry, 'flow state');
    this.ydoc.transact(() => this.flowStates.set(valid.id, valid), origin);
  }

  /** Every valid session, and what was rejected. */
  readSessions(): ReadResult<SessionEntry> {
    return readMap(this.sessions, sessionEntrySchema);
  }

  /** Every valid flow state, and what was rejected. */
  readFlowStates(): ReadResult<FlowStateEntry> {
    return readMap(this.flowStates, flowStateEntrySchema);
  }

  /** Removes sessions (and their flow states) by id, in one transaction. */
  deleteSessions(ids: Iterable<string>, origin?: unknown): void {
    const doomed = new Set(ids);
    this.ydoc.transact(() => {
      for (const id of doomed) this.sessions.delete(id);
      for (const [key, value] of this.flowStates.entries()) {
        const sessionId = (value as { session_id?: unknown } | null)?.session_id;
        if (typeof sessionId === 'string' && doomed.has(sessionId)) this.flowStates.delete(key);
      }
    }, origin);
  }

  /** The privacy settings: stored values that are valid, defaults for the rest. */
  get settings(): PrivacySettings {
    const merged: Record<string, unknown> = { ...DEFAULT_PRIVACY_SETTINGS };
    for (const [key, value] of this.settingsMap.entries()) {
      // Unknown and inherited keys are ignored, so they can never reach `merged`.
      const valid = storedSettingValue(key, value);
      if (valid !== undefined) merged[key] = valid;
    }
    return merged as PrivacySettings;
  }

  /** Changes some settings; throws {@link InvalidEntryError} on a bad patch. */
  updateSettings(patch: Partial<PrivacySettings>, origin?: unknown): PrivacySettings {
    const valid = validate(privacySettingsPatchSchema, patch, 'privacy settings');
    this.ydoc.transact(() => {
      for (const [key, value] of Object.entries(valid)) {
        if (value !== undefined) this.settingsMap.set(key, value);
      }
    }, origin);
    return this.settings;
  }
}

function validate<S extends z.ZodType>(schema: S, value: unknown, kind: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidEntryError(kind, problemsOf(result.error));
  return result.data;
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`);
}

function parseEntry<T extends { id: string }>(
  schema: z.ZodType<T>,
  key: string,
  value: unknown,
): T | undefined {
  const result = parseHeld(schema, value);
  return result.success && result.data.id === key ? result.data : undefined;
}

function readMap<T extends { id: string }>(
  map: Y.Map<unknown>,
  schema: z.ZodType<T>,
): ReadResult<T> {
  const entries: T[] = [];
  const rejected: ReadResult<T>['rejected'] = [];
  for (const [key, value] of map.entries()) {
    const result = parseHeld(schema, value);
    if (!result.success) {
      rejected.push({ key, problems: problemsOf(result.error) });
    } else if (result.data.id !== key) {
      rejected.push({ key, problems: ['id: does not match the key it is stored under'] });
    } else {
      entries.push(result.data);
    }
  }
  return { entries, rejected };
}
