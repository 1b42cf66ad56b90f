// wakatime-client ships no types: the part the tests use.
declare module 'wakatime-client' {
  export const RANGE: Record<
    'LAST_7_DAYS' | 'LAST_30_DAYS' | 'LAST_6_MONTHS' | 'LAST_YEAR',
    string
  >;
  export class WakaTimeClient {
    constructor(apiKey: string, baseURL?: string);
    getMySummary(options: {
      dateRange: { startDate: string; endDate: string };
      projectName?: string;
    }): Promise<unknown>;
    getMyStats(options: { range: string }): Promise<unknown>;
  }
}
