/**
 * The replica's own schema, versioned. Kept as SQL strings in a module (not .sql files) so the
 * browser bundle carries them without a file system.
 *
 * Two kinds of table:
 * - materialised from the user's document (`sessions`, `flow_states`): rebuilt from the Y.Doc at
 *   any time, never written by capture directly;
 * - local-only (`local_*`, `ydoc_updates`, `replica_meta`): what never leaves the device (raw
 *   keystroke timings, unsynced project paths) and the replica's own bookkeeping.
 *
 * Durations are INTEGER (the document bounds them to 7 days, < 2^31 ms) and timestamps in ms are
 * DOUBLE PRECISION, so PGlite returns plain numbers rather than BigInt. The sessions' extent is
 * BIGINT all the same: only SQL reads it, through an `int8range` (PostgreSQL has no range type
 * over DOUBLE PRECISION).
 */
export const REPLICA_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE replica_meta (
  key TEXT PRIMARY KEY,
  value JSONB NOT NULL
);

-- Every Y.Doc update, local or remote, in arrival order; compacted on open.
CREATE TABLE ydoc_updates (
  id SERIAL PRIMARY KEY,
  generation INTEGER NOT NULL,
  payload BYTEA NOT NULL
);

CREATE TABLE sessions (
  id UUID PRIMARY KEY,
  start_time TIMESTAMPTZ NOT NULL,
  end_time TIMESTAMPTZ,
  total_duration_ms INTEGER,
  active_duration_ms INTEGER,
  files_modified INTEGER NOT NULL,
  keystrokes INTEGER NOT NULL,
  lines_added INTEGER NOT NULL,
  lines_deleted INTEGER NOT NULL,
  language_breakdown JSONB NOT NULL,
  project_path TEXT,
  environment_data JSONB,
  flow_state_periods JSONB NOT NULL,
  interruption_count INTEGER NOT NULL,
  error_rate DOUBLE PRECISION,
  focus_score DOUBLE PRECISION,
  device_id TEXT,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_start_idx ON sessions (start_time DESC, id DESC);

CREATE TABLE flow_states (
  id UUID PRIMARY KEY,
  session_id UUID NOT NULL,
  start_time TIMESTAMPTZ NOT NULL,
  end_time TIMESTAMPTZ,
  duration_ms INTEGER,
  intensity_score DOUBLE PRECISION NOT NULL,
  context_switches INTEGER NOT NULL,
  recovery_time_ms INTEGER,
  typing_rhythm_data JSONB,
  error_events JSONB,
  environmental_factors JSONB
);
CREATE INDEX flow_states_session_idx ON flow_states (session_id);

-- What the privacy settings keep on this device: project path and environment of a session.
CREATE TABLE local_session_private (
  session_id UUID PRIMARY KEY,
  project_path TEXT,
  environment_data JSONB
);

-- Raw activity updates (keystroke intervals included): local-only, and the source from which a
-- session in progress is rebuilt after a restart.
CREATE TABLE local_activity (
  id SERIAL PRIMARY KEY,
  session_id UUID NOT NULL,
  at DOUBLE PRECISION NOT NULL,
  payload JSONB NOT NULL
);
CREATE INDEX local_activity_session_idx ON local_activity (session_id, id);

-- The session this device is capturing (at most one row).
CREATE TABLE local_open_session (
  session_id UUID PRIMARY KEY,
  payload JSONB NOT NULL
);
`,
  },
  {
    // Sessions built from WakaTime heartbeats carry the editor, machine and category they were
    // coded in, and where they came from; the dashboard's daily totals break time down by them.
    version: 2,
    sql: `
ALTER TABLE sessions
  ADD COLUMN editor TEXT,
  ADD COLUMN machine TEXT,
  ADD COLUMN category TEXT,
  ADD COLUMN source TEXT;
`,
  },
  {
    // Each session's full time extent (see session-extent.ts), so a range query reads only the
    // sessions that may touch its range instead of every session. NULL ends (a row written
    // before this migration, until the rebuild on the next open fills it) make an unbounded
    // range: such a row is read by every range query, never missed. The GiST index serves "the
    // extent overlaps [a, b]" from either side, which no single B-tree does.
    version: 3,
    sql: `
ALTER TABLE sessions
  ADD COLUMN extent_start_ms BIGINT,
  ADD COLUMN extent_end_ms BIGINT;
CREATE INDEX sessions_extent_idx ON sessions
  USING gist (int8range(extent_start_ms, extent_end_ms, '[]'));
`,
  },
];

/** Tables emptied by a wipe: everything but the migration bookkeeping. */
export const WIPED_TABLES = [
  'ydoc_updates',
  'sessions',
  'flow_states',
  'local_session_private',
  'local_activity',
  'local_open_session',
] as const;
