// WakaTime ingest: 100,000 heartbeats sent through the API as bulks (the
// whole path: API key, validation, dedupe fingerprints, sealed columns,
// sessions rebuilt into the user's document, logged), next to PostgreSQL's
// COPY of the same rows into the same table, measured in the same process.
//   npx tsx bench/wakatime.ts   (BENCH_DATABASE_URL or TEST_DATABASE_URL for PostgreSQL)
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { ApiKeyStore } from '../server/src/api-keys/api-key-store';
import { createUsers, startBenchServer } from './bench-server';

const TOTAL = Number(process.env.WAKATIME_BENCH_TOTAL ?? 100_000);
const BULK = 1000;
/** wakatime-cli's own bulk size, measured on a slice (its requests are rate-limited per key). */
const CLI_BULK = 25;
const CLI_SLICE = 5_000;
const USER_AGENT = 'wakatime/v1.102.1 (linux-6.1) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0';

/** Heartbeats every 30 s, 8 h a day, ending yesterday: ~104 days of steady work. */
function heartbeats(count: number, offsetS = 0) {
  const perDay = 8 * 120;
  const lastDay = Math.floor(Date.now() / 86_400_000) - 1;
  const firstDay = lastDay - Math.ceil(count / perDay);
  return Array.from({ length: count }, (_, i) => {
    const day = firstDay + Math.floor(i / perDay);
    const time = day * 86_400 + 9 * 3600 + (i % perDay) * 30 + offsetS + 0.25;
    return {
      entity: `/home/dev/code/project-${i % 3}/src/module-${i % 17}.ts`,
      type: 'file',
      // An hour of debugging a day; one project a day, alternating.
      category: i % perDay >= 240 && i % perDay < 360 ? 'debugging' : 'coding',
      time,
      project: `project-${day % 2}`,
      branch: 'main',
      language: i % 5 === 0 ? 'Go' : 'TypeScript',
      is_write: i % 4 === 0,
      lines: 200,
      lineno: i % 200,
      cursorpos: i % 80,
      user_agent: USER_AGENT,
    };
  });
}

async function send(url: string, key: string, bulk: unknown[]): Promise<void> {
  const r = await fetch(`${url}/api/v1/users/current/heartbeats.bulk`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(key).toString('base64')}`,
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'x-machine-name': 'bench-box',
    },
    body: JSON.stringify(bulk),
  });
  if (r.status !== 202) throw new Error(`bulk refused: ${r.status} ${await r.text()}`);
  await r.arrayBuffer();
}

const csv = (v: unknown) =>
  v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`;

export async function benchWakatime(): Promise<void> {
  const bench = await startBenchServer();
  const { server, store } = bench;
  try {
    const pool = store.db.pool;
    const [apiUser, cliUser, copyUser] = await createUsers(pool, 3);
    const keys = new ApiKeyStore(pool);
    const apiKey = (await keys.create(apiUser!.id, 'bench')).key;
    const cliKey = (await keys.create(cliUser!.id, 'bench')).key;
    const rows = heartbeats(TOTAL);

    let started = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += BULK)
      await send(server.url, apiKey, rows.slice(i, i + BULK));
    const apiS = Number(process.hrtime.bigint() - started) / 1e9;
    await server.ctx.projection.reconcileNow(apiUser!.id);
    const { rows: stored } = await pool.query<{ n: string; s: string }>(
      `SELECT (SELECT count(*) FROM wakatime_heartbeats WHERE user_id = $1) AS n,
              (SELECT count(*) FROM coding_sessions WHERE user_id = $1) AS s`,
      [apiUser!.id],
    );

    const slice = heartbeats(CLI_SLICE);
    started = process.hrtime.bigint();
    for (let i = 0; i < slice.length; i += CLI_BULK)
      await send(server.url, cliKey, slice.slice(i, i + CLI_BULK));
    const cliS = Number(process.hrtime.bigint() - started) / 1e9;

    // Replay of everything already stored: the offline-queue case.
    started = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += BULK)
      await send(server.url, apiKey, rows.slice(i, i + BULK));
    const replayS = Number(process.hrtime.bigint() - started) / 1e9;

    // The same rows as stored (fingerprints and sealed columns computed before
    // the clock starts), written by COPY.
    const { rows: prepared } = await pool.query(
      `SELECT fingerprint, time, type, category, entity_key, entity, project, branch, language,
              is_write, lines, lineno, cursorpos, editor, plugin, machine
       FROM wakatime_heartbeats WHERE user_id = $1`,
      [apiUser!.id],
    );
    const text = prepared
      .map((r: Record<string, unknown>) =>
        [
          copyUser!.id,
          r.fingerprint,
          (r.time as Date).toISOString(),
          r.type,
          r.category,
          r.entity_key,
          r.entity,
          r.project,
          r.branch,
          r.language,
          r.is_write,
          r.lines,
          r.lineno,
          r.cursorpos,
          r.editor,
          r.plugin,
          r.machine,
        ]
          .map(csv)
          .join(','),
      )
      .join('\n');
    let copyS = NaN;
    if (store.db.kind === 'postgres') {
      const client = await pool.connect();
      try {
        started = process.hrtime.bigint();
        await pipeline(
          Readable.from([text]),
          client.query(
            copyFrom(
              `COPY wakatime_heartbeats (user_id, fingerprint, time, type, category, entity_key,
                 entity, project, branch, language, is_write, lines, lineno, cursorpos, editor,
                 plugin, machine) FROM STDIN WITH (FORMAT csv)`,
            ),
          ),
        );
        copyS = Number(process.hrtime.bigint() - started) / 1e9;
      } finally {
        client.release();
      }
    }
    const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s`;
    console.log(`store: ${store.label}`);
    console.log(
      `API, bulks of ${BULK}: ${TOTAL.toLocaleString('en-US')} heartbeats in ${apiS.toFixed(1)} s = ${rate(TOTAL, apiS)}` +
        ` (${stored[0]!.n} stored, ${stored[0]!.s} sessions built)`,
    );
    console.log(
      `API, bulks of ${CLI_BULK} (wakatime-cli's size), ${CLI_SLICE.toLocaleString('en-US')} heartbeats: ${rate(CLI_SLICE, cliS)}`,
    );
    console.log(
      `API, replay of all ${TOTAL.toLocaleString('en-US')} (nothing new): ${rate(TOTAL, replayS)}`,
    );
    console.log(
      Number.isNaN(copyS)
        ? 'COPY baseline: needs PostgreSQL (set BENCH_DATABASE_URL or TEST_DATABASE_URL)'
        : `PostgreSQL COPY of the same ${prepared.length.toLocaleString('en-US')} rows: ${copyS.toFixed(2)} s = ${rate(prepared.length, copyS)}; the API is ${(apiS / copyS).toFixed(0)}× slower`,
    );
  } finally {
    await bench.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await benchWakatime();
  process.exit(0);
}
