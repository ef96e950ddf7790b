import { JSONParser, TokenType } from '@streamparser/json';
import { describe, expect, it } from 'vitest';
import { ParserChunks, StringDiverter } from '../../shared/json-chunks.ts';

/** Parses `bytes` written in chunks of `step` bytes, through ParserChunks. */
function parseInSteps(bytes: Uint8Array, step: number): unknown {
  const parser = new JSONParser({ paths: ['$'], keepStack: false });
  let out: unknown;
  parser.onValue = ({ value }) => {
    out = value;
  };
  const chunks = new ParserChunks();
  for (let i = 0; i < bytes.length; i += step) for (const c of chunks.next(bytes.subarray(i, i + step))) parser.write(c);
  for (const c of chunks.rest()) parser.write(c);
  return out;
}

describe('ParserChunks', () => {
  it('lets @streamparser/json decode characters of 2, 3 and 4 bytes written one byte at a time', () => {
    const value = { a: 'ï ☃ \u{1F600} x', b: ['\u{10FFFF}', 'é'] };
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    for (const step of [1, 2, 3, 5, bytes.length]) expect(parseInSteps(bytes, step)).toEqual(value);
  });

  it('holds back only chunks shorter than 4 bytes, and gives every byte back in order', () => {
    const chunks = new ParserChunks();
    expect(chunks.next(Uint8Array.of(1, 2))).toEqual([]);
    expect(chunks.next(Uint8Array.of(3))).toEqual([]);
    expect(chunks.next(Uint8Array.of(4, 5))).toEqual([Uint8Array.of(1, 2, 3, 4, 5)]);
    expect(chunks.next(Uint8Array.of(6, 7, 8, 9))).toEqual([Uint8Array.of(6, 7, 8, 9)]);
    expect(chunks.next(Uint8Array.of(10))).toEqual([]);
    expect(chunks.rest()).toEqual([Uint8Array.of(10)]);
    expect(chunks.rest()).toEqual([]);
  });
});

describe('StringDiverter', () => {
  it('takes the place of the installed parser\'s string buffer, and diverts only the string after arm()', () => {
    const parser = new JSONParser({ paths: ['$.*'], keepStack: false, stringBufferSize: 64 });
    const diverter = StringDiverter.install(parser, '(diverted)');
    expect(diverter, 'this version of @streamparser/json has the buffer it replaces').not.toBeNull();
    const values: unknown[] = [];
    parser.onValue = ({ value }) => values.push(value);
    const got: number[] = [];
    const d = diverter as StringDiverter;
    // Armed at the colon after the key "b": its string value goes to the sink; the keys and "c" are built as usual.
    let last: unknown;
    parser.onToken = ({ token, value }) => {
      if (token === TokenType.COLON && last === 'b') d.arm(() => ({ write: (bytes) => got.push(...bytes) }));
      else d.disarm();
      last = value;
    };
    parser.write(new TextEncoder().encode('{"a":"one","b":"t\\"wé","c":"three"}'));
    expect(values).toEqual(['one', '(diverted)', 'three']);
    expect(new TextDecoder().decode(Uint8Array.from(got))).toBe('t"wé');
  });

  it('is not installed (null) on a parser without that buffer: the caller reads the string as before', () => {
    expect(StringDiverter.install({}, 'x')).toBeNull();
    expect(StringDiverter.install({ tokenizer: { bufferedString: { reset: () => undefined } } }, 'x')).toBeNull();
  });
});
