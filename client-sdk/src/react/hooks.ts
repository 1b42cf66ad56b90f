import type { DailyTotals, PersonalPatterns, PrivacySettings, UserInsight } from '@mindful/shared';
import { useCallback, useEffect, useState } from 'react';
import type { FlowPeriodRecord, DayRange, TimeRange } from '../query/range-queries';
import type { CurrentFlow, SessionRecord } from '../replica/replica-records';
import type { SyncStatus } from '../sync/sync-status';
import { useMindfulClient } from './mindful-context';
import { useLive, type LiveResult } from './use-live';

/**
 * Sessions overlapping `range`, oldest first, live from the replica (works offline).
 *
 * @example
 * ```tsx
 * const { data: sessions = [] } = useSessions({ start: dayStart, end: dayEnd });
 * ```
 */
export function useSessions(range: TimeRange): LiveResult<SessionRecord[]> {
  return useLive(`sessions:${range.start}:${range.end}`, (client, onChange) =>
    client.live.sessions(onChange, range),
  );
}

/** Closed flow periods overlapping `range`, oldest first, each marked if an interruption ended it. */
export function useFlowPeriods(range: TimeRange): LiveResult<FlowPeriodRecord[]> {
  return useLive(`flow:${range.start}:${range.end}`, (client, onChange) =>
    client.live.flowPeriods(onChange, range),
  );
}

/**
 * Daily totals of the local days of `range` (coding and flow seconds, longest flow, interruptions,
 * breakdowns by language, project, editor, machine, category), computed on the device with the
 * same definitions as the server's summaries.
 *
 * @example
 * ```tsx
 * const { data: days } = useDailyTotals({ from: '2026-11-23', to: '2026-11-29' });
 * ```
 */
export function useDailyTotals(range: DayRange): LiveResult<DailyTotals[]> {
  return useLive(`daily:${range.from}:${range.to}:${range.timeZone ?? ''}`, (client, onChange) =>
    client.live.dailyTotals(onChange, range),
  );
}

/** Flow seconds per local hour of the week (168 cells, 0 = Sunday 00:00), for a heatmap. */
export function useFocusHeatmap(timeZone?: string): LiveResult<number[]> {
  return useLive(`heatmap:${timeZone ?? ''}`, (client, onChange) =>
    client.live.focusHeatmap(onChange, timeZone),
  );
}

/** Personal patterns (peak hours, typical flow, …) from the replica's ended sessions. */
export function usePatterns(): LiveResult<PersonalPatterns> {
  return useLive('patterns', (client, onChange) =>
    client.live.patternsAndInsights(({ patterns }) => onChange(patterns)),
  );
}

/** Insights, each with its evidence (`insight_data`) and confidence, from the replica. */
export function useInsights(): LiveResult<UserInsight[]> {
  return useLive('insights', (client, onChange) =>
    client.live.patternsAndInsights(({ insights }) => onChange(insights)),
  );
}

/** The open session and flow period of any of the user's devices, live. */
export function useCurrentFlow(): LiveResult<CurrentFlow> {
  return useLive('current-flow', (client, onChange) => client.live.currentFlow(onChange));
}

/** Where the replica stands with the server, with the reason of a stop. */
export interface SyncStatusValue {
  /** `offline` while the client opens. */
  status: SyncStatus;
  /** Why sync stopped or waits (a close code, a flood), when known. */
  detail: string | null;
  /** Set once a purge elsewhere emptied this replica (the dashboard says why it is empty). */
  wipedByPurge: boolean;
}

/** The sync status, re-rendering only when it changes. */
export function useSyncStatus(): SyncStatusValue {
  const client = useMindfulClient();
  const [value, setValue] = useState<SyncStatusValue>({
    status: client?.status ?? 'offline',
    detail: null,
    wipedByPurge: false,
  });
  useEffect(() => {
    if (!client) return;
    const update = (next: SyncStatusValue) =>
      setValue((prev) =>
        prev.status === next.status &&
        prev.detail === next.detail &&
        prev.wipedByPurge === next.wipedByPurge
          ? prev
          : next,
      );
    update({ status: client.status, detail: null, wipedByPurge: false });
    const offStatus = client.events.on('status', ({ status, detail }) =>
      setValue((prev) => {
        const next = { status, detail: detail ?? null, wipedByPurge: prev.wipedByPurge };
        return prev.status === next.status && prev.detail === next.detail ? prev : next;
      }),
    );
    const offWiped = client.events.on('wiped', ({ reason }) =>
      setValue((prev) => ({ ...prev, wipedByPurge: reason === 'purge' })),
    );
    return () => {
      offStatus();
      offWiped();
    };
  }, [client]);
  return value;
}

/** What {@link usePrivacySettings} returns. */
export interface PrivacySettingsValue {
  /** The settings in the user's document; undefined while the client opens. */
  settings: PrivacySettings | undefined;
  /** Changes some settings (synced to every replica and the server); rejects on a bad patch. */
  update(patch: Partial<PrivacySettings>): Promise<PrivacySettings>;
}

/** The privacy settings, live (a change on another device re-renders), with a setter. */
export function usePrivacySettings(): PrivacySettingsValue {
  const client = useMindfulClient();
  const { data } = useLive<PrivacySettings>('settings', (c, onChange) => c.live.settings(onChange));
  const update = useCallback(
    (patch: Partial<PrivacySettings>) =>
      client
        ? client.updateSettings(patch)
        : Promise.reject(new Error('the Mindful client is not open yet')),
    [client],
  );
  return { settings: data, update };
}
