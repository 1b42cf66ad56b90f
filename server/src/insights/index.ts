// The insights room's named service interface: what other rooms may use of it.
export { insightsJob } from './insights-job';
export { recomputeUserInsights, storedInsights } from './insights-store';
export { loadSessionHistory, utcOffsetMinutes } from './session-history-entries';
