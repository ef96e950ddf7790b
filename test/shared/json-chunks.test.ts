import { JSONParser } from '@streamparser/json';
import { describe, expect, it } from 'vitest';
import { ParserChunks } from '../../shared/json-chunks.ts';

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
