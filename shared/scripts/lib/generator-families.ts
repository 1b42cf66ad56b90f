import type { Prng } from './prng';
import { typeDuring, typeInBursts, type TypingProcess } from './typing-processes';

/**
 * Domain-randomised generator families of labelled coding sessions. Every family draws people
 * (pace 110–650 ms/key, log-uniform; spread; error proneness) and sessions made of blocks of
 * flow, distraction and struggle (and, in one family, low-typing deep work, labelled flow), but
 * each family has its own interval distribution, pause process, distraction style, struggle style,
 * update cadence and even window-focus semantics. A model is evaluated on a family it was not
 * trained on (leave-one-family-out), so its score measures what carries over to an unseen
 * generator, not what it memorised. SYNTHETIC: see shared/model/README.md.
 */

/** Hidden state of a block. `deep` is low-typing focused work (reading, debugging), labelled flow. */
export type BlockKind = 'flow' | 'deep' | 'distraction' | 'struggle';

/** A synthetic person. */
export interface FamilyPerson {
  /** Median in-burst inter-key interval, ms. */
  readonly paceMs: number;
  /** Log-normal σ of in-burst intervals. */
  readonly sigma: number;
  /** Multiplier of error rates. */
  readonly errorProneness: number;
  /** Probability of a thinking pause per interval while in flow. */
  readonly thinkP: number;
}

/** What one update of a block emits (the driver adds timestamps and window focus). */
export interface Emission {
  readonly intervals: number[];
  readonly switches: number;
  readonly errors: number;
  readonly files: number;
}

/** Mutable per-session context a family may use (e.g. errors waiting to be fixed). */
export interface SessionContext {
  pendingErrors: number;
}

/** A generator family. */
export interface GeneratorFamily {
  readonly name: string;
  readonly description: string;
  /** How window_focus_duration is reported: time since the last switch, or focused ms in the update. */
  readonly focus: 'continuous' | 'per-update';
  /** Update spacing, ms, drawn per update. */
  cadence(rng: Prng, sessionCadenceMs: number): number;
  /** Session cadence (typical spacing), ms. */
  sessionCadence(rng: Prng): number;
  /** Block kinds and length ranges (minutes) this family uses, and their weights. */
  readonly blocks: readonly {
    kind: BlockKind;
    minutes: readonly [number, number];
    weight: number;
  }[];
  emit(
    rng: Prng,
    person: FamilyPerson,
    kind: BlockKind,
    dtMs: number,
    ctx: SessionContext,
  ): Emission;
}

const lognormalBody = (person: FamilyPerson, slow: number, extraSigma = 0) => ({
  medianMs: person.paceMs * slow,
  sigma: person.sigma + extraSigma,
  body: 'lognormal' as const,
});

/** Poisson count with mean `perUpdate30s` scaled to the update's length. */
function count(rng: Prng, perUpdate30s: number, dtMs: number): number {
  return rng.poisson(Math.max(0, perUpdate30s) * (dtMs / 30_000));
}

/** Family 1: log-normal typing with 1–3 s thinking pauses; distraction by switching away. */
const lognormalThinking: GeneratorFamily = {
  name: 'lognormal-thinking',
  description:
    'log-normal intervals, uniform 1–3 s thinking pauses; distraction = window switches and time away; struggle = slower, more pauses, errors',
  focus: 'continuous',
  sessionCadence: (rng) => rng.uniform(25_000, 35_000),
  cadence: (_rng, c) => c,
  blocks: [
    { kind: 'flow', minutes: [8, 25], weight: 0.5 },
    { kind: 'distraction', minutes: [2, 8], weight: 0.25 },
    { kind: 'struggle', minutes: [3, 10], weight: 0.25 },
  ],
  emit(rng, person, kind, dt) {
    if (kind === 'flow' || kind === 'deep') {
      const p: TypingProcess = {
        ...lognormalBody(person, rng.uniform(0.92, 1.05)),
        pauseP: person.thinkP,
        pauseMs: [1_000, 3_000],
        pauses: 'uniform',
      };
      return {
        intervals: typeDuring(rng, p, dt),
        switches: count(rng, 0.1, dt),
        errors: count(rng, 0.3 * person.errorProneness, dt),
        files: count(rng, 1.5, dt),
      };
    }
    if (kind === 'distraction') {
      const p: TypingProcess = {
        ...lognormalBody(person, rng.uniform(1, 1.3), 0.1),
        pauseP: 0.12,
        pauseMs: [1_000, 6_000],
        pauses: 'uniform',
      };
      return {
        intervals: typeDuring(rng, p, dt * rng.uniform(0, 0.45)),
        switches: 1 + count(rng, rng.uniform(1.5, 6), dt),
        errors: count(rng, 0.3 * person.errorProneness, dt),
        files: count(rng, 0.3, dt),
      };
    }
    const p: TypingProcess = {
      ...lognormalBody(person, rng.uniform(1.15, 1.7), 0.15),
      pauseP: rng.uniform(0.15, 0.35),
      pauseMs: [1_500, 8_000],
      pauses: 'uniform',
    };
    return {
      intervals: typeDuring(rng, p, dt * rng.uniform(0.5, 1)),
      switches: count(rng, rng.uniform(0.3, 1.5), dt),
      errors: count(rng, rng.uniform(1, 4) * person.errorProneness, dt),
      files: count(rng, 0.8, dt),
    };
  },
};

/** Family 2: ex-Gaussian bursts; distraction by long gaps (phone, chat) inside updates. */
const burstGaps: GeneratorFamily = {
  name: 'burst-gaps',
  description:
    'ex-Gaussian intervals in geometric bursts separated by log-uniform pauses; distraction = long gaps of 20–90 s with occasional switches; struggle = short bursts, errors',
  focus: 'continuous',
  sessionCadence: (rng) => rng.uniform(20_000, 60_000),
  cadence: (rng, c) => c * rng.uniform(0.9, 1.1),
  blocks: [
    { kind: 'flow', minutes: [6, 20], weight: 0.45 },
    { kind: 'distraction', minutes: [2, 6], weight: 0.3 },
    { kind: 'struggle', minutes: [3, 8], weight: 0.25 },
  ],
  emit(rng, person, kind, dt) {
    const exg = (slow: number, pauseMs: [number, number]): TypingProcess => ({
      medianMs: person.paceMs * slow,
      sigma: person.sigma,
      body: 'exgauss',
      pauseP: 0,
      pauseMs,
      pauses: 'uniform',
    });
    if (kind === 'flow' || kind === 'deep') {
      return {
        intervals: typeInBursts(
          rng,
          exg(rng.uniform(0.9, 1.05), [800, 3_000]),
          rng.uniform(8, 30),
          dt,
        ),
        switches: count(rng, 0.15, dt),
        errors: count(rng, 0.4 * person.errorProneness, dt),
        files: count(rng, 1.2, dt),
      };
    }
    if (kind === 'distraction') {
      const gap = rng.uniform(20_000, 90_000);
      const typed = Math.max(0, dt - gap);
      const intervals = typeInBursts(
        rng,
        exg(rng.uniform(1, 1.3), [1_500, 8_000]),
        rng.uniform(3, 10),
        typed,
      );
      // The gap itself is one long interval when typing resumes inside the update.
      if (typed > 0 && rng.chance(0.5)) intervals.push(Math.round(Math.min(gap, dt)));
      return {
        intervals,
        switches: count(rng, rng.uniform(0.5, 3), dt) + (rng.chance(0.5) ? 1 : 0),
        errors: count(rng, 0.2 * person.errorProneness, dt),
        files: count(rng, 0.2, dt),
      };
    }
    return {
      intervals: typeInBursts(
        rng,
        exg(rng.uniform(1.1, 1.5), [2_000, 9_000]),
        rng.uniform(2, 6),
        dt,
      ),
      switches: count(rng, rng.uniform(0.2, 1.5), dt),
      errors: count(rng, rng.uniform(1.5, 5) * person.errorProneness, dt),
      files: count(rng, 0.6, dt),
    };
  },
};

/** Family 3: fast switching while still typing (chat, browser); struggle = docs lookups. */
const switcher: GeneratorFamily = {
  name: 'switcher',
  description:
    'log-normal intervals with log-normal pauses; distraction = typing on while switching windows every 10–40 s; struggle = docs lookups (switches) and errors',
  focus: 'continuous',
  sessionCadence: (rng) => rng.uniform(30_000, 60_000),
  cadence: (_rng, c) => c,
  blocks: [
    { kind: 'flow', minutes: [8, 30], weight: 0.5 },
    { kind: 'distraction', minutes: [2, 10], weight: 0.3 },
    { kind: 'struggle', minutes: [3, 10], weight: 0.2 },
  ],
  emit(rng, person, kind, dt) {
    const proc = (slow: number, pauseP: number, pauseHi: number): TypingProcess => ({
      ...lognormalBody(person, slow),
      pauseP,
      pauseMs: [900, pauseHi],
      pauses: 'uniform',
    });
    if (kind === 'flow' || kind === 'deep') {
      return {
        intervals: typeDuring(rng, proc(rng.uniform(0.9, 1.05), person.thinkP, 3_500), dt),
        switches: count(rng, 0.2, dt),
        errors: count(rng, 0.3 * person.errorProneness, dt),
        files: count(rng, 2, dt),
      };
    }
    if (kind === 'distraction') {
      const every = rng.uniform(10_000, 40_000);
      return {
        intervals: typeDuring(
          rng,
          proc(rng.uniform(0.85, 1.1), 0.08, 3_000),
          dt * rng.uniform(0.5, 1),
        ),
        switches: Math.max(1, rng.poisson(dt / every)),
        errors: count(rng, 0.3 * person.errorProneness, dt),
        files: count(rng, 0.4, dt),
      };
    }
    return {
      intervals: typeDuring(
        rng,
        proc(rng.uniform(1.1, 1.5), rng.uniform(0.12, 0.3), 7_000),
        dt * rng.uniform(0.4, 0.9),
      ),
      switches: count(rng, rng.uniform(1, 3), dt),
      errors: count(rng, rng.uniform(0.8, 3) * person.errorProneness, dt),
      files: count(rng, 0.8, dt),
    };
  },
};

/** Family 4: flow includes low-typing deep work (reading, debugging with error-then-fix). */
const deepWork: GeneratorFamily = {
  name: 'deep-work',
  description:
    'flow blocks mix typing with low-typing reading/debugging (few keys, long focus, errors fixed within a minute, no switches); distraction = switching away and idle time; struggle = errors left unfixed, slow hesitant typing',
  focus: 'continuous',
  sessionCadence: (rng) => rng.uniform(25_000, 45_000),
  cadence: (_rng, c) => c,
  blocks: [
    { kind: 'flow', minutes: [6, 20], weight: 0.3 },
    { kind: 'deep', minutes: [4, 15], weight: 0.25 },
    { kind: 'distraction', minutes: [2, 8], weight: 0.25 },
    { kind: 'struggle', minutes: [3, 10], weight: 0.2 },
  ],
  emit(rng, person, kind, dt, ctx) {
    if (kind === 'flow') {
      const p: TypingProcess = {
        ...lognormalBody(person, rng.uniform(0.92, 1.05)),
        pauseP: person.thinkP,
        pauseMs: [1_000, 3_000],
        pauses: 'uniform',
      };
      return {
        intervals: typeDuring(rng, p, dt),
        switches: count(rng, 0.1, dt),
        errors: count(rng, 0.3 * person.errorProneness, dt),
        files: count(rng, 1.5, dt),
      };
    }
    if (kind === 'deep') {
      const p: TypingProcess = {
        ...lognormalBody(person, 1.05),
        pauseP: 0.25,
        pauseMs: [2_000, 8_000],
        pauses: 'uniform',
      };
      const fixes = ctx.pendingErrors > 0 && rng.chance(0.7) ? ctx.pendingErrors : 0;
      ctx.pendingErrors -= fixes;
      const errors = count(rng, 0.6 * person.errorProneness, dt);
      ctx.pendingErrors += errors;
      return {
        intervals: rng.chance(0.3) ? [] : typeDuring(rng, p, dt * rng.uniform(0.02, 0.2)),
        switches: count(rng, 0.05, dt),
        errors,
        files: fixes > 0 ? fixes : count(rng, 0.3, dt),
      };
    }
    ctx.pendingErrors = 0;
    if (kind === 'distraction') {
      const p: TypingProcess = {
        ...lognormalBody(person, rng.uniform(1, 1.3), 0.1),
        pauseP: 0.1,
        pauseMs: [1_000, 5_000],
        pauses: 'uniform',
      };
      const away = rng.chance(0.4);
      return {
        intervals: away ? [] : typeDuring(rng, p, dt * rng.uniform(0.05, 0.4)),
        switches: away ? (rng.chance(0.5) ? 1 : 0) : 1 + count(rng, rng.uniform(1, 4), dt),
        errors: 0,
        files: away ? 0 : count(rng, 0.2, dt),
      };
    }
    const p: TypingProcess = {
      ...lognormalBody(person, rng.uniform(1.2, 1.7), 0.2),
      pauseP: rng.uniform(0.2, 0.4),
      pauseMs: [2_000, 9_000],
      pauses: 'uniform',
    };
    return {
      intervals: typeDuring(rng, p, dt * rng.uniform(0.4, 0.9)),
      switches: count(rng, rng.uniform(0.3, 1.5), dt),
      errors: count(rng, rng.uniform(1.5, 5) * person.errorProneness, dt),
      files: count(rng, 0.4, dt),
    };
  },
};

/** Family 5: heavy-tailed (Pareto) pauses, irregular cadence, per-update window focus. */
const heavyTail: GeneratorFamily = {
  name: 'heavy-tail',
  description:
    'log-normal body with Pareto-tailed pauses, irregular update cadence (15–90 s), window_focus_duration reported as focused ms within the update; distraction = switches with time away; struggle = slowdown with error bursts',
  focus: 'per-update',
  sessionCadence: (rng) => rng.uniform(20_000, 50_000),
  cadence: (rng, c) => Math.min(90_000, Math.max(15_000, c * Math.exp(0.35 * rng.normal()))),
  blocks: [
    { kind: 'flow', minutes: [8, 25], weight: 0.5 },
    { kind: 'distraction', minutes: [2, 8], weight: 0.25 },
    { kind: 'struggle', minutes: [3, 10], weight: 0.25 },
  ],
  emit(rng, person, kind, dt) {
    const proc = (slow: number, pauseP: number, alpha: number): TypingProcess => ({
      ...lognormalBody(person, slow),
      pauseP,
      pauseMs: [900, 60_000],
      pauses: 'pareto',
      paretoAlpha: alpha,
    });
    if (kind === 'flow' || kind === 'deep') {
      return {
        intervals: typeDuring(
          rng,
          proc(rng.uniform(0.92, 1.05), person.thinkP, rng.uniform(1.8, 2.6)),
          dt,
        ),
        switches: count(rng, 0.12, dt),
        errors: count(rng, 0.3 * person.errorProneness, dt),
        files: count(rng, 1.2, dt),
      };
    }
    if (kind === 'distraction') {
      return {
        intervals: typeDuring(rng, proc(rng.uniform(1, 1.3), 0.15, 1.2), dt * rng.uniform(0, 0.5)),
        switches: 1 + count(rng, rng.uniform(1, 5), dt),
        errors: count(rng, 0.2 * person.errorProneness, dt),
        files: count(rng, 0.3, dt),
      };
    }
    const burst = rng.chance(0.4);
    return {
      intervals: typeDuring(
        rng,
        proc(rng.uniform(1.15, 1.6), rng.uniform(0.15, 0.3), 1.4),
        dt * rng.uniform(0.5, 1),
      ),
      switches: count(rng, rng.uniform(0.2, 1.2), dt),
      errors: burst
        ? rng.poisson(rng.uniform(4, 10))
        : count(rng, rng.uniform(0.5, 2.5) * person.errorProneness, dt),
      files: count(rng, 0.8, dt),
    };
  },
};

/** All families, in evaluation order. */
export const GENERATOR_FAMILIES: readonly GeneratorFamily[] = [
  lognormalThinking,
  burstGaps,
  switcher,
  deepWork,
  heavyTail,
];

/** Person parameter ranges shared by all families (wide on purpose: domain randomisation). */
export const PERSON_RANGES = {
  /** Pace, ms/key, log-uniform: covers 140–520 ms/key and beyond (Dhakal et al. 2018's spread). */
  paceMs: [110, 650] as const,
  /** Log-normal σ of in-burst intervals. */
  sigma: [0.25, 0.65] as const,
  /** Error-rate multiplier. */
  errorProneness: [0.5, 2] as const,
  /** Thinking-pause probability per interval in flow. */
  thinkP: [0.02, 0.15] as const,
} as const;

/** Draws a person. */
export function sampleFamilyPerson(rng: Prng): FamilyPerson {
  const R = PERSON_RANGES;
  return {
    paceMs: Math.exp(rng.uniform(Math.log(R.paceMs[0]), Math.log(R.paceMs[1]))),
    sigma: rng.uniform(...R.sigma),
    errorProneness: rng.uniform(...R.errorProneness),
    thinkP: rng.uniform(...R.thinkP),
  };
}
