/**
 * A pass-through over a byte source that counts the bytes the importer consumed, checks
 * that every chunk is a Uint8Array (the importer would silently UTF-8 encode strings)
 * and stops at the next chunk once `signal` aborts.
 */
import { NotariumError } from '../../../shared/errors.ts';

/** The wrapped source and the running count of bytes it has yielded. */
export interface MeteredSource {
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Bytes yielded so far; the content size once `chunks` is exhausted. */
  bytes(): number;
}

/**
 * Wraps `source`. Iterating the result throws NotariumError('INVALID_INPUT') at a chunk
 * that is not a Uint8Array, and the signal's reason once `signal` is aborted.
 */
export function meterSource(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, signal?: AbortSignal): MeteredSource {
  let bytes = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    signal?.throwIfAborted();
    for await (const chunk of source as AsyncIterable<unknown>) {
      signal?.throwIfAborted();
      if (!(chunk instanceof Uint8Array)) throw new NotariumError('INVALID_INPUT', 'content chunks must be Uint8Array');
      bytes += chunk.byteLength;
      yield chunk;
    }
  }
  return { chunks: chunks(), bytes: () => bytes };
}
