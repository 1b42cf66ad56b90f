import { createContext, useContext } from 'react';
import type { MindfulClient } from '../mindful-client';

/** What a `MindfulProvider` offers its children. */
export interface MindfulContextValue {
  /** The open client; null while it opens or when it failed. */
  client: MindfulClient | null;
  /** Why the client could not open (e.g. `ReplicaLockedError`), else null. */
  error: unknown;
}

/** @internal The context behind the hooks; use `MindfulProvider`. */
export const MindfulContext = createContext<MindfulContextValue | null>(null);

/** The provider's client and its opening error. Throws outside a `MindfulProvider`. */
export function useMindful(): MindfulContextValue {
  const value = useContext(MindfulContext);
  if (!value) throw new Error('Mindful hooks must be used inside a <MindfulProvider>');
  return value;
}

/** The provider's client, or null while it opens. */
export function useMindfulClient(): MindfulClient | null {
  return useMindful().client;
}
