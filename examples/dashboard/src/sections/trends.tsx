import * as Plot from '@observablehq/plot';
import type { DailyTotals } from '@mindful/shared';
import { useMemo } from 'react';
import { PlotFigure } from '../charts/plot-figure';
import { percent } from '../format';
import { Empty, Section } from './section';

/** Daily coding and flow minutes, and the daily focus score, over the last weeks. */
export function Trends({ days, weeks }: { days: DailyTotals[] | undefined; weeks: number }) {
  const minutes = useMemo<Plot.PlotOptions | null>(() => {
    if (!days) return null;
    const rows = days.map((d) => ({
      date: new Date(`${d.date}T12:00:00`),
      coding: d.coding_seconds / 60,
      flow: d.flow_seconds / 60,
    }));
    return {
      height: 220,
      marginLeft: 48,
      x: {
        type: 'band',
        domain: rows.map((r) => r.date),
        label: null,
        tickFormat: '%d %b',
        ticks: rows.filter((_, i) => i % 7 === 0).map((r) => r.date),
      },
      y: { label: 'minutes', grid: true },
      marks: [
        Plot.barY(
          rows.filter((r) => r.coding > 0),
          {
            x: 'date',
            y: 'coding',
            fill: '#9db4d3',
            title: (r: { coding: number }) => `${Math.round(r.coding)} min coding`,
            className: 'trends-coding',
          },
        ),
        Plot.barY(
          rows.filter((r) => r.flow > 0),
          {
            x: 'date',
            y: 'flow',
            fill: '#2f8f6b',
            inset: 3,
            title: (r: { flow: number }) => `${Math.round(r.flow)} min flow`,
            className: 'trends-flow',
          },
        ),
        Plot.ruleY([0]),
      ],
    };
  }, [days]);

  const focus = useMemo<Plot.PlotOptions | null>(() => {
    if (!days) return null;
    const rows = days
      .filter((d) => d.focus_score !== null)
      .map((d) => ({ date: new Date(`${d.date}T12:00:00`), focus: d.focus_score! }));
    return {
      height: 160,
      marginLeft: 48,
      x: {
        type: 'time',
        label: null,
        domain: [
          new Date(`${days[0]!.date}T00:00:00`),
          new Date(`${days[days.length - 1]!.date}T23:59:59`),
        ],
      },
      y: { domain: [0, 1], label: 'focus', tickFormat: '%', grid: true },
      marks: [
        Plot.line(rows, { x: 'date', y: 'focus', stroke: '#6c5ce7', curve: 'monotone-x' }),
        Plot.dot(rows, {
          x: 'date',
          y: 'focus',
          fill: '#6c5ce7',
          r: 3.5,
          title: (r: { focus: number }) => `focus ${percent(r.focus)}`,
          className: 'trends-focus',
        }),
      ],
    };
  }, [days]);

  const hasData = days?.some((d) => d.coding_seconds > 0);
  return (
    <Section id="trends" title={`Trends over ${weeks} weeks`} wide>
      {minutes && focus && hasData ? (
        <div className="two-charts">
          <div>
            <h3>Daily coding and flow minutes</h3>
            <PlotFigure
              id="trends-minutes"
              options={minutes}
              label="Daily coding minutes with flow minutes inside"
            />
            <p className="legend">
              <span className="swatch session" /> coding <span className="swatch flow" /> flow
            </p>
          </div>
          <div>
            <h3>Focus score</h3>
            <PlotFigure id="trends-focus" options={focus} label="Daily focus score" />
          </div>
        </div>
      ) : (
        <Empty>{days ? 'No sessions in these weeks yet.' : 'Loading…'}</Empty>
      )}
    </Section>
  );
}
