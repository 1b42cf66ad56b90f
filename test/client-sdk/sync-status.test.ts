import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SYNC_CLOSE_CODES,
  TypedEmitter,
  parseGenerationReason,
  toWebSocketBase,
} from '@mindful/client-sdk';
// Not (yet) exported by the package: the pure policy is tested where it lives.
import {
  FIRST_BACK_OFF_MS,
  backOffDelay,
  closeActionFor,
} from '../../client-sdk/src/sync/close-policy';

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
    // 4413 is gone: the server never sent it (API.md lists 1009 for a message too large).
    expect(SYNC_CLOSE_CODES).toEqual({
      goingAway: 1001,
      unauthorized: 4401,
      forbidden: 4403,
      generationMoved: 4410,
      malformedMessage: 4400,
      unsupportedMessage: 4415,
      rateLimited: 4429,
      messageTooBig: 1009,
      internalError: 1011,
    });
  });
});

describe('what a close code makes the client do', () => {
  it('halts on every 44xx refusal it cannot fix, and never retries one in a loop', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4400, max: 4499 }), fc.string(), (code, reason) => {
        const action = closeActionFor(code, reason);
        if (code === 4401) expect(action.kind).toBe('refresh-token');
        else if (code === 4410) expect(action.kind).toBe('wipe');
        else if (code === 4429) expect(action.kind).toBe('back-off');
        else expect(action).toMatchObject({ kind: 'halt' });
      }),
    );
    expect(closeActionFor(1011, '').kind).toBe('back-off');
    expect(closeActionFor(1009, '')).toMatchObject({ kind: 'halt', status: 'error' });
    // Network trouble and restarts stay with y-websocket's own reconnect.
    for (const code of [1000, 1001, 1006, 4000, 4500]) {
      expect(closeActionFor(code, '').kind).toBe('transport');
    }
  });

  it('backs off within [ceiling/2, ceiling], the ceiling doubling from 1 s up to the maximum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, max, random) => {
          const ceiling = Math.min(max, FIRST_BACK_OFF_MS * 2 ** Math.min(attempt - 1, 30));
          const delay = backOffDelay(attempt, max, random);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(Math.ceil(ceiling));
          expect(backOffDelay(attempt + 1, max, random)).toBeGreaterThanOrEqual(delay);
        },
      ),
    );
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
