import type { FlowFeatures } from './features';
import type { FlowModel } from './flow-model';
import { clamp } from './personal-baseline';

/** The seed's weights for rhythm, focus, error score and focus duration. */
export const HEURISTIC_WEIGHTS = {
  rhythm: 0.4,
  focus: 0.3,
  errorScore: 0.2,
  focusDuration: 0.1,
} as const;

/** The seed's decision threshold: `combined_score > 0.7` means flow. */
export const SEED_FLOW_THRESHOLD = 0.7;

/**
 * The seed's `ml_predict` placeholder, faithfully: a weighted sum of rhythm, focus, error score
 * and focus duration, clamped to [0,1]. Its gaps are fixed upstream in the features (a defined
 * error score, focus duration normalised to [0,1]).
 *
 * @example
 * ```ts
 * heuristicFlowModel.score(features) > SEED_FLOW_THRESHOLD
 * ```
 */
export const heuristicFlowModel: FlowModel = {
  name: 'heuristic',
  score(f: FlowFeatures): number {
    const w = HEURISTIC_WEIGHTS;
    return clamp(
      f.rhythm * w.rhythm +
        f.focus * w.focus +
        f.errorScore * w.errorScore +
        f.focusDuration * w.focusDuration,
      0,
      1,
    );
  },
};
