// The features of an update are one object literal that copies each rhythm feature by name:
// spreading the rhythm features into it sent every call through a slow path of V8's object
// spread (about 10 µs a call instead of 0.07 µs, most of a detector update; docs/performance.md,
// "Seventh round"). The speed is the bench's to show (`npm run bench -- flow`); what is pinned
// here is that the explicit copy keeps every rhythm feature's value under its own name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extractFeatures,
  NO_RHYTHM_FEATURES,
  type FeatureContext,
  type RhythmFeatures,
} from '../../shared/src';
import { featuresArb } from './flow-arbitraries';

const context: FeatureContext = {
  stats: { count: 30, mean: 240, cov: 0.3 },
  keystrokesPerMinute: 80,
  contextSwitches: 1,
  errorEvents: 0,
  windowFocusDuration: 600_000,
};

const RHYTHM_KEYS = Object.keys(NO_RHYTHM_FEATURES) as (keyof RhythmFeatures)[];

describe('flow features', () => {
  it('keep every rhythm feature they are given, each under its own name', () => {
    expect(RHYTHM_KEYS).toHaveLength(17);
    fc.assert(
      fc.property(featuresArb, (given) => {
        const rhythm: RhythmFeatures = given;
        const features = extractFeatures({ ...context, rhythmFeatures: rhythm });
        for (const key of RHYTHM_KEYS) expect(features[key]).toBe(rhythm[key]);
      }),
    );
  });

  it('without rhythm features, have those of an update nothing is known about', () => {
    const features = extractFeatures(context);
    for (const key of RHYTHM_KEYS) expect(features[key]).toBe(NO_RHYTHM_FEATURES[key]);
  });
});
