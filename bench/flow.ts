/**
 * Per-update latency of the FlowDetector with each model, next to a baseline that only copies
 * the input. Run alone: `npx tsx bench/flow.ts`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  createOnnxFlowModel,
  defaultFlowModel,
  FlowDetector,
  heuristicFlowModel,
  learnedFlowModel,
  updateWithAsyncModel,
  type FlowInput,
} from '../shared/src';

const UPDATES = 20_000;
const WARMUP = 2_000;

function inputs(n: number): FlowInput[] {
  const out: FlowInput[] = [];
  let seed = 12345;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
  for (let i = 0; i < n; i++) {
    out.push({
      // Log-normal-ish typing around 240 ms with a 1–3 s thinking pause now and then.
      keystrokeIntervals: Array.from({ length: 40 }, () =>
        rnd() < 0.05
          ? Math.round(1_000 + rnd() * 2_000)
          : Math.round(240 * Math.exp(0.4 * (rnd() + rnd() + rnd() - 1.5) * 2)),
      ),
      contextSwitches: Math.floor(rnd() * 4),
      errorEvents: Math.floor(rnd() * 3),
      windowFocusDuration: Math.round(rnd() * 1_200_000),
      fileModifications: Math.floor(rnd() * 3),
      timestamp: Date.UTC(2024, 0, 1) + i * 30_000,
    });
  }
  return out;
}

interface Row {
  name: string;
  p50: number;
  p99: number;
  perSecond: number;
}

async function measure(
  name: string,
  data: FlowInput[],
  run: (x: FlowInput) => unknown,
): Promise<Row> {
  const times = new Float64Array(data.length - WARMUP);
  for (let i = 0; i < WARMUP; i++) await run(data[i]);
  const start = performance.now();
  for (let i = WARMUP; i < data.length; i++) {
    const t = performance.now();
    await run(data[i]);
    times[i - WARMUP] = performance.now() - t;
  }
  const total = performance.now() - start;
  times.sort();
  return {
    name,
    p50: times[Math.floor(times.length * 0.5)] * 1000,
    p99: times[Math.floor(times.length * 0.99)] * 1000,
    perSecond: times.length / (total / 1000),
  };
}

/** Prints p50/p99 per-update latency and updates/s of each model vs an input-copy baseline. */
export async function benchFlow(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasmBinary = readFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  const modelBytes = readFileSync(
    fileURLToPath(new URL('../shared/model/flow-model.onnx', import.meta.url)),
  );
  const onnx = await createOnnxFlowModel({ wasmBinary, modelBytes });
  const data = inputs(UPDATES + WARMUP);
  const fresh = () => data; // each fresh detector sees time from the start
  const rows: Row[] = [];
  rows.push(await measure('baseline: structuredClone(input)', fresh(), (x) => structuredClone(x)));
  const h = new FlowDetector({ model: heuristicFlowModel });
  rows.push(await measure('detector + heuristic', fresh(), (x) => h.update(x)));
  const l = new FlowDetector({ model: learnedFlowModel });
  rows.push(await measure('detector + previous learned (TS)', fresh(), (x) => l.update(x)));
  const r = new FlowDetector({ model: defaultFlowModel });
  rows.push(await measure('detector + default (TS)', fresh(), (x) => r.update(x)));
  const o = new FlowDetector();
  rows.push(
    await measure('detector + default (ONNX wasm)', fresh(), (x) =>
      updateWithAsyncModel(o, x, onnx),
    ),
  );
  await onnx.release();
  const base = rows[0];
  console.log(`flow detector, ${UPDATES} updates of 40 intervals each (after ${WARMUP} warm-up)`);
  console.log(
    `${'case'.padEnd(36)}${'p50 µs'.padStart(9)}${'p99 µs'.padStart(9)}${'updates/s'.padStart(12)}${'p50 ×base'.padStart(11)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(36)}${r.p50.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${Math.round(r.perSecond).toString().padStart(12)}${(r.p50 / base.p50).toFixed(1).padStart(11)}`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchFlow();
