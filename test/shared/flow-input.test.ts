import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FlowInputError, parseFlowInput, toFlowStateDataWire } from '../../shared/src';

const valid = {
  session_id: 's1',
  keystroke_intervals: [120, 180, 200],
  context_switches: 1,
  error_events: 0,
  window_focus_duration: 60_000,
  file_modifications: 2,
  timestamp: Date.UTC(2024, 0, 1),
};

function issueFields(raw: unknown): string[] {
  try {
    parseFlowInput(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(FlowInputError);
    return (e as FlowInputError).issues.map((i) => i.field);
  }
  throw new Error('expected FlowInputError');
}

describe('parseFlowInput', () => {
  it('maps a valid wire body to camelCase and back', () => {
    const input = parseFlowInput({ ...valid, extra: 'ignored' });
    expect(input.keystrokeIntervals).toEqual([120, 180, 200]);
    expect(input.windowFocusDuration).toBe(60_000);
    expect(toFlowStateDataWire(input)).toEqual(valid);
  });

  it.each([
    ['negative interval', { keystroke_intervals: [100, -5] }, 'keystroke_intervals[1]'],
    ['NaN interval', { keystroke_intervals: [Number.NaN] }, 'keystroke_intervals[0]'],
    [
      'Infinity focus',
      { window_focus_duration: Number.POSITIVE_INFINITY },
      'window_focus_duration',
    ],
    ['absurd interval', { keystroke_intervals: [1e12] }, 'keystroke_intervals[0]'],
    ['huge array', { keystroke_intervals: new Array(5_001).fill(100) }, 'keystroke_intervals'],
    ['fractional count', { context_switches: 1.5 }, 'context_switches'],
    ['negative errors', { error_events: -1 }, 'error_events'],
    ['string count', { file_modifications: '3' }, 'file_modifications'],
    ['timestamp in seconds', { timestamp: 1_700_000_000 }, 'timestamp'],
  ])('rejects %s naming the field', (_name, patch, field) => {
    expect(issueFields({ ...valid, ...patch })).toContain(field);
  });

  it('names the field in the error message', () => {
    expect(() => parseFlowInput({ ...valid, context_switches: -3 })).toThrow(
      /Invalid flow input: context_switches: must be >= 0/,
    );
  });

  it('rejects a missing field', () => {
    const { keystroke_intervals: _k, ...rest } = valid;
    expect(issueFields(rest)).toEqual(['keystroke_intervals']);
  });

  it('never accepts a negative or non-finite interval (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ max: -1e-9 }), fc.constant(Number.NaN), fc.constant(Infinity)),
        (bad) => {
          expect(() => parseFlowInput({ ...valid, keystroke_intervals: [100, bad] })).toThrow(
            FlowInputError,
          );
        },
      ),
    );
  });
});
