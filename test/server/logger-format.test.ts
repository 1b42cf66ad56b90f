import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, defaultLogFormat } from '../../server/src/log/logger';

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('log format', () => {
  it('is pretty only for a terminal in development', () => {
    expect(defaultLogFormat('development', true)).toBe('pretty');
    expect(defaultLogFormat('development', false)).toBe('json');
    expect(defaultLogFormat('production', true)).toBe('json');
    expect(defaultLogFormat('test', true)).toBe('json');
  });

  it('writes JSON lines, or readable lines with the same redaction', () => {
    const json = sink();
    createLogger('info', json.stream, 'json').info({ token: 'abc123secret' }, 'hello there');
    expect(JSON.parse(json.text())).toMatchObject({ msg: 'hello there', token: '[redacted]' });

    const pretty = sink();
    createLogger('info', pretty.stream, 'pretty').info({ token: 'abc123secret' }, 'hello there');
    const text = pretty.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toContain('hello there');
    expect(text).toMatch(/INFO/);
    expect(text).not.toContain('abc123secret');
  });
});
