/**
 * Prints precision, recall, F1 and flap rate of the heuristic and of the learned model (run
 * through onnxruntime-web from the committed .onnx file) on the held-out synthetic set, side by
 * side, each as a raw per-update threshold and through the FlowDetector's hysteresis.
 *
 * Run: `npx tsx shared/scripts/eval-flow.ts` (npm run eval:flow).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createOnnxFlowModel } from '../src/flow/onnx-model';
import { heuristicFlowModel } from '../src/flow/heuristic-model';
import { learnedFlowModel } from '../src/flow/learned-model';
import { heldOutSet } from './lib/datasets';
import {
  evaluateScores,
  extractRows,
  labelFlipsPerHour,
  type ModelEvaluation,
} from './lib/evaluate';

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasmBinary = readFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  const modelBytes = readFileSync(
    fileURLToPath(new URL('../model/flow-model.onnx', import.meta.url)),
  );
  const onnx = await createOnnxFlowModel({ wasmBinary, modelBytes });

  const subjects = heldOutSet();
  const rows = extractRows(subjects, true);
  const uncalibrated = extractRows(subjects, false);
  const onnxScores = await onnx.scoreBatch(rows.map((r) => r.features));
  let maxDiff = 0;
  rows.forEach(
    (r, i) =>
      (maxDiff = Math.max(maxDiff, Math.abs(onnxScores[i] - learnedFlowModel.score(r.features)))),
  );
  await onnx.release();

  const results: ModelEvaluation[] = [
    evaluateScores(
      'heuristic (no baseline)',
      uncalibrated,
      uncalibrated.map((r) => heuristicFlowModel.score(r.features)),
      subjects,
    ),
    evaluateScores(
      'heuristic (personal baseline)',
      rows,
      rows.map((r) => heuristicFlowModel.score(r.features)),
      subjects,
    ),
    evaluateScores('learned, onnx (personal baseline)', rows, onnxScores, subjects),
  ];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  console.log(
    `Held-out synthetic set: ${subjects.length} people, ${rows.length} updates of 30 s, flow share ${pct(rows.filter((r) => r.label).length / rows.length)}`,
  );
  console.log(`Ground-truth state changes per hour: ${labelFlipsPerHour(rows).toFixed(2)}`);
  console.log(`ONNX vs TypeScript reference, max |diff|: ${maxDiff.toExponential(2)}\n`);
  console.log(
    `${'model'.padEnd(36)}${'mode'.padEnd(10)}${'precision'.padStart(10)}${'recall'.padStart(9)}${'F1'.padStart(9)}${'flips/h'.padStart(9)}`,
  );
  for (const r of results) {
    for (const [mode, m] of [
      ['raw', r.raw],
      ['detector', r.detector],
    ] as const) {
      console.log(
        `${r.model.padEnd(36)}${mode.padEnd(10)}${pct(m.precision).padStart(10)}${pct(m.recall).padStart(9)}${pct(m.f1).padStart(9)}${m.flipsPerHour.toFixed(2).padStart(9)}`,
      );
    }
  }
  console.log(
    '\nraw = score >= 0.7 per update; detector = FlowDetector hysteresis (enter 0.7 for 60 s, exit < 0.5 for 90 s).',
  );
}

await main();
