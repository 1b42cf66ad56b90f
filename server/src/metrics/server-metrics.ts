import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobScheduler } from '../jobs/scheduler';
import type { DocumentRegistry } from '../sync/document-registry';

/** Seconds: from a fast authenticated read (~1 ms) to a slow export or recompute. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

/**
 * The server's Prometheus metrics (prom-client), one registry per server so
 * several servers in one process (tests) do not share counters. Nothing here
 * is labelled with user data: routes are templates, never concrete ids.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly jobRuns: Counter<'job' | 'outcome'>;
  readonly jobDuration: Histogram<'job' | 'outcome'>;

  constructor(sync: DocumentRegistry, jobs: JobScheduler) {
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'mindful_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers: [this.registry],
    });
    this.jobRuns = new Counter({
      name: 'mindful_job_runs_total',
      help: 'Scheduled job runs on this instance, by outcome (success, failure)',
      labelNames: ['job', 'outcome'],
      registers: [this.registry],
    });
    this.jobDuration = new Histogram({
      name: 'mindful_job_duration_seconds',
      help: 'Duration of scheduled job runs on this instance',
      labelNames: ['job', 'outcome'],
      buckets: JOB_BUCKETS,
      registers: [this.registry],
    });
    jobs.onRun((job, outcome, seconds) => {
      this.jobRuns.inc({ job, outcome });
      this.jobDuration.observe({ job, outcome }, seconds);
    });
    this.registerSync(sync);
  }

  /** The sync subsystem's counters and gauges, read from it at each scrape. */
  private registerSync(sync: DocumentRegistry): void {
    const counters = sync.metrics;
    for (const [field, value] of Object.entries(counters)) {
      if (typeof value !== 'number') continue;
      const key = field as keyof typeof counters;
      new Counter({
        name: `mindful_sync_${snake(field)}_total`,
        help: `Sync: ${field}`,
        registers: [this.registry],
        collect() {
          // The source counts on its own; mirror its value (counters only grow).
          this.reset();
          this.inc(counters[key] as number);
        },
      });
    }
    new Counter({
      name: 'mindful_sync_connections_closed_total',
      help: 'Sync connections closed by the server, by close code',
      labelNames: ['code'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [code, count] of counters.closedByCode) this.inc({ code: String(code) }, count);
      },
    });
    new Gauge({
      name: 'mindful_sync_documents_in_memory',
      help: 'Documents loaded in memory',
      registers: [this.registry],
      collect() {
        this.set(sync.loadedCount);
      },
    });
    new Gauge({
      name: 'mindful_sync_connected_replicas',
      help: 'Replicas connected to this instance',
      registers: [this.registry],
      collect() {
        this.set(sync.peerCount);
      },
    });
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
