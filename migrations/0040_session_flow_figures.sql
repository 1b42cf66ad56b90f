-- Per-session flow figures the team aggregates read, computed once when a
-- session row is written instead of unpacking its flow_state_periods JSON on
-- every team recompute (that unpacking was most of a full recompute's time).
-- Meaning as in server/src/teams/team-metrics.ts: the number of elements of
-- flow_state_periods (NULL or not an array: 0), and the sum of their numeric
-- duration_ms, each clamped to [0, one week].

CREATE FUNCTION mc_flow_period_count(periods jsonb) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN jsonb_typeof(periods) = 'array' THEN jsonb_array_length(periods) ELSE 0 END;

CREATE FUNCTION mc_flow_ms(periods jsonb) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN COALESCE((
    SELECT sum(GREATEST(LEAST((p->>'duration_ms')::numeric, 604800000), 0))
    FROM jsonb_array_elements(
           CASE WHEN jsonb_typeof(periods) = 'array' THEN periods ELSE '[]'::jsonb END) AS p
    WHERE jsonb_typeof(p->'duration_ms') = 'number'
  ), 0)::double precision;

ALTER TABLE coding_sessions
  ADD COLUMN flow_period_count integer
    GENERATED ALWAYS AS (mc_flow_period_count(flow_state_periods)) STORED,
  ADD COLUMN flow_ms double precision
    GENERATED ALWAYS AS (mc_flow_ms(flow_state_periods)) STORED;
