import { combineDailyTotals, type DailyTotals } from '@mindful/shared';
import { useDailyTotals } from '@mindful/client-sdk/react';
import { addDaysToDate, TIME_ZONE, weekStart } from '../dates';
import { duration } from '../format';
import { Section } from './section';

function Figures({ name, totals }: { name: string; totals: DailyTotals | null | undefined }) {
  // undefined: the replica has not answered yet (never shown as zeros).
  const show = (value: (t: DailyTotals | null) => string) =>
    totals === undefined ? '…' : value(totals);
  const rows: Array<[string, string, string]> = [
    ['coding', 'Coding time', show((t) => duration(t?.coding_seconds ?? 0))],
    ['flow', 'Flow time', show((t) => duration(t?.flow_seconds ?? 0))],
    ['longest', 'Longest flow', show((t) => duration(t?.longest_flow_seconds ?? 0))],
    ['interruptions', 'Interruptions', show((t) => String(t?.interruptions ?? 0))],
  ];
  return (
    <div className="glance" data-glance={name}>
      <h3>{name === 'today' ? 'Today' : 'This week'}</h3>
      <dl>
        {rows.map(([key, label, value]) => (
          <div key={key} className="figure" data-figure={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Today and this week at a glance, from the replica's daily totals. */
export function Glance({ day }: { day: string }) {
  const from = weekStart(day);
  const { data } = useDailyTotals({ from, to: addDaysToDate(from, 6), timeZone: TIME_ZONE });
  const todayTotals = data && (data.find((d) => d.date === day) ?? null);
  const week = data && combineDailyTotals(data.filter((d) => d.date <= day));
  return (
    <Section id="glance" title="At a glance" wide>
      <div className="glance-row">
        <Figures name="today" totals={todayTotals} />
        <Figures name="week" totals={week} />
      </div>
    </Section>
  );
}
