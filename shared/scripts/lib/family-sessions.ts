import type { FlowInput } from '../../src/schemas/flow-input';
import {
  GENERATOR_FAMILIES,
  sampleFamilyPerson,
  type BlockKind,
  type Emission,
  type FamilyPerson,
  type GeneratorFamily,
  type SessionContext,
} from './generator-families';
import { Prng } from './prng';

/** One labelled update. */
export interface LabelledUpdate {
  readonly input: FlowInput;
  readonly kind: BlockKind;
  /** Ground truth: flow (or low-typing deep work). */
  readonly inFlow: boolean;
}

/** A generated session. */
export interface LabelledSession {
  readonly updates: readonly LabelledUpdate[];
}

/** A person with unlabelled history (baseline only) and labelled sessions. */
export interface Subject {
  readonly family: string;
  readonly person: FamilyPerson;
  readonly history: readonly LabelledSession[];
  readonly sessions: readonly LabelledSession[];
}

/** Session structure shared by all families. */
export const SESSION_SHAPE = {
  /** Session length range, minutes. */
  minutes: [60, 120] as const,
  /** Chance of an idle break (longer than the detector's 5-min idle gap) between blocks. */
  breakP: 0.1,
  /** Idle break range, minutes. */
  breakMinutes: [6, 20] as const,
  /**
   * Per-session chance that a flow update is a reading moment (in every family: flow includes
   * reading the code being written): its typing is cut to the first 0–20 % of the update.
   */
  readingP: [0.03, 0.15] as const,
  /**
   * Per-session chance that a distraction block is "typing on (and editing) while switching
   * windows every 10–40 s" (chat, a browser), whatever the family's own distraction style.
   */
  switchingStyleP: [0.3, 0.6] as const,
  /**
   * Per-session chance that a struggle block is a quiet one (no window switches at all: slow,
   * hesitant typing and errors only), whatever the family's own struggle style.
   */
  quietStruggleP: [0.2, 0.5] as const,
  /**
   * `context_switches` counts file switches inside the editor as well as window switches. Per
   * session, flow adds in-editor navigation (Poisson, this many per 30 s) that does not break
   * window focus…
   */
  navigationPer30s: [0, 0.5] as const,
  /** …and this is the chance that a switch of a flow, deep or struggle update leaves the window. */
  windowSwitchP: [0.3, 0.8] as const,
} as const;

/** Keeps the intervals typed in the first `ms` of an update. */
function typingPrefix(intervals: number[], ms: number): number[] {
  let total = 0;
  const out: number[] = [];
  for (const x of intervals) {
    if (total + x > ms) break;
    out.push(x);
    total += x;
  }
  return out;
}

function pickBlock(rng: Prng, family: GeneratorFamily, previous: BlockKind | null) {
  const options = family.blocks.filter((b) => b.kind !== previous);
  const total = options.reduce((s, b) => s + b.weight, 0);
  let r = rng.uniform(0, total);
  for (const b of options) {
    r -= b.weight;
    if (r <= 0) return b;
  }
  return options[options.length - 1];
}

/** The family's own typing and edits, but switching windows every `everyMs`. */
function switchingWhileTyping(e: Emission, rng: Prng, dt: number, everyMs: number): Emission {
  return {
    intervals: e.intervals,
    switches: Math.max(1, rng.poisson(dt / everyMs)),
    errors: e.errors,
    files: rng.poisson(rng.uniform(0.2, 1.5) * (dt / 30_000)),
  };
}

/** Per-session style draws and the running clock of a session being generated. */
interface SessionRun {
  readonly family: GeneratorFamily;
  readonly person: FamilyPerson;
  readonly cadence: number;
  readonly readingP: number;
  readonly navigation: number;
  readonly windowSwitchP: number;
  readonly ctx: SessionContext;
  readonly updates: LabelledUpdate[];
  t: number;
  focusSince: number;
}

/** Block style: typing on while switching every `switchEveryMs` (> 0), or a quiet struggle. */
interface BlockStyle {
  readonly switchEveryMs: number;
  readonly quiet: boolean;
}

function startRun(
  rng: Prng,
  family: GeneratorFamily,
  person: FamilyPerson,
  startMs: number,
): SessionRun {
  const cadence = family.sessionCadence(rng);
  const ctx = { pendingErrors: 0 };
  const readingP = rng.uniform(...SESSION_SHAPE.readingP);
  const navigation = rng.uniform(...SESSION_SHAPE.navigationPer30s);
  const windowSwitchP = rng.uniform(...SESSION_SHAPE.windowSwitchP);
  return {
    family,
    person,
    cadence,
    readingP,
    navigation,
    windowSwitchP,
    ctx,
    updates: [],
    t: startMs,
    focusSince: 0,
  };
}

/** Emits the updates of one block of `kind` until `untilMs`. */
function runBlock(
  rng: Prng,
  run: SessionRun,
  kind: BlockKind,
  untilMs: number,
  style: BlockStyle,
): void {
  const { family, person, ctx } = run;
  while (run.t < untilMs) {
    const dt = family.cadence(rng, run.cadence);
    run.t += dt;
    const t = run.t;
    const emitted =
      style.switchEveryMs > 0
        ? switchingWhileTyping(
            family.emit(rng, person, 'flow', dt, ctx),
            rng,
            dt,
            style.switchEveryMs,
          )
        : family.emit(rng, person, kind, dt, ctx);
    const e =
      kind === 'flow' && rng.chance(run.readingP)
        ? { ...emitted, intervals: typingPrefix(emitted.intervals, dt * rng.uniform(0, 0.2)) }
        : style.quiet
          ? { ...emitted, switches: 0 }
          : emitted;
    // Distraction switches leave the window; otherwise only some do (the rest is navigation).
    const focused = kind === 'flow' || kind === 'deep';
    const navigation = focused ? rng.poisson(run.navigation * (dt / 30_000)) : 0;
    let windowSwitches = 0;
    for (let k = 0; k < e.switches; k++) {
      if (kind === 'distraction' || style.switchEveryMs > 0 || rng.chance(run.windowSwitchP)) {
        windowSwitches++;
      }
    }
    let focus: number;
    if (family.focus === 'continuous') {
      if (windowSwitches > 0) run.focusSince = t - rng.uniform(0, dt);
      focus = t - run.focusSince;
    } else {
      focus = windowSwitches > 0 ? dt * rng.uniform(0.05, 0.6) : dt;
    }
    run.updates.push({
      input: {
        keystrokeIntervals: e.intervals,
        contextSwitches: e.switches + navigation,
        errorEvents: e.errors,
        windowFocusDuration: Math.round(focus),
        fileModifications: e.files,
        timestamp: Math.round(t),
      },
      kind,
      inFlow: kind === 'flow' || kind === 'deep',
    });
  }
}

/** Generates one labelled session of `person` in `family` starting at `startMs`. */
export function generateFamilySession(
  rng: Prng,
  family: GeneratorFamily,
  person: FamilyPerson,
  startMs: number,
): LabelledSession {
  const S = SESSION_SHAPE;
  const end = startMs + rng.uniform(...S.minutes) * 60_000;
  const run = startRun(rng, family, person, startMs);
  const switchingStyleP = rng.uniform(...S.switchingStyleP);
  const quietStruggleP = rng.uniform(...S.quietStruggleP);
  run.focusSince = startMs - rng.uniform(0, 60_000);
  let previous: BlockKind | null = null;
  while (run.t < end) {
    const block = pickBlock(rng, family, previous);
    previous = block.kind;
    const blockEnd = run.t + rng.uniform(...block.minutes) * 60_000;
    const switchEveryMs =
      block.kind === 'distraction' && rng.chance(switchingStyleP) ? rng.uniform(10_000, 40_000) : 0;
    const quiet = block.kind === 'struggle' && rng.chance(quietStruggleP);
    runBlock(rng, run, block.kind, Math.min(blockEnd, end), { switchEveryMs, quiet });
    if (rng.chance(S.breakP)) {
      run.t += rng.uniform(...S.breakMinutes) * 60_000;
      run.focusSince = run.t;
      run.ctx.pendingErrors = 0;
    }
  }
  return { updates: run.updates };
}

/**
 * A session with a fixed plan of blocks (kind, minutes) in the family's own styles, for tests
 * that need a flow block at a known time. Returns the session and each block's start time.
 */
export function generateScriptedSession(
  rng: Prng,
  family: GeneratorFamily,
  person: FamilyPerson,
  startMs: number,
  plan: readonly { kind: BlockKind; minutes: number }[],
): { session: LabelledSession; blockStarts: number[] } {
  const run = startRun(rng, family, person, startMs);
  run.focusSince = startMs;
  const blockStarts: number[] = [];
  for (const block of plan) {
    blockStarts.push(run.t);
    runBlock(rng, run, block.kind, run.t + block.minutes * 60_000, {
      switchEveryMs: 0,
      quiet: false,
    });
  }
  return { session: { updates: run.updates }, blockStarts };
}

/** `people` subjects of `family`, each with 2 history sessions and `sessionsEach` labelled ones. */
export function generateFamilySubjects(
  family: GeneratorFamily,
  seed: number,
  people: number,
  sessionsEach: number,
): Subject[] {
  const rng = new Prng(seed);
  const day = 86_400_000;
  const base = Date.UTC(2024, 0, 1, 9);
  const subjects: Subject[] = [];
  for (let i = 0; i < people; i++) {
    const person = sampleFamilyPerson(rng);
    const sessions: LabelledSession[] = [];
    for (let k = 0; k < 2 + sessionsEach; k++) {
      sessions.push(generateFamilySession(rng, family, person, base + (i * 10 + k) * day));
    }
    subjects.push({
      family: family.name,
      person,
      history: sessions.slice(0, 2),
      sessions: sessions.slice(2),
    });
  }
  return subjects;
}

/** Names of the families, in order. */
export const FAMILY_NAMES = GENERATOR_FAMILIES.map((f) => f.name);
