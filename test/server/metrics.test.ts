import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { openTestDatabase, type TestDatabase } from '../helpers/databases';
import { authedFetch, signUp, startTestServer } from '../helpers/test-server';

const METRICS_TOKEN = 'prom-scrape-token-0123456789';

/** The value of one sample line, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics (prom-client)', () => {
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    server = await startTestServer(db, { METRICS_TOKEN });
  });
  afterAll(async () => {
    await server?.close();
    await db?.dispose();
  });

  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('still needs METRICS_TOKEN when it is set', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });

  it('has process, heap, GC and event-loop metrics, sync counters and gauges', async () => {
    const text = await scrape();
    for (const family of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
      'nodejs_eventloop_lag_seconds',
      'mindful_sync_connections_opened_total',
      'mindful_sync_updates_persisted_total',
      'mindful_sync_documents_in_memory',
      'mindful_sync_connected_replicas',
      'mindful_http_request_duration_seconds',
      'mindful_job_runs_total',
      'mindful_job_duration_seconds',
    ]) {
      expect(text, family).toMatch(new RegExp(`^# TYPE ${family} `, 'm'));
    }
  });

  it('times requests by route template and status, never by concrete path', async () => {
    const user = await signUp(server.url);
    const started = await authedFetch(server.url, user.token, '/api/sessions/start', {
      method: 'POST',
      body: {},
    });
    const { id } = (await started.json()) as { id: string };
    for (let i = 0; i < 3; i++) {
      const update = await authedFetch(server.url, user.token, `/api/sessions/${id}/update`, {
        method: 'PUT',
        body: {
          keystroke_intervals: [100],
          context_switches: 0,
          error_events: 0,
          focus_duration: 1000,
          file_modifications: 0,
          keystrokes: 1,
          lines_added: 0,
        },
      });
      expect(update.status).toBe(200);
    }
    expect((await fetch(`${server.url}/api/no-such-thing/${id}`)).status).toBe(404);
    const text = await scrape();
    const series = (route: string, method: string, status: number) =>
      `mindful_http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`;
    expect(sample(text, series('/api/sessions/:id/update', 'PUT', 200))).toBe(3);
    expect(sample(text, series('/api/sessions/start', 'POST', 201))).toBe(1);
    expect(sample(text, series('(unmatched)', 'GET', 404))).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(id);
  });

  it('counts job runs and failures with their durations', async () => {
    const jobs = server.ctx.jobs;
    expect(
      (await jobs.runNow({ name: 'metrics-test-ok', everyMs: 60_000, run: async () => 1 })).ran,
    ).toBe(true);
    const failed = await jobs.runNow({
      name: 'metrics-test-broken',
      everyMs: 60_000,
      run: async () => {
        throw new Error('planned failure');
      },
    });
    expect(failed.error).toBeInstanceOf(Error);
    const text = await scrape();
    expect(sample(text, 'mindful_job_runs_total{job="metrics-test-ok",outcome="success"}')).toBe(1);
    expect(
      sample(text, 'mindful_job_runs_total{job="metrics-test-broken",outcome="failure"}'),
    ).toBe(1);
    expect(
      sample(text, 'mindful_job_duration_seconds_count{job="metrics-test-ok",outcome="success"}'),
    ).toBe(1);
  });
});
