import { generateDataset, type SyntheticSubject } from './synthetic-sessions';

/** Fixed seeds and sizes of the synthetic data sets (different people in each). */
export const DATASETS = {
  train: { seed: 20_240_101, people: 40, sessionsEach: 3 },
  heldOut: { seed: 7_770_777, people: 20, sessionsEach: 3 },
} as const;

/** The training set. */
export function trainingSet(): SyntheticSubject[] {
  const d = DATASETS.train;
  return generateDataset(d.seed, d.people, d.sessionsEach);
}

/** The held-out evaluation set (people never seen in training). */
export function heldOutSet(): SyntheticSubject[] {
  const d = DATASETS.heldOut;
  return generateDataset(d.seed, d.people, d.sessionsEach);
}
