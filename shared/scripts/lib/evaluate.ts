import { computeBaseline } from '../../src/flow/compute-baseline';
import type { FlowDetectorConfig } from '../../src/flow/detector-config';
import { featureVector, type FlowFeatures } from '../../src/flow/features';
import { FlowDetector } from '../../src/flow/flow-detector';
import type { PersonalBaseline } from '../../src/flow/personal-baseline';
import type { SyntheticSubject } from './synthetic-sessions';

/** Features of every labelled update of a subject set, with the person's baseline applied. */
export interface FeatureRow {
  readonly subject: number;
  readonly session: number;
  readonly timestamp: number;
  readonly features: FlowFeatures;
  readonly label: boolean;
}

/** The baseline each subject gets (from their history sessions), or none. */
export function subjectBaseline(s: SyntheticSubject, calibrated: boolean): PersonalBaseline | null {
  if (!calibrated) return null;
  return computeBaseline(s.history.flatMap((h) => h.updates.map((u) => u.input)));
}

/** Extracts features for every update. Features do not depend on the model. */
export function extractRows(
  subjects: readonly SyntheticSubject[],
  calibrated = true,
): FeatureRow[] {
  const rows: FeatureRow[] = [];
  subjects.forEach((s, si) => {
    const baseline = subjectBaseline(s, calibrated);
    s.sessions.forEach((session, ki) => {
      const d = new FlowDetector({ baseline });
      for (const u of session.updates) {
        const features = d.featuresFor(u.input);
        d.updateWithScore(u.input, 0);
        rows.push({
          subject: si,
          session: ki,
          timestamp: u.input.timestamp,
          features,
          label: u.inFlow,
        });
      }
    });
  });
  return rows;
}

/** Precision, recall, F1 and flap rate of one way of predicting. */
export interface Metrics {
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  /** State changes per hour of session time. */
  flipsPerHour: number;
}

function metrics(pred: readonly boolean[], rows: readonly FeatureRow[]): Metrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let flips = 0;
  let hours = 0;
  for (let i = 0; i < rows.length; i++) {
    const l = rows[i].label;
    if (pred[i] && l) tp++;
    else if (pred[i]) fp++;
    else if (l) fn++;
    else tn++;
    const sameSession =
      i > 0 && rows[i - 1].session === rows[i].session && rows[i - 1].subject === rows[i].subject;
    if (sameSession) {
      if (pred[i] !== pred[i - 1]) flips++;
      hours += (rows[i].timestamp - rows[i - 1].timestamp) / 3_600_000;
    }
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    accuracy: (tp + tn) / Math.max(1, rows.length),
    flipsPerHour: hours > 0 ? flips / hours : 0,
  };
}

/** Metrics of the raw per-update threshold and of the detector with hysteresis. */
export interface ModelEvaluation {
  model: string;
  raw: Metrics;
  detector: Metrics;
}

/**
 * Evaluates scores (one per row) both as a raw threshold (`score >= enterThreshold`) and through
 * a FlowDetector with hysteresis and dwell times, per session.
 */
export function evaluateScores(
  model: string,
  rows: readonly FeatureRow[],
  scores: ArrayLike<number>,
  subjects: readonly SyntheticSubject[],
  config: Partial<FlowDetectorConfig> = {},
): ModelEvaluation {
  const threshold = config.enterThreshold ?? 0.7;
  const raw = rows.map((_, i) => scores[i] >= threshold);
  const state: boolean[] = [];
  let i = 0;
  for (const s of subjects) {
    for (const session of s.sessions) {
      const d = new FlowDetector({ config });
      for (const u of session.updates) {
        state.push(d.updateWithScore(u.input, Math.min(1, Math.max(0, scores[i]))).isInFlow);
        i++;
      }
    }
  }
  return { model, raw: metrics(raw, rows), detector: metrics(state, rows) };
}

/** The label flip rate of the ground truth itself (for comparison with flap rates). */
export function labelFlipsPerHour(rows: readonly FeatureRow[]): number {
  return metrics(
    rows.map((r) => r.label),
    rows,
  ).flipsPerHour;
}

/** Feature matrix of the rows. */
export function designMatrix(rows: readonly FeatureRow[]): number[][] {
  return rows.map((r) => featureVector(r.features));
}
