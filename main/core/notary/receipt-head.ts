/**
 * Where a notarized dataset is, read from the head of its full receipt (docs/RECEIPT.md) as
 * a stream: `notarium retrieve <receipt>` needs only the root, the manifest digest and the
 * manifest's two CIDs, while a full receipt holds ≈ 2 KB per file (≈ 196 MB for 100,000
 * files). The bytes go through ReceiptStreamReader (shared/receipt/stream.ts), which checks
 * format, version and every head field with the receipt's schema, and reading stops as soon
 * as the head is complete (at the first `files[]` entry, in the order Notarium writes):
 * no entry is kept, and the `manifest` string (≈ 36 MB at 100,000 files) is passed over
 * without being built (ReceiptSink.manifest).
 */
import { createReadStream } from 'node:fs';
import { NotariumError } from '../../../shared/errors.ts';
import { RECEIPT_EXCERPT_VERSION, ReceiptStreamReader } from '../../../shared/receipt/index.ts';
import { readError } from './receipt-excerpt.ts';

/** What retrieval takes from a receipt (all 0x-hex bytes32 but the CIDs, CIDv1 base32). */
export interface ReceiptLocation {
  /** The dataset's Merkle root. */
  root: string;
  /** SHA-256 of the canonical manifest text. */
  manifestDigest: string;
  /** The encrypted manifest on IPFS: its age header and payload objects. */
  manifestHeaderCid: string;
  manifestPayloadCid: string;
}

const READ_CHUNK_BYTES = 1 << 20;
/** Thrown by the sink once the head is in hand before the end: the reader stops there, mid-chunk (ReceiptSink allows it). */
const HEAD_IN_HAND = Symbol('receipt head in hand');

/**
 * Reads the location fields of the full receipt (version 1) at `receiptFile`, reading only
 * up to its first file entry. Only the head is checked: a file cut short or damaged after
 * its first entry is not noticed here (retrieval then checks the fetched manifest against
 * manifestDigest and the root).
 * @throws NotariumError('NOT_FOUND') for a missing file; ('INVALID_INPUT') for a folder;
 *   ('RECEIPT_INVALID') for a file that is not JSON, is cut short before its head is
 *   complete, is not a Notarium receipt, has an unsupported version or malformed head
 *   fields, or is a receipt excerpt (which proves single files but is not a dataset's
 *   receipt).
 */
export async function readReceiptLocation(receiptFile: string): Promise<ReceiptLocation> {
  const found: { location?: ReceiptLocation; excerpt?: boolean; atEnd?: boolean } = {};
  const reader = new ReceiptStreamReader({
    head: (head) => {
      // Only these fields are kept: the head (with the manifest) is dropped with the reader.
      found.location = { root: head.root, manifestDigest: head.manifestDigest, manifestHeaderCid: head.storage.manifestHeaderCid, manifestPayloadCid: head.storage.manifestPayloadCid };
      found.excerpt = head.version === RECEIPT_EXCERPT_VERSION;
      if (found.atEnd !== true) throw HEAD_IN_HAND;
    },
    file: () => undefined,
    // Retrieval checks the manifest it fetches from IPFS, not this copy: its bytes are skipped.
    manifest: () => ({ write: () => undefined }),
  });
  const stream = createReadStream(receiptFile, { highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of stream) reader.write(chunk as Buffer);
    // The whole file was read without a file entry: end() reports what is missing or wrong.
    found.atEnd = true;
    reader.end();
  } catch (error) {
    if (error !== HEAD_IN_HAND) throw readError(error, receiptFile, undefined);
  } finally {
    stream.destroy();
  }
  const { location } = found;
  if (location === undefined) throw new NotariumError('RECEIPT_INVALID', `${receiptFile} holds no receipt.`);
  if (found.excerpt === true) {
    throw new NotariumError('RECEIPT_INVALID', 'This is a receipt excerpt: it proves single files but holds neither the manifest nor the other files. Give the full receipt of the dataset.');
  }
  return location;
}
