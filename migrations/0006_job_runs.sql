-- Mindful Code central schema, part 6: scheduled-job bookkeeping.

-- One row per scheduled job, shared by every server instance. An instance runs
-- a job only under its advisory lock and only when the job's interval (after a
-- failure, its retry delay) has passed since last_started_at, so N instances
-- run an hourly job once an hour, not N times (server/src/jobs/scheduler.ts).
-- last_finished_at is NULL while the run that last started has not ended.
CREATE TABLE job_runs (
    name TEXT PRIMARY KEY,
    runs BIGINT NOT NULL DEFAULT 0,
    last_started_at TIMESTAMPTZ,
    last_finished_at TIMESTAMPTZ,
    last_error TEXT              -- the error's kind and message, NULL after a success
);

-- When the insights job last computed the user's insights, whether or not any
-- came out. The job picks the users whose sessions changed since, least
-- recently computed first, so users too new for any insight do not keep being
-- picked ahead of everyone else.
ALTER TABLE users ADD COLUMN insights_computed_at TIMESTAMPTZ;
