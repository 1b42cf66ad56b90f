import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SYNC_CLOSE_CODES,
  TypedEmitter,
  parseGenerationReason,
  toWebSocketBase,
} from '@mindful/client-sdk';

describe('the 4410 close reason', () => {
  it('yields the generation it names, alone or among other fields', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.constantFrom('', 'purged; ', 'x, '),
        (n, prefix) => {
          expect(parseGenerationReason(`${prefix}generation=${n}`)).toBe(n);
        },
      ),
    );
  });

  it('yields null for anything that does not name a positive generation', () => {
    fc.assert(
      fc.property(fc.string(), (reason) => {
        fc.pre(!/generation=\d/.test(reason));
        expect(parseGenerationReason(reason)).toBeNull();
      }),
    );
    for (const bad of [
      'generation=0',
      'generation=-3',
      'generation=1.5',
      'mygeneration=4',
      'generation=12x',
    ]) {
      expect(parseGenerationReason(bad)).toBeNull();
    }
  });

  it('uses the codes of the wire contract', () => {
    expect(SYNC_CLOSE_CODES).toEqual({
      unauthorized: 4401,
      forbidden: 4403,
      generationMoved: 4410,
    });
  });
});

describe('toWebSocketBase', () => {
  it('maps http(s) to ws(s) and drops a trailing slash', () => {
    expect(toWebSocketBase('http://127.0.0.1:8080/')).toBe('ws://127.0.0.1:8080');
    expect(toWebSocketBase('https://mindful.example.com')).toBe('wss://mindful.example.com');
    expect(toWebSocketBase('https://example.com/base/')).toBe('wss://example.com/base');
  });
});

describe('TypedEmitter', () => {
  it('delivers to every listener even when one throws, and stops after unsubscribe', () => {
    const emitter = new TypedEmitter<{ tick: number }>();
    const seen: number[] = [];
    const errors = console.error;
    console.error = () => {};
    try {
      emitter.on('tick', () => {
        throw new Error('listener bug');
      });
      const off = emitter.on('tick', (n) => seen.push(n));
      emitter.emit('tick', 1);
      off();
      emitter.emit('tick', 2);
    } finally {
      console.error = errors;
    }
    expect(seen).toEqual([1]);
  });

  it('once() resolves with the first value that matches', async () => {
    const emitter = new TypedEmitter<{ status: string }>();
    const synced = emitter.once('status', (s) => s === 'synced');
    emitter.emit('status', 'connecting');
    emitter.emit('status', 'synced');
    await expect(synced).resolves.toBe('synced');
  });
});
