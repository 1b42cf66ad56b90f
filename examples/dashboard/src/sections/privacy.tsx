import type { PrivacySettings } from '@mindful/shared';
import { usePrivacySettings } from '@mindful/client-sdk/react';
import { useState } from 'react';
import { Empty, Section } from './section';

type Toggle = Exclude<keyof PrivacySettings, 'retention_days'>;

const TOGGLES: Array<{ key: Toggle; label: string; means: string }> = [
  {
    key: 'track_keystroke_timing',
    label: 'Record typing rhythm',
    means:
      'Keystroke timing feeds flow detection. Off: flow is judged without rhythm, and no intervals are stored.',
  },
  {
    key: 'track_languages',
    label: 'Record languages',
    means: 'Time per language. Off: new sessions have no language breakdown.',
  },
  {
    key: 'track_project_names',
    label: 'Record project names',
    means: 'Which project a session belongs to. Off: new sessions carry no project.',
  },
  {
    key: 'sync_project_paths',
    label: 'Sync project paths',
    means:
      'Let project paths leave the device where they were recorded. Off: they stay there; other devices and the server never see them.',
  },
  {
    key: 'sync_raw_keystrokes',
    label: 'Sync raw keystroke timings',
    means:
      'Let raw intervals leave the device. Off: only summaries sync, and raw samples are stripped from every replica.',
  },
  {
    key: 'sync_environment_data',
    label: 'Sync environment data',
    means: 'Time of day, workspace size and similar context. Off: stays on the device.',
  },
  {
    key: 'share_with_teams',
    label: 'Allow team aggregates',
    means: 'Let teams count you in their anonymous aggregates (each team still asks for consent).',
  },
];

/** The privacy settings of the user's document, each with what it means; changes sync everywhere. */
export function Privacy() {
  const { settings, update } = usePrivacySettings();
  const [error, setError] = useState<string | null>(null);
  const change = (patch: Partial<PrivacySettings>) => {
    setError(null);
    update(patch).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <Section id="privacy" title="Privacy">
      {!settings ? (
        <Empty>Loading…</Empty>
      ) : (
        <form className="privacy" onSubmit={(e) => e.preventDefault()}>
          {TOGGLES.map(({ key, label, means }) => (
            <div className="setting" key={key}>
              <input
                id={`setting-${key}`}
                type="checkbox"
                checked={settings[key]}
                aria-describedby={`setting-${key}-means`}
                onChange={(e) => change({ [key]: e.target.checked })}
              />
              <label htmlFor={`setting-${key}`}>{label}</label>
              <p id={`setting-${key}-means`} className="means">
                {means}
              </p>
            </div>
          ))}
          <div className="setting retention">
            <label htmlFor="setting-retention">Keep sessions for (days)</label>
            <input
              id="setting-retention"
              type="number"
              min={1}
              max={3650}
              placeholder="forever"
              defaultValue={settings.retention_days ?? ''}
              key={String(settings.retention_days)}
              aria-describedby="setting-retention-means"
              onBlur={(e) => {
                const value = e.target.value.trim();
                change({ retention_days: value === '' ? null : Number(value) });
              }}
            />
            <p id="setting-retention-means" className="means">
              Older sessions are deleted on every device and the server. Empty: keep them.
            </p>
          </div>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </form>
      )}
    </Section>
  );
}
