import { JSONParser } from '@streamparser/json';
import { checkHeartbeat, type Heartbeat } from './heartbeat-input';
import type { HeartbeatIngest } from './heartbeat-ingest';
import type { ImportProgress, ImportStore } from './import-store';

/** Heartbeats stored per ingest while importing: bounds memory, amortises rebuilds. */
export const IMPORT_BATCH = 1000;

/** Largest upload an import reads. */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

/** The upload is not a WakaTime export (bad JSON, or too large). */
export class ImportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFormatError';
  }
}

/**
 * Streams a WakaTime data export (`{"days":[{"date":…,"heartbeats":[…]}],…}`)
 * into heartbeats, batch by batch: only one batch is in memory at a time,
 * and reading pauses while a batch is stored (backpressure). Each heartbeat
 * is checked like a live one; refused ones are counted, the rest stored.
 * Heartbeats are deduplicated by fingerprint, so importing the same export
 * again (or one overlapping what the editor already sent) stores nothing
 * twice. Progress is written to the job after every batch.
 */
export async function importExport(
  source: AsyncIterable<Buffer | string>,
  job: { id: string; userId: string },
  deps: { ingest: HeartbeatIngest; imports: ImportStore },
): Promise<ImportProgress> {
  const progress: ImportProgress = { bytesRead: 0, days: 0, processed: 0, stored: 0, refused: 0 };
  const now = Date.now();
  let batch: Heartbeat[] = [];
  let sawDays = false;
  let failure: Error | null = null;
  const parser = new JSONParser({
    // Never '$.days' itself: emitting an ancestor would keep every day in memory.
    paths: ['$.days.*.heartbeats.*', '$.days.*.date'],
    keepStack: false,
  });
  parser.onValue = ({ value, key }) => {
    if (key === 'date') {
      sawDays = true;
      progress.days++;
    } else if (typeof key === 'number') {
      sawDays = true;
      progress.processed++;
      const raw = value as Record<string, unknown> | null;
      const check = checkHeartbeat(raw, now, {
        userAgent: typeof raw?.user_agent === 'string' ? raw.user_agent : null,
        machine: typeof raw?.machine_name === 'string' ? raw.machine_name.slice(0, 128) : null,
      });
      if (check.ok) batch.push(check.heartbeat);
      else progress.refused++;
    }
  };
  parser.onError = (error) => {
    failure = error;
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const taken = batch;
    batch = [];
    const { stored } = await deps.ingest.ingest(job.userId, taken);
    progress.stored += stored;
    await deps.imports.progress(job.id, progress);
  };
  for await (const chunk of source) {
    progress.bytesRead += chunk.length;
    if (progress.bytesRead > MAX_IMPORT_BYTES) {
      throw new ImportFormatError(`The upload is larger than ${MAX_IMPORT_BYTES} bytes`);
    }
    if (!parser.isEnded) parser.write(chunk);
    if (failure) throw new ImportFormatError(`Not valid JSON: ${(failure as Error).message}`);
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  if (!parser.isEnded) {
    try {
      parser.end();
    } catch (error) {
      failure = error as Error;
    }
  }
  if (failure) throw new ImportFormatError(`Not valid JSON: ${(failure as Error).message}`);
  if (!sawDays)
    throw new ImportFormatError('Not a WakaTime export: no "days" with dates at the top');
  await flush();
  await deps.imports.progress(job.id, progress);
  return progress;
}
