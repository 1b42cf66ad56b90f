import { computeBaseline } from '../../src/flow/compute-baseline';
import { DEFAULT_DETECTOR_CONFIG, type FlowDetectorConfig } from '../../src/flow/detector-config';
import { enoughEvidenceToEnter, type EntryEvidence } from '../../src/flow/entry-evidence';
import type { FlowFeatures } from '../../src/flow/features';
import { FlowDetector } from '../../src/flow/flow-detector';
import type { FlowModel } from '../../src/flow/flow-model';
import type { PersonalBaseline } from '../../src/flow/personal-baseline';
import type { Subject } from './family-sessions';

/** Features of one labelled update. */
export interface FeatureRow {
  readonly features: FlowFeatures;
  readonly label: boolean;
  /** What flow could begin on at this update (it does not depend on the model either). */
  readonly evidence: EntryEvidence;
}

/** The baseline a subject gets from their history sessions, or none (a new user). */
export function subjectBaseline(s: Subject, withHistory: boolean): PersonalBaseline | null {
  if (!withHistory) return null;
  return computeBaseline(s.history.flatMap((h) => h.updates.map((u) => u.input)));
}

/** Features of every update, as the detector computes them (they do not depend on the model). */
export function extractRows(subjects: readonly Subject[], withHistory: boolean): FeatureRow[] {
  const rows: FeatureRow[] = [];
  for (const s of subjects) {
    const baseline = subjectBaseline(s, withHistory);
    for (const session of s.sessions) {
      const d = new FlowDetector({ baseline });
      for (const u of session.updates) {
        rows.push({
          features: d.featuresFor(u.input),
          label: u.inFlow,
          evidence: d.entryEvidenceFor(u.input),
        });
        d.updateWithScore(u.input, 0);
      }
    }
  }
  return rows;
}

/** Precision, recall, F1 and state changes per hour of one way of predicting. */
export interface Metrics {
  precision: number;
  recall: number;
  f1: number;
  /** Detector state changes per hour of session time. */
  flipsPerHour: number;
  /** Ground-truth state changes per hour of the same sessions. */
  labelFlipsPerHour: number;
  /** Detector state changes inside blocks (no label change at that update) per hour. */
  spuriousFlipsPerHour: number;
  /** Share of flow blocks (≥ 4 min) the detector entered within 2 min of their start. */
  enteredWithin2Min: number;
  /** Share of flow→non-flow transitions (while in flow) left within 2 min. */
  leftWithin2Min: number;
  /** Share of flow→non-flow transitions (while in flow, block ≥ 5 min) left within 5 min. */
  leftWithin5Min: number;
}

/** Whether the prediction is out of flow at some update of [from, to] within `ms` of `from`. */
function leftWithin(
  times: readonly number[],
  pred: readonly boolean[],
  from: number,
  to: number,
  ms: number,
): boolean {
  for (let k = from; k <= to && times[k] - times[from] <= ms; k++) if (!pred[k]) return true;
  return false;
}

/** Counts accumulated over sessions. */
class Tally {
  tp = 0;
  fp = 0;
  fn = 0;
  flips = 0;
  labelFlips = 0;
  spurious = 0;
  hours = 0;
  blocks = 0;
  entered = 0;
  exits = 0;
  left = 0;
  longExits = 0;
  leftLong = 0;

  add(times: readonly number[], labels: readonly boolean[], pred: readonly boolean[]): void {
    for (let i = 0; i < labels.length; i++) {
      if (pred[i] && labels[i]) this.tp++;
      else if (pred[i]) this.fp++;
      else if (labels[i]) this.fn++;
      if (i > 0 && times[i] - times[i - 1] <= 5 * 60_000) {
        this.hours += (times[i] - times[i - 1]) / 3_600_000;
      }
      if (i > 0) {
        if (pred[i] !== pred[i - 1]) this.flips++;
        if (labels[i] !== labels[i - 1]) this.labelFlips++;
        // A flip with no label change within the last 2 min is spurious.
        if (pred[i] !== pred[i - 1]) {
          let j = i;
          while (j > 0 && times[i] - times[j - 1] <= 120_000 && labels[j] === labels[j - 1]) j--;
          if (j > 0 && times[i] - times[j - 1] > 120_000) this.spurious++;
          if (j === 0) this.spurious++;
        }
      }
    }
    // Latency: per label change.
    for (let i = 0; i < labels.length; i++) {
      const start = i === 0 || labels[i] !== labels[i - 1];
      if (!start) continue;
      let end = i;
      while (end + 1 < labels.length && labels[end + 1] === labels[i]) end++;
      const blockMs = times[end] - times[i];
      if (labels[i] && blockMs >= 4 * 60_000) {
        this.blocks++;
        for (let k = i; k <= end && times[k] - times[i] <= 120_000; k++) {
          if (pred[k]) {
            this.entered++;
            break;
          }
        }
      }
      if (!labels[i] && i > 0 && pred[i - 1] && blockMs >= 2 * 60_000) {
        this.exits++;
        if (leftWithin(times, pred, i, end, 120_000)) this.left++;
      }
      if (!labels[i] && i > 0 && pred[i - 1] && blockMs >= 5 * 60_000) {
        this.longExits++;
        if (leftWithin(times, pred, i, end, 5 * 60_000)) this.leftLong++;
      }
    }
  }

  metrics(): Metrics {
    const precision = this.tp + this.fp > 0 ? this.tp / (this.tp + this.fp) : 0;
    const recall = this.tp + this.fn > 0 ? this.tp / (this.tp + this.fn) : 0;
    const h = Math.max(1e-9, this.hours);
    return {
      precision,
      recall,
      f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
      flipsPerHour: this.flips / h,
      labelFlipsPerHour: this.labelFlips / h,
      spuriousFlipsPerHour: this.spurious / h,
      enteredWithin2Min: this.blocks > 0 ? this.entered / this.blocks : 1,
      leftWithin2Min: this.exits > 0 ? this.left / this.exits : 1,
      leftWithin5Min: this.longExits > 0 ? this.leftLong / this.longExits : 1,
    };
  }
}

/**
 * Runs `model` through a fresh FlowDetector per session (with the subject's history baseline when
 * `withHistory`) and scores the detector's state against the labels.
 */
export function evaluateDetector(
  model: FlowModel,
  subjects: readonly Subject[],
  withHistory: boolean,
  config: Partial<FlowDetectorConfig> = {},
): Metrics {
  const tally = new Tally();
  for (const s of subjects) {
    const baseline = subjectBaseline(s, withHistory);
    for (const session of s.sessions) {
      const d = new FlowDetector({ model, baseline, config });
      const pred = session.updates.map((u) => d.update(u.input).isInFlow);
      tally.add(
        session.updates.map((u) => u.input.timestamp),
        session.updates.map((u) => u.inFlow),
        pred,
      );
    }
  }
  return tally.metrics();
}

/**
 * The detector's hysteresis (enter at >= enterThreshold held enterDwellMs, and only on an update
 * with enough evidence; leave below exitThreshold held exitDwellMs; everything reset after an
 * idle gap) replayed on precomputed scores, for searching settings quickly. The same rules as
 * `FlowDetector`'s `step`; the reported metrics always come from the real detector
 * ({@link evaluateDetector}).
 */
function replayHysteresis(
  times: readonly number[],
  scores: ArrayLike<number>,
  evidence: readonly EntryEvidence[],
  offset: number,
  c: Partial<FlowDetectorConfig> &
    Pick<FlowDetectorConfig, 'enterThreshold' | 'exitThreshold' | 'enterDwellMs' | 'exitDwellMs'>,
): boolean[] {
  const idleGapMs = c.idleGapMs ?? DEFAULT_DETECTOR_CONFIG.idleGapMs;
  const minEvidenceMs = c.minEvidenceMs ?? DEFAULT_DETECTOR_CONFIG.minEvidenceMs;
  const out: boolean[] = [];
  let inFlow = false;
  let enterSince: number | null = null;
  let exitSince: number | null = null;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    const score = scores[offset + i];
    if (i > 0 && t - times[i - 1] > idleGapMs) {
      inFlow = false;
      enterSince = null;
      exitSince = null;
    }
    if (!inFlow) {
      if (score < c.enterThreshold) enterSince = null;
      else {
        enterSince ??= t;
        const mayEnter = enoughEvidenceToEnter(evidence[offset + i], minEvidenceMs);
        if (mayEnter && t - enterSince >= c.enterDwellMs) {
          inFlow = true;
          enterSince = null;
        }
      }
    } else if (score >= c.exitThreshold) exitSince = null;
    else {
      exitSince ??= t;
      if (t - exitSince >= c.exitDwellMs) {
        inFlow = false;
        exitSince = null;
      }
    }
    out.push(inFlow);
  }
  return out;
}

/**
 * Like {@link evaluateDetector} on precomputed per-update scores and entry evidence (in
 * subject/session/update order, as {@link extractRows} gives them), with the hysteresis
 * replayed, so settings can be searched without rescoring.
 */
export function evaluateScoresThroughDetector(
  scores: ArrayLike<number>,
  evidence: readonly EntryEvidence[],
  subjects: readonly Subject[],
  config: Pick<
    FlowDetectorConfig,
    'enterThreshold' | 'exitThreshold' | 'enterDwellMs' | 'exitDwellMs'
  >,
): Metrics {
  const tally = new Tally();
  let offset = 0;
  for (const s of subjects) {
    for (const session of s.sessions) {
      const times = session.updates.map((u) => u.input.timestamp);
      tally.add(
        times,
        session.updates.map((u) => u.inFlow),
        replayHysteresis(times, scores, evidence, offset, config),
      );
      offset += times.length;
    }
  }
  return tally.metrics();
}
