import type { FlowFeatures } from '../../src/flow/features';
import type { LogisticParams } from '../../src/flow/logistic-model';
import { extractRows, type FeatureRow } from './evaluate';
import type { Subject } from './family-sessions';
import { fitLogistic } from './logistic-fit';

/** The features the default model is trained on, in input order. */
export const MODEL_FEATURES = [
  'burstShare',
  'burstTrend',
  'thinkShare',
  'gapShare',
  'pauseRate',
  'burstLength',
  'paceShift',
  'spread',
  'switchCalm',
  'switchNow',
  'switchSteady',
  'focusShare',
  'focusDepth',
  'errorCalm',
  'errorFix',
  'editRate',
  'typingEvidence',
] as const satisfies readonly (keyof FlowFeatures)[];

/** L2 penalty per row (keeps weights small and the score calibrated rather than saturated). */
export const L2_PENALTY = 1e-3;

/** Rows of every subject, fresh and with history (a model must serve both). */
export function trainingRows(subjects: readonly Subject[]): FeatureRow[] {
  return [...extractRows(subjects, false), ...extractRows(subjects, true)];
}

/**
 * Fits the default model on rows of several families, each family weighted equally (so a family
 * with longer sessions does not dominate). Deterministic.
 */
export function fitFlowModel(byFamily: ReadonlyMap<string, FeatureRow[]>): {
  params: LogisticParams;
  logLoss: number;
  iterations: number;
  rows: number;
} {
  const x: number[][] = [];
  const y: number[] = [];
  const w: number[] = [];
  for (const rows of byFamily.values()) {
    const weight = 1 / rows.length;
    for (const r of rows) {
      x.push(MODEL_FEATURES.map((k) => r.features[k]));
      y.push(r.label ? 1 : 0);
      w.push(weight * 10_000);
    }
  }
  const fit = fitLogistic(x, y, L2_PENALTY, w);
  return {
    params: {
      featureOrder: [...MODEL_FEATURES],
      weights: fit.weights.map((v) => Math.fround(v)),
      bias: Math.fround(fit.bias),
    },
    logLoss: fit.logLoss,
    iterations: fit.iterations,
    rows: x.length,
  };
}
