import type { FlowInput } from '../../src/schemas/flow-input';
import { Prng } from './prng';

/**
 * A documented generative model of typing and work, used to produce labelled training and
 * evaluation data. It is SYNTHETIC: its parameters come from published aggregate figures where
 * they exist and are assumptions otherwise (see shared/model/README.md for every source).
 */
export const GENERATOR_PARAMS = {
  /** Seconds between activity updates (the extension reports every 30 s). */
  updateMs: 30_000,
  /** Person mean inter-key interval, ms: Dhakal et al. 2018 report mean IKI 238.7 ms. */
  personMeanIkiMs: 240,
  /** Spread of person means (log-normal CoV); Dhakal et al.'s between-person SD ~110 ms. */
  personMeanIkiCov: 0.45,
  /** Range of a person's steady-typing CoV (assumption). */
  steadyCovRange: [0.25, 0.5] as const,
  /** Per-state emission parameters per 30-s update. */
  states: {
    flow: {
      ikiScale: 0.95,
      extraCov: 0,
      pauseP: 0.02,
      pauseMs: 1_500,
      switches: 0.3,
      errors: 0.5,
      files: 2,
    },
    engaged: {
      ikiScale: 1.0,
      extraCov: 0.15,
      pauseP: 0.06,
      pauseMs: 3_000,
      switches: 1.2,
      errors: 1,
      files: 1.5,
    },
    distracted: {
      ikiScale: 1.2,
      extraCov: 0.35,
      pauseP: 0.15,
      pauseMs: 6_000,
      switches: 5,
      errors: 1.8,
      files: 0.5,
    },
    thinking: {
      ikiScale: 1.1,
      extraCov: 0.3,
      pauseP: 0.5,
      pauseMs: 10_000,
      switches: 1,
      errors: 0.3,
      files: 0.2,
    },
  },
  /**
   * Per-update transition probabilities. Interruptions arrive about every 11 min (González &
   * Mark 2004: ~10.5 min per working sphere; 30 s / 11 min ≈ 0.045); getting into flow takes
   * ~10–15 min of engaged work (DeMarco & Lister 1987), modelled as 0.05/update after 10 min.
   */
  transitions: {
    interruption: 0.045,
    flowEndsNaturally: 0.01,
    enterFlowAfterEngagedMs: 10 * 60_000,
    enterFlow: 0.05,
    engagedToThinking: 0.05,
    distractedRecovers: 0.25,
    thinkingResumes: 0.4,
    idleBreak: 0.006,
  },
  /** Idle break length range, ms (a coffee break; longer than the 5-min idle gap). */
  idleBreakMs: [8 * 60_000, 25 * 60_000] as const,
  /** Session length range, ms. */
  sessionMs: [60 * 60_000, 180 * 60_000] as const,
} as const;

/** Hidden work state. */
export type WorkState = keyof typeof GENERATOR_PARAMS.states;

/** A synthetic person. */
export interface SyntheticPerson {
  readonly id: number;
  readonly meanIkiMs: number;
  readonly steadyCov: number;
  /** Multiplier of the error rate (some people make more errors). */
  readonly errorProneness: number;
}

/** One labelled update. */
export interface LabelledUpdate {
  readonly input: FlowInput;
  readonly state: WorkState;
  /** Ground truth: the person is in flow during this update. */
  readonly inFlow: boolean;
}

/** A generated session. */
export interface SyntheticSession {
  readonly person: SyntheticPerson;
  readonly updates: readonly LabelledUpdate[];
}

/** Draws a person. */
export function samplePerson(rng: Prng, id: number): SyntheticPerson {
  const P = GENERATOR_PARAMS;
  return {
    id,
    meanIkiMs: Math.min(650, Math.max(110, rng.logNormal(P.personMeanIkiMs, P.personMeanIkiCov))),
    steadyCov: rng.uniform(...P.steadyCovRange),
    errorProneness: rng.uniform(0.5, 2),
  };
}

function intervals(rng: Prng, person: SyntheticPerson, state: WorkState): number[] {
  const e = GENERATOR_PARAMS.states[state];
  const out: number[] = [];
  let total = 0;
  const mean = person.meanIkiMs * e.ikiScale;
  const cov = person.steadyCov + e.extraCov;
  while (total < GENERATOR_PARAMS.updateMs) {
    const x = rng.chance(e.pauseP) ? rng.logNormal(e.pauseMs, 0.6) : rng.logNormal(mean, cov);
    const v = Math.round(Math.min(x, 600_000));
    out.push(v);
    total += v;
  }
  return out;
}

function nextState(rng: Prng, s: WorkState, engagedFor: number): WorkState {
  const T = GENERATOR_PARAMS.transitions;
  switch (s) {
    case 'flow':
      if (rng.chance(T.interruption)) return 'distracted';
      return rng.chance(T.flowEndsNaturally) ? 'engaged' : 'flow';
    case 'engaged':
      if (rng.chance(T.interruption)) return 'distracted';
      if (engagedFor >= T.enterFlowAfterEngagedMs && rng.chance(T.enterFlow)) return 'flow';
      return rng.chance(T.engagedToThinking) ? 'thinking' : 'engaged';
    case 'distracted':
      return rng.chance(T.distractedRecovers) ? 'engaged' : 'distracted';
    case 'thinking':
      return rng.chance(T.thinkingResumes) ? 'engaged' : 'thinking';
  }
}

/** Generates one session of a person starting at `startMs`. */
export function generateSession(
  rng: Prng,
  person: SyntheticPerson,
  startMs: number,
): SyntheticSession {
  const P = GENERATOR_PARAMS;
  const length = rng.uniform(...P.sessionMs);
  const updates: LabelledUpdate[] = [];
  let t = startMs;
  let state: WorkState = 'engaged';
  let engagedFor = 0;
  let focusMs = 0;
  while (t - startMs < length) {
    if (rng.chance(P.transitions.idleBreak)) {
      t += rng.uniform(...P.idleBreakMs);
      state = 'engaged';
      engagedFor = 0;
      focusMs = 0;
    }
    t += P.updateMs;
    const e = P.states[state];
    const switches = rng.poisson(e.switches);
    focusMs =
      switches >= 2 || (switches === 1 && rng.chance(0.3))
        ? rng.uniform(0, P.updateMs)
        : focusMs + P.updateMs;
    updates.push({
      input: {
        keystrokeIntervals: intervals(rng, person, state),
        contextSwitches: switches,
        errorEvents: rng.poisson(e.errors * person.errorProneness),
        windowFocusDuration: Math.round(focusMs),
        fileModifications: rng.poisson(e.files),
        timestamp: Math.round(t),
      },
      state,
      inFlow: state === 'flow',
    });
    engagedFor = state === 'engaged' || state === 'flow' ? engagedFor + P.updateMs : 0;
    state = nextState(rng, state, engagedFor);
  }
  return { person, updates };
}

/** A person with calibration history (unlabelled use) and labelled sessions. */
export interface SyntheticSubject {
  readonly person: SyntheticPerson;
  /** Earlier sessions, used only to compute the person's baseline. */
  readonly history: readonly SyntheticSession[];
  /** Labelled sessions to train or evaluate on. */
  readonly sessions: readonly SyntheticSession[];
}

/** Generates `people` subjects with 2 history sessions and `sessionsEach` labelled sessions. */
export function generateDataset(
  seed: number,
  people: number,
  sessionsEach: number,
): SyntheticSubject[] {
  const rng = new Prng(seed);
  const day = 86_400_000;
  const base = Date.UTC(2024, 0, 1, 9);
  const subjects: SyntheticSubject[] = [];
  for (let i = 0; i < people; i++) {
    const person = samplePerson(rng, i);
    const sessions: SyntheticSession[] = [];
    for (let k = 0; k < 2 + sessionsEach; k++)
      sessions.push(generateSession(rng, person, base + k * day));
    subjects.push({ person, history: sessions.slice(0, 2), sessions: sessions.slice(2) });
  }
  return subjects;
}
