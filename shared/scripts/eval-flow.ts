/**
 * Prints one table: for the seed heuristic, the previous learned model and the new default, on
 * each generator family's held-out people, precision, recall, F1 and detector state changes per
 * hour — all through the FlowDetector (default hysteresis), for new users (fresh) and with a
 * history baseline. The new default is scored leave-one-family-out: on each family, the model
 * fitted without that family (weights committed in shared/model/flow-model.json by train:flow).
 * The shipped ONNX graph is checked against its TypeScript reference on the same updates.
 *
 * Run: `npm run eval:flow`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defaultFlowModel } from '../src/flow/default-model';
import { DEFAULT_DETECTOR_CONFIG } from '../src/flow/detector-config';
import type { FlowModel } from '../src/flow/flow-model';
import { heuristicFlowModel } from '../src/flow/heuristic-model';
import { learnedFlowModel } from '../src/flow/learned-model';
import { createLogisticFlowModel } from '../src/flow/logistic-model';
import { createOnnxFlowModel } from '../src/flow/onnx-model';
import { heldOutSets } from './lib/datasets';
import { evaluateDetector, extractRows, type Metrics } from './lib/evaluate';
import { GENERATOR_FAMILIES } from './lib/generator-families';
import { MODEL_FEATURES } from './lib/model-training';

interface ModelReport {
  leave_one_family_out_models: Record<string, { weights: number[]; bias: number }>;
}

async function main(): Promise<void> {
  const modelDir = new URL('../model/', import.meta.url);
  const report = JSON.parse(
    readFileSync(fileURLToPath(new URL('flow-model.json', modelDir)), 'utf8'),
  ) as ModelReport;
  const heldOut = heldOutSets();

  const require = createRequire(import.meta.url);
  const onnx = await createOnnxFlowModel({
    wasmBinary: readFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')),
    modelBytes: readFileSync(fileURLToPath(new URL('flow-model.onnx', modelDir))),
  });
  let maxDiff = 0;
  let checked = 0;
  for (const subjects of heldOut.values()) {
    const rows = extractRows(subjects, false);
    const scores = await onnx.scoreBatch(rows.map((r) => r.features));
    rows.forEach((r, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(scores[i] - defaultFlowModel.score(r.features)));
    });
    checked += rows.length;
  }
  await onnx.release();

  const models: Array<[string, (family: string) => FlowModel]> = [
    ['seed heuristic', () => heuristicFlowModel],
    ['previous learned', () => learnedFlowModel],
    [
      'new default (LOFO)',
      (family) => {
        const p = report.leave_one_family_out_models[family];
        return createLogisticFlowModel({ ...p, featureOrder: MODEL_FEATURES }, 'lofo');
      },
    ],
  ];
  const c = DEFAULT_DETECTOR_CONFIG;
  console.log(
    `Held-out synthetic people per family: ${heldOut.values().next().value!.length}; ` +
      `detector: enter >= ${c.enterThreshold} for ${c.enterDwellMs / 1000} s, ` +
      `leave < ${c.exitThreshold} for ${c.exitDwellMs / 1000} s. ` +
      `ONNX vs TypeScript (default model, ${checked} updates): max |diff| ${maxDiff.toExponential(2)}`,
  );
  const pct = (x: number) => x.toFixed(2).padStart(6);
  const cells = (m: Metrics) =>
    `${pct(m.precision)}${pct(m.recall)}${pct(m.f1)}${m.flipsPerHour.toFixed(1).padStart(8)}`;
  const head = `${'  P'.padStart(6)}${'R'.padStart(6)}${'F1'.padStart(6)}${'flips/h'.padStart(8)}`;
  console.log(`${''.padEnd(20)}${''.padEnd(20)}${'fresh (no history)'.padEnd(26)}  with history`);
  console.log(
    `${'model'.padEnd(20)}${'held-out family'.padEnd(20)}${head}  ${head}  truth flips/h`,
  );
  for (const [name, modelFor] of models) {
    for (const family of GENERATOR_FAMILIES.map((f) => f.name)) {
      const subjects = heldOut.get(family)!;
      const model = modelFor(family);
      const fresh = evaluateDetector(model, subjects, false);
      const known = evaluateDetector(model, subjects, true);
      console.log(
        `${name.padEnd(20)}${family.padEnd(20)}${cells(fresh)}  ${cells(known)}  ${fresh.labelFlipsPerHour.toFixed(1).padStart(13)}`,
      );
    }
  }
}

await main();
