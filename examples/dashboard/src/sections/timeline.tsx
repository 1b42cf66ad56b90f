import * as Plot from '@observablehq/plot';
import { useFlowPeriods, useSessions } from '@mindful/client-sdk/react';
import { useMemo, useState } from 'react';
import { PlotFigure } from '../charts/plot-figure';
import { addDaysToDate, daySpan, shortDay } from '../dates';
import { Empty, Section } from './section';

const ROWS = ['Sessions', 'Flow'];

/** A chosen day: sessions as bars, flow periods highlighted, interruptions marked. */
export function Timeline({ initialDay }: { initialDay: string }) {
  const [day, setDay] = useState(initialDay);
  const span = useMemo(() => daySpan(day), [day]);
  const sessions = useSessions(span);
  const periods = useFlowPeriods(span);

  const options = useMemo<Plot.PlotOptions | null>(() => {
    if (!sessions.data || !periods.data) return null;
    const clip = (t: string) => new Date(Math.min(span.end, Math.max(span.start, Date.parse(t))));
    const bars = sessions.data.map((s) => ({
      row: 'Sessions',
      start: clip(s.start_time),
      end: clip(
        s.end_time ?? new Date(Date.parse(s.start_time) + (s.total_duration_ms ?? 0)).toISOString(),
      ),
      label: `${s.device_id ?? 'device'} · ${Math.round((s.active_duration_ms ?? 0) / 60_000)} min active`,
    }));
    const flows = periods.data.map((p) => ({
      row: 'Flow',
      start: clip(p.start_time),
      end: clip(p.end_time),
      label: `flow ${Math.round(p.duration_ms / 60_000)} min, intensity ${Math.round(p.intensity * 100)}%`,
    }));
    const interruptions = periods.data
      .filter((p) => p.interrupted && Date.parse(p.end_time) <= span.end)
      .map((p) => ({ row: 'Flow', at: new Date(p.end_time) }));
    // Zoom to the hours worked (whole hours, one either side, at least six), not the whole day.
    const HOUR = 3_600_000;
    const times = bars.flatMap((b) => [b.start.getTime(), b.end.getTime()]);
    let from = Math.max(span.start, Math.floor(Math.min(...times) / HOUR) * HOUR - HOUR);
    let to = Math.min(span.end, Math.ceil(Math.max(...times) / HOUR) * HOUR + HOUR);
    if (to - from < 6 * HOUR) {
      const grow = (6 * HOUR - (to - from)) / 2;
      from = Math.max(span.start, from - grow);
      to = Math.min(span.end, to + grow);
    }
    return {
      height: 150,
      marginLeft: 70,
      x: { type: 'time', domain: [new Date(from), new Date(to)], label: null },
      y: { domain: ROWS, label: null },
      marks: [
        Plot.barX(bars, {
          x1: 'start',
          x2: 'end',
          y: 'row',
          fill: '#9db4d3',
          inset: 4,
          title: 'label',
          className: 'timeline-sessions',
        }),
        Plot.barX(flows, {
          x1: 'start',
          x2: 'end',
          y: 'row',
          fill: '#2f8f6b',
          inset: 4,
          title: 'label',
          className: 'timeline-flow',
        }),
        Plot.dot(interruptions, {
          x: 'at',
          y: 'row',
          symbol: 'times',
          r: 6,
          stroke: '#c0392b',
          strokeWidth: 2.5,
          title: () => 'interrupted',
          className: 'timeline-interruptions',
        }),
        Plot.gridX({ stroke: '#ccc', strokeOpacity: 0.5 }),
      ],
    };
  }, [sessions.data, periods.data, span]);

  const interrupted = periods.data?.filter((p) => p.interrupted).length ?? 0;
  return (
    <Section
      id="timeline"
      title="Flow timeline"
      wide
      actions={
        <div className="day-picker" role="group" aria-label="Day shown">
          <button
            type="button"
            onClick={() => setDay(addDaysToDate(day, -1))}
            aria-label="Previous day"
          >
            ‹
          </button>
          <input
            type="date"
            value={day}
            aria-label="Day"
            onChange={(e) => e.target.value && setDay(e.target.value)}
          />
          <button type="button" onClick={() => setDay(addDaysToDate(day, 1))} aria-label="Next day">
            ›
          </button>
        </div>
      }
    >
      {options && sessions.data!.length > 0 ? (
        <>
          <PlotFigure
            id="timeline"
            options={options}
            label={`Sessions and flow periods on ${shortDay(day)}`}
          />
          <p className="legend">
            <span className="swatch session" /> session ({sessions.data!.length})
            <span className="swatch flow" /> flow ({periods.data!.length})
            <span className="swatch interruption">×</span> interruption ({interrupted})
          </p>
        </>
      ) : (
        <Empty>{sessions.loading ? 'Loading…' : `No sessions on ${shortDay(day)}.`}</Empty>
      )}
    </Section>
  );
}
