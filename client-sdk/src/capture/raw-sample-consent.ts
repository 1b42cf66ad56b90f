import type { UserDoc } from '@mindful/shared';
import type * as Y from 'yjs';

/** Transaction origin of the removals of raw samples. */
export const CONSENT_ORIGIN = Symbol('mindful-consent');

/**
 * Removes the raw keystroke `samples` from flow-state entries of the document while
 * `sync_raw_keystrokes` is off (the rhythm summary stays). The capture stops writing samples the
 * moment the setting goes off, but entries closed before keep theirs — and the document syncs to
 * every replica and the server's log, so they are taken out of the document itself.
 *
 * Entries that fail validation are stripped too: they sync all the same.
 *
 * @param keys the flow-state keys to look at; all of them by default.
 * @returns how many entries were changed.
 */
export function stripRawSamples(doc: UserDoc, keys?: Iterable<string>): number {
  if (doc.settings.sync_raw_keystrokes) return 0;
  const map = doc.flowStates;
  const changes: [string, Record<string, unknown>][] = [];
  for (const key of keys ?? map.keys()) {
    const stripped = withoutSamples(map.get(key));
    if (stripped) changes.push([key, stripped]);
  }
  if (changes.length > 0) {
    doc.ydoc.transact(() => {
      for (const [key, value] of changes) map.set(key, value);
    }, CONSENT_ORIGIN);
  }
  return changes.length;
}

/**
 * Keeps raw samples out of the document for as long as it lives: strips them now, again when
 * `sync_raw_keystrokes` is turned off (here or on another replica), and from any flow state that
 * arrives with samples while it is off (from a replica that had not heard of the change yet).
 *
 * @returns a function that stops watching.
 */
export function enforceRawSampleConsent(doc: UserDoc): () => void {
  const onSettings = (event: Y.YMapEvent<unknown>) => {
    if (event.keysChanged.has('sync_raw_keystrokes')) stripRawSamples(doc);
  };
  const onFlowStates = (event: Y.YMapEvent<unknown>) => {
    if (event.transaction.origin !== CONSENT_ORIGIN) stripRawSamples(doc, event.keysChanged);
  };
  stripRawSamples(doc);
  doc.settingsMap.observe(onSettings);
  doc.flowStates.observe(onFlowStates);
  return () => {
    doc.settingsMap.unobserve(onSettings);
    doc.flowStates.unobserve(onFlowStates);
  };
}

/** A copy of a flow-state value without raw samples, or null when it has none. */
function withoutSamples(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as Record<string, unknown>;
  const rhythm = entry.typing_rhythm_data;
  if (typeof rhythm !== 'object' || rhythm === null || !('samples' in rhythm)) return null;
  const { samples: _samples, ...summary } = rhythm as Record<string, unknown>;
  return { ...entry, typing_rhythm_data: summary };
}
