/**
 * The CID of a byte stream under a UnixFS profile, computed while the bytes pass on to
 * someone else. A remote node (Kubo) is trusted with neither the CID it reports for an
 * upload nor the bytes it serves for a CID: hashing along the way checks both without a
 * second pass and without holding the content in memory.
 */
import { importByteStream } from 'ipfs-unixfs-importer';
import type { CID } from 'multiformats/cid';
import { NotariumError } from '../../../shared/errors.ts';
import type { AddResult } from './backend.ts';
import { meterSource } from './metered-source.ts';
import { importerOptions, type UnixfsProfile } from './profile.ts';

/** A pass-through stream and the CID of what went through it. */
export interface HashAlong {
  /** The source's chunks, unchanged and in order. Iterate once. */
  readonly chunks: AsyncGenerator<Uint8Array>;
  /**
   * The CID and byte length of every chunk, under the profile. Settles once `chunks`
   * has ended; rejects with NotariumError('IPFS_FAILED') if `chunks` did not run to the
   * source's end (stopped early or failed: the CID of a prefix would prove nothing).
   */
  readonly result: Promise<AddResult>;
}

// The importer hashes and hands every block here: dropping it is "only hash".
const DISCARD = { put: async (cid: CID): Promise<CID> => cid };

/** Bytes that may wait for the hasher before the pass-through pauses (16 MiB). */
const DEFAULT_MAX_QUEUED_BYTES = 16 * 1_048_576;

/**
 * Wraps `source`. Memory stays bounded: when the hasher falls `maxQueuedBytes` behind,
 * `chunks` waits for it. Chunks that are not Uint8Array fail with 'INVALID_INPUT'; an
 * aborted `signal` stops the stream at the next chunk with the signal's reason.
 */
export function hashAlong(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, profile: UnixfsProfile, options: { signal?: AbortSignal; maxQueuedBytes?: number } = {}): HashAlong {
  const maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const metered = meterSource(source, options.signal);
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let ended = false;
  let complete = false;
  let hasherFailed = false;
  let wakeHasher: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;

  async function* feed(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        queuedBytes -= chunk.byteLength;
        wakeProducer?.();
        yield chunk;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (wakeHasher = resolve));
        wakeHasher = undefined;
      }
    }
  }

  // A small batch: the hasher only has to keep pace with a network upload or download.
  const hashed = importByteStream(feed(), DISCARD, importerOptions(profile, { blockWriteConcurrency: 4 }));
  const result: Promise<AddResult> = hashed.then(
    ({ cid }) => {
      if (!complete) throw new NotariumError('IPFS_FAILED', 'the stream was stopped before its end; its CID is unknown');
      return { cid, size: metered.bytes() };
    },
    (error: unknown) => {
      hasherFailed = true;
      wakeProducer?.();
      throw error;
    },
  );
  // Callers that stop early never await the result: that rejection is expected.
  result.catch(() => undefined);

  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of metered.chunks) {
        queue.push(chunk);
        queuedBytes += chunk.byteLength;
        wakeHasher?.();
        while (queuedBytes > maxQueued && !hasherFailed) {
          await new Promise<void>((resolve) => (wakeProducer = resolve));
          wakeProducer = undefined;
        }
        if (hasherFailed) await result;
        yield chunk;
      }
      complete = true;
    } finally {
      ended = true;
      wakeHasher?.();
    }
  }

  return { chunks: chunks(), result };
}
