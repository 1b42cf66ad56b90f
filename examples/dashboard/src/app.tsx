import { useDailyTotals, useMindful, useSyncStatus } from '@mindful/client-sdk/react';
import { useEffect, useState } from 'react';
import type { Account } from './account';
import { addDaysToDate, TIME_ZONE, today } from './dates';
import { Breakdown } from './sections/breakdown';
import { DataControls } from './sections/data-controls';
import { Glance } from './sections/glance';
import { Heatmap } from './sections/heatmap';
import { Insights } from './sections/insights';
import { Privacy } from './sections/privacy';
import { Empty } from './sections/section';
import { SyncBadge } from './sections/sync-badge';
import { Team } from './sections/team';
import { Timeline } from './sections/timeline';
import { Trends } from './sections/trends';

const WEEKS = 4;
const NAV = [
  ['glance', 'Glance'],
  ['timeline', 'Timeline'],
  ['heatmap', 'Heatmap'],
  ['trends', 'Trends'],
  ['breakdown', 'Breakdown'],
  ['insights', 'Insights'],
  ['privacy', 'Privacy'],
  ['data', 'Data'],
  ['team', 'Team'],
] as const;

/** The signed-in dashboard: everything is read from the replica (so it works offline). */
export function Dashboard({ account, onSignOut }: { account: Account; onSignOut: () => void }) {
  const { client, error } = useMindful();
  const { status, wipedByPurge } = useSyncStatus();
  const day = today();
  const trendDays = useDailyTotals({
    from: addDaysToDate(day, -(WEEKS * 7 - 1)),
    to: day,
    timeZone: TIME_ZONE,
  });
  const online = status === 'synced';
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(
    () =>
      client?.events.on('error', (e) => {
        // Background failures (a replica write, a socket callback) would otherwise go unseen.
        console.error('Mindful client error', e);
        setProblem(e instanceof Error ? e.message : String(e));
      }),
    [client],
  );
  const empty =
    trendDays.data !== undefined &&
    trendDays.data.every((d) => d.session_count === 0 && d.coding_seconds === 0);

  return (
    <div className="page">
      <header className="top">
        <h1>Mindful Code</h1>
        <SyncBadge />
        <span className="who">{account.email}</span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Sections">
        {NAV.map(([id, label]) => (
          <a key={id} href={`#${id}`}>
            {label}
          </a>
        ))}
      </nav>
      {error ? (
        <p role="alert" className="error">
          The local replica could not open: {error instanceof Error ? error.message : String(error)}
        </p>
      ) : null}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {wipedByPurge && (
        <p role="alert" className="banner" id="purged">
          Your data was purged (from this or another device), so this dashboard emptied its copy.
          New sessions will show up here as they are recorded.
        </p>
      )}
      {!client ? (
        <Empty>Opening your local replica…</Empty>
      ) : (
        <main className="grid">
          {empty && !wipedByPurge && (
            <Empty>No sessions yet: they appear here live as the extension records them.</Empty>
          )}
          <Glance day={day} />
          <Timeline initialDay={day} />
          <Heatmap />
          <Trends days={trendDays.data} weeks={WEEKS} />
          <Breakdown days={trendDays.data} weeks={WEEKS} />
          <Insights />
          <Privacy />
          <DataControls account={account} online={online} />
          <Team account={account} online={online} day={day} days={WEEKS * 7} />
        </main>
      )}
    </div>
  );
}
