import * as Plot from '@observablehq/plot';
import { useFocusHeatmap, usePatterns } from '@mindful/client-sdk/react';
import { useMemo } from 'react';
import { PlotFigure } from '../charts/plot-figure';
import { TIME_ZONE } from '../dates';
import { DAY_NAMES, hourOfWeekLabel } from '../format';
import { Empty, Section } from './section';

// Monday first, as a working week reads.
const DAY_ORDER = [1, 2, 3, 4, 5, 6, 0].map((d) => DAY_NAMES[d]!);

/** Flow minutes per hour of the week, with the peak hours from the personal patterns outlined. */
export function Heatmap() {
  const cells = useFocusHeatmap(TIME_ZONE);
  const patterns = usePatterns();
  const peaks = useMemo(() => patterns.data?.peak_hours ?? [], [patterns.data]);

  const options = useMemo<Plot.PlotOptions | null>(() => {
    if (!cells.data) return null;
    const all = cells.data.map((seconds, hour) => ({
      day: DAY_NAMES[Math.floor(hour / 24)],
      hour: hour % 24,
      minutes: Math.round(seconds / 60),
      label: `${hourOfWeekLabel(hour)}: ${Math.round(seconds / 60)} min of flow`,
    }));
    const peakSet = new Set(peaks);
    return {
      height: 240,
      marginLeft: 40,
      padding: 0.06,
      x: {
        type: 'band',
        domain: Array.from({ length: 24 }, (_, h) => h),
        label: 'hour',
        tickFormat: (h: number) => (h % 3 === 0 ? String(h) : ''),
      },
      y: { domain: DAY_ORDER, label: null },
      color: { type: 'sqrt', scheme: 'greens', legend: true, label: 'flow minutes' },
      marks: [
        Plot.cell(all, { x: 'hour', y: 'day', fill: '#f1f3f5', className: 'heatmap-grid' }),
        Plot.cell(
          all.filter((c) => c.minutes > 0),
          { x: 'hour', y: 'day', fill: 'minutes', title: 'label', className: 'heatmap-cells' },
        ),
        Plot.cell(
          all.filter((_, hour) => peakSet.has(hour)),
          {
            x: 'hour',
            y: 'day',
            fill: 'none',
            stroke: '#d35400',
            strokeWidth: 2,
            className: 'heatmap-peaks',
          },
        ),
      ],
    };
  }, [cells.data, peaks]);

  return (
    <Section id="heatmap" title="Focus by hour of the week" wide>
      {options && cells.data!.some((s) => s > 0) ? (
        <>
          <PlotFigure id="heatmap" options={options} label="Flow minutes per hour of the week" />
          <p className="legend" data-peaks={peaks.length}>
            {peaks.length > 0
              ? `Peak hours (outlined): ${peaks.slice(0, 6).map(hourOfWeekLabel).join(', ')}${peaks.length > 6 ? '…' : ''}`
              : 'Peak hours appear after 10 sessions.'}
          </p>
        </>
      ) : (
        <Empty>{cells.loading ? 'Loading…' : 'No flow recorded yet.'}</Empty>
      )}
    </Section>
  );
}
