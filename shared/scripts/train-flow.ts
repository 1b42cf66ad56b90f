/**
 * Trains the learned flow model on synthetic labelled data and writes, reproducibly:
 * - shared/model/flow-model.onnx (the ONNX graph, built with onnx-proto),
 * - shared/model/flow-model.json (weights, operating point, training and held-out metrics),
 * - shared/src/flow/generated/flow-model-data.ts (weights + the .onnx bytes as base64).
 *
 * Run: `npx tsx shared/scripts/train-flow.ts` (npm run train:flow). Deterministic: fixed seeds,
 * seeded PRNG, Newton's method from zero, the JSON formatted as prettier would. Same inputs →
 * byte-identical outputs, so a re-run leaves the committed files unchanged.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { FEATURE_ORDER } from '../src/flow/features';
import { heuristicFlowModel } from '../src/flow/heuristic-model';
import { createLogisticFlowModel, type LogisticParams } from '../src/flow/logistic-model';
import { buildLogisticOnnx } from './lib/build-onnx';
import { DATASETS, heldOutSet, trainingSet } from './lib/datasets';
import {
  designMatrix,
  evaluateScores,
  extractRows,
  labelFlipsPerHour,
  type FeatureRow,
} from './lib/evaluate';
import { fitNonNegativeLogistic } from './lib/logistic-fit';
import { GENERATOR_PARAMS } from './lib/synthetic-sessions';

/** The detector's enter threshold: the trained score is aligned so that this is the F1-best cut. */
const OPERATING_THRESHOLD = 0.7;

const logit = (p: number) => Math.log(p / (1 - p));

function bestF1Threshold(probs: number[], rows: readonly FeatureRow[]): number {
  let best = { t: 0.5, f1: -1 };
  for (let t = 0.05; t < 0.951; t += 0.01) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    rows.forEach((r, i) => {
      const p = probs[i] >= t;
      if (p && r.label) tp++;
      else if (p) fp++;
      else if (r.label) fn++;
    });
    const f1 = (2 * tp) / Math.max(1, 2 * tp + fp + fn);
    if (f1 > best.f1) best = { t: Math.round(t * 100) / 100, f1 };
  }
  return best.t;
}

/**
 * `text` as prettier formats `path` with the repo's config, so that `prettier --check` passes
 * right after training and a re-run leaves the committed file byte-identical.
 */
async function formatted(text: string, path: string): Promise<string> {
  const config = await prettier.resolveConfig(path);
  return prettier.format(text, { ...config, filepath: path });
}

async function main(): Promise<void> {
  const train = trainingSet();
  const trainRows = extractRows(train);
  const x = designMatrix(trainRows);
  const y: number[] = trainRows.map((r) => (r.label ? 1 : 0));
  const fit = fitNonNegativeLogistic(x, y);
  const probs = x.map(
    (row) => 1 / (1 + Math.exp(-(fit.bias + row.reduce((s, v, j) => s + v * fit.weights[j], 0)))),
  );
  const cut = bestF1Threshold(probs, trainRows);
  // Shift the intercept so that score >= 0.7 exactly when the fitted probability >= cut.
  const params: LogisticParams = {
    weights: fit.weights.map((w) => Math.fround(w)),
    bias: Math.fround(fit.bias + logit(OPERATING_THRESHOLD) - logit(cut)),
  };
  const learned = createLogisticFlowModel(params, 'learned');

  const test = heldOutSet();
  const testRows = extractRows(test);
  const evalOn = (rows: FeatureRow[], subjects: typeof train) => ({
    heuristic: evaluateScores(
      'heuristic',
      rows,
      rows.map((r) => heuristicFlowModel.score(r.features)),
      subjects,
    ),
    learned: evaluateScores(
      'learned',
      rows,
      rows.map((r) => learned.score(r.features)),
      subjects,
    ),
  });
  const round = (o: unknown): unknown =>
    JSON.parse(
      JSON.stringify(o, (_k, v: unknown) =>
        typeof v === 'number' ? Math.round(v * 10_000) / 10_000 : v,
      ),
    );

  const onnxBytes = buildLogisticOnnx(
    params,
    `Flow score = sigmoid(features · W + B); features in order ${FEATURE_ORDER.join(', ')}`,
  );
  const modelDir = fileURLToPath(new URL('../model/', import.meta.url));
  writeFileSync(`${modelDir}flow-model.onnx`, onnxBytes);
  const report = {
    model: 'logistic regression, non-negative weights, intercept aligned to threshold 0.7',
    feature_order: FEATURE_ORDER,
    weights: params.weights,
    bias: params.bias,
    fitted_probability_cut: cut,
    training: {
      dataset: DATASETS.train,
      rows: trainRows.length,
      flow_share: y.reduce((a, b) => a + b, 0) / y.length,
      log_loss: fit.logLoss,
      newton_iterations: fit.iterations,
      metrics: evalOn(trainRows, train),
    },
    held_out: {
      dataset: DATASETS.heldOut,
      rows: testRows.length,
      label_flips_per_hour: labelFlipsPerHour(testRows),
      metrics: evalOn(testRows, test),
    },
    generator: GENERATOR_PARAMS,
  };
  const reportPath = `${modelDir}flow-model.json`;
  // Indented input matters: prettier keeps an object multi-line when its source has a line break
  // after `{`, so a compact input would reflow the committed file.
  writeFileSync(reportPath, await formatted(JSON.stringify(round(report), null, 2), reportPath));
  const b64 = Buffer.from(onnxBytes).toString('base64');
  const generated = fileURLToPath(
    new URL('../src/flow/generated/flow-model-data.ts', import.meta.url),
  );
  writeFileSync(
    generated,
    [
      '// Generated by shared/scripts/train-flow.ts — do not edit. Same data as shared/model/.',
      '',
      '/** Weights (float32) in FEATURE_ORDER and intercept of the learned flow model. */',
      `export const LEARNED_FLOW_PARAMS = ${JSON.stringify(params)} as const;`,
      '',
      '/** shared/model/flow-model.onnx, base64, so the package loads it with no file or network I/O. */',
      `export const FLOW_MODEL_ONNX_BASE64 = '${b64}';`,
      '',
    ].join('\n'),
  );
  console.log(
    JSON.stringify(
      round({ weights: params.weights, bias: params.bias, cut, held_out: report.held_out.metrics }),
      null,
      1,
    ),
  );
}

await main();
