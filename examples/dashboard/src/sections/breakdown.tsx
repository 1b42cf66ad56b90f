import * as Plot from '@observablehq/plot';
import { combineDailyTotals, type DailyTotals, type SecondsBreakdown } from '@mindful/shared';
import { useMemo } from 'react';
import { PlotFigure } from '../charts/plot-figure';
import { duration } from '../format';
import { Empty, Section } from './section';

function projectName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

function Bars({
  id,
  data,
  label,
  name,
}: {
  id: string;
  data: SecondsBreakdown;
  label: string;
  name: (k: string) => string;
}) {
  const options = useMemo<Plot.PlotOptions>(() => {
    const rows = Object.entries(data)
      .slice(0, 12)
      .map(([key, seconds]) => ({
        key: name(key),
        minutes: seconds / 60,
        text: `${name(key)}: ${duration(seconds)}`,
      }));
    return {
      height: 40 + rows.length * 28,
      marginLeft: 110,
      marginRight: 48,
      x: { label: 'minutes', grid: true },
      y: { label: null, domain: rows.map((r) => r.key) },
      marks: [
        Plot.barX(rows, { x: 'minutes', y: 'key', fill: '#4a7fb5', title: 'text', className: id }),
        Plot.text(rows, {
          x: 'minutes',
          y: 'key',
          text: (r: { minutes: number }) => `${Math.round(r.minutes)}`,
          dx: 4,
          textAnchor: 'start',
        }),
        Plot.ruleX([0]),
      ],
    };
  }, [data, id, name]);
  return <PlotFigure id={id} options={options} label={label} />;
}

/** Coding time by language and by project (where the privacy settings let projects be tracked). */
export function Breakdown({ days, weeks }: { days: DailyTotals[] | undefined; weeks: number }) {
  const total = useMemo(() => (days ? combineDailyTotals(days) : null), [days]);
  return (
    <Section id="breakdown" title={`Languages and projects, last ${weeks} weeks`}>
      {!total || total.coding_seconds === 0 ? (
        <Empty>{days ? 'Nothing to break down yet.' : 'Loading…'}</Empty>
      ) : (
        <>
          <h3>By language</h3>
          {Object.keys(total.languages).length > 0 ? (
            <Bars
              id="breakdown-languages"
              data={total.languages}
              label="Coding minutes by language"
              name={(k) => k}
            />
          ) : (
            <Empty>Languages are not tracked (privacy settings).</Empty>
          )}
          <h3>By project</h3>
          {Object.keys(total.projects).length > 0 ? (
            <Bars
              id="breakdown-projects"
              data={total.projects}
              label="Coding minutes by project"
              name={projectName}
            />
          ) : (
            <Empty>Project names are not tracked on this device.</Empty>
          )}
        </>
      )}
    </Section>
  );
}
