// React bindings of @mindful/client-sdk (`@mindful/client-sdk/react`), by name.
export { MindfulProvider, type MindfulProviderProps } from './mindful-provider';
export { useMindful, useMindfulClient, type MindfulContextValue } from './mindful-context';
export { clientKey, type CreateClient } from './client-registry';
export { useLive, type LiveResult } from './use-live';
export {
  useSessions,
  useFlowPeriods,
  useDailyTotals,
  useFocusHeatmap,
  usePatterns,
  useInsights,
  useCurrentFlow,
  useSyncStatus,
  usePrivacySettings,
  type SyncStatusValue,
  type PrivacySettingsValue,
} from './hooks';
