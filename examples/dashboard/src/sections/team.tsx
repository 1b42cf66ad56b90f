import * as Plot from '@observablehq/plot';
import { useEffect, useMemo, useState } from 'react';
import { api, type Account } from '../account';
import { PlotFigure } from '../charts/plot-figure';
import { addDaysToDate } from '../dates';
import { Empty, Section } from './section';

interface TeamRow {
  id: string;
  name: string;
  role: 'admin' | 'member';
}
interface DailyMetric {
  date: string;
  average_focus: number | null;
  average_session_minutes: number | null;
  session_count: number;
  flow_periods: number | null;
}
interface Analytics {
  daily_metrics: DailyMetric[];
  optimization_suggestions: Array<{ message?: string; type?: string } & Record<string, unknown>>;
}

type Loaded =
  | { state: 'loading' }
  | { state: 'unavailable'; reason: string }
  | { state: 'ready'; team: TeamRow; analytics: Analytics };

/** For team admins: the team's aggregates from the REST analytics (never below the minimum group). */
export function Team({
  account,
  online,
  day,
  days,
}: {
  account: Account;
  online: boolean;
  day: string;
  days: number;
}) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const from = addDaysToDate(day, -(days - 1));

  useEffect(() => {
    if (!online) return;
    let live = true;
    (async (): Promise<Loaded | null> => {
      const teams = await api(account, '/api/teams');
      if (!teams.ok)
        return { state: 'unavailable', reason: `Teams could not be read (${teams.status}).` };
      const admin = ((await teams.json()) as { teams: TeamRow[] }).teams.find(
        (t) => t.role === 'admin',
      );
      if (!admin) return null;
      const response = await api(
        account,
        `/api/teams/${admin.id}/analytics?start_date=${from}&end_date=${day}`,
      );
      if (response.status === 402)
        return { state: 'unavailable', reason: 'Team analytics need a premium or team plan.' };
      if (!response.ok)
        return {
          state: 'unavailable',
          reason: `Team analytics could not be read (${response.status}).`,
        };
      return { state: 'ready', team: admin, analytics: (await response.json()) as Analytics };
    })().then(
      (result) => live && setLoaded(result),
      (error: unknown) => live && setLoaded({ state: 'unavailable', reason: String(error) }),
    );
    return () => {
      live = false;
    };
  }, [account, online, from, day]);

  const options = useMemo<Plot.PlotOptions | null>(() => {
    if (loaded?.state !== 'ready') return null;
    const rows = loaded.analytics.daily_metrics
      .filter((m) => m.average_focus !== null)
      .map((m) => ({
        date: new Date(`${m.date}T12:00:00`),
        focus: Number(m.average_focus),
        sessions: m.session_count,
      }));
    return {
      height: 160,
      marginLeft: 48,
      x: {
        type: 'time',
        label: null,
        domain: [new Date(`${from}T00:00:00`), new Date(`${day}T23:59:59`)],
      },
      y: { domain: [0, 1], tickFormat: '%', label: 'team focus', grid: true },
      marks: [
        Plot.dot(rows, {
          x: 'date',
          y: 'focus',
          r: 4,
          fill: '#d35400',
          title: (r: { sessions: number }) => `${r.sessions} sessions`,
          className: 'team-focus',
        }),
      ],
    };
  }, [loaded, from, day]);

  if (!online && loaded === null) return null;
  if (loaded === null) return null; // not an admin of any team: no team page
  return (
    <Section id="team" title={loaded.state === 'ready' ? `Team: ${loaded.team.name}` : 'Team'} wide>
      {!online && <p className="muted">Team figures come from the server; shown as last loaded.</p>}
      {loaded.state === 'loading' && <Empty>Loading…</Empty>}
      {loaded.state === 'unavailable' && <Empty>{loaded.reason}</Empty>}
      {loaded.state === 'ready' && (
        <>
          <p className="notice" data-hidden-days={days - loaded.analytics.daily_metrics.length}>
            {loaded.analytics.daily_metrics.length === 0
              ? `Hidden: no day in the last ${days} had enough consenting members to show without singling anyone out.`
              : `${days - loaded.analytics.daily_metrics.length} of ${days} days are hidden: they had no activity or fewer consenting members than the minimum group size.`}
          </p>
          {options && loaded.analytics.daily_metrics.length > 0 && (
            <PlotFigure id="team-focus" options={options} label="Team average focus per day" />
          )}
          {loaded.analytics.optimization_suggestions.length > 0 && (
            <ul>
              {loaded.analytics.optimization_suggestions.map((s, i) => (
                <li key={i}>{typeof s.message === 'string' ? s.message : JSON.stringify(s)}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </Section>
  );
}
