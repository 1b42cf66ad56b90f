import type { UserInsight } from '@mindful/shared';
import { useInsights } from '@mindful/client-sdk/react';
import { DAY_NAMES, hourOfWeekLabel } from '../format';
import { Empty, Section } from './section';

const TITLES: Record<string, string> = {
  peak_hours: 'Your peak focus hours',
  best_days: 'Your best days',
  typical_flow_duration: 'How long your flow lasts',
  optimal_session_length: 'Your best session length',
  recovery_time: 'Getting back into flow',
};

function evidenceText(key: string, value: unknown): string {
  if (Array.isArray(value) && key.includes('hours_of_week'))
    return value.map((h) => hourOfWeekLabel(Number(h))).join(', ');
  if (Array.isArray(value) && key.includes('days'))
    return value.map((d) => DAY_NAMES[Number(d)] ?? String(d)).join(', ');
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'number' && key.endsWith('_ms')) return `${Math.round(value / 60_000)} min`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function Insight({ insight }: { insight: UserInsight }) {
  const { message, ...evidence } = insight.insight_data as { message?: unknown } & Record<
    string,
    unknown
  >;
  const confidence = Math.round(insight.confidence_score * 100);
  return (
    <li className="insight" data-insight={insight.insight_type}>
      <h3>{TITLES[insight.insight_type] ?? insight.insight_type}</h3>
      {typeof message === 'string' && <p>{message}</p>}
      <dl className="evidence">
        {Object.entries(evidence).map(([key, value]) => (
          <div key={key}>
            <dt>{key.replace(/_ms$/, '').replaceAll('_', ' ')}</dt>
            <dd>{evidenceText(key, value)}</dd>
          </div>
        ))}
        <div>
          <dt>based on</dt>
          <dd>
            sessions from {insight.date_range_start} to {insight.date_range_end}
          </dd>
        </div>
      </dl>
      <label className="confidence">
        Confidence {confidence}%
        <meter min={0} max={100} value={confidence} aria-label={`Confidence ${confidence}%`} />
      </label>
    </li>
  );
}

/** Insights from the replica's history, each with its evidence and confidence. */
export function Insights() {
  const { data, loading } = useInsights();
  return (
    <Section id="insights" title="Insights">
      {data && data.length > 0 ? (
        <ul className="insights">
          {data.map((insight) => (
            <Insight key={insight.insight_type} insight={insight} />
          ))}
        </ul>
      ) : (
        <Empty>
          {loading
            ? 'Loading…'
            : 'Insights appear once there is enough history (10 sessions for timing).'}
        </Empty>
      )}
    </Section>
  );
}
