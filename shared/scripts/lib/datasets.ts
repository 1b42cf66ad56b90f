import { GENERATOR_FAMILIES } from './generator-families';
import { generateFamilySubjects, type Subject } from './family-sessions';

/**
 * Fixed seeds and sizes of the synthetic data sets: per family, a training split and a held-out
 * split of different people (different seeds). Leave-one-family-out trains on the training
 * splits of the other families and evaluates on the held-out split of the family left out.
 */
export const DATASETS = {
  train: { seed: 20_240_101, peoplePerFamily: 24, sessionsEach: 2 },
  heldOut: { seed: 7_770_777, peoplePerFamily: 16, sessionsEach: 2 },
  /** Tuning split (hysteresis thresholds and dwell times), people in neither of the others. */
  tuning: { seed: 31_415_926, peoplePerFamily: 8, sessionsEach: 2 },
} as const;

function split(which: keyof typeof DATASETS): Map<string, Subject[]> {
  const d = DATASETS[which];
  const out = new Map<string, Subject[]>();
  GENERATOR_FAMILIES.forEach((family, i) => {
    out.set(
      family.name,
      generateFamilySubjects(family, d.seed + i * 1_009, d.peoplePerFamily, d.sessionsEach),
    );
  });
  return out;
}

/** Training subjects per family. */
export const trainingSets = (): Map<string, Subject[]> => split('train');
/** Held-out subjects per family (people never seen in training). */
export const heldOutSets = (): Map<string, Subject[]> => split('heldOut');
/** Tuning subjects per family. */
export const tuningSets = (): Map<string, Subject[]> => split('tuning');
