/**
 * The per-file records of a notarization job in packed form, in leaf order.
 *
 * A record as JS objects and strings (path, size, mtime, two 0x-hex digests, two CID
 * strings) costs ~700 bytes of V8 heap. The heap then grows to 1.5-2x its live set. Here the
 * fixed fields are binary rows in one buffer, 208 bytes a file; only the path stays a
 * string. For 100,000 files that is ~25 MB instead of ~70 MB of heap, and the manifest
 * entries, Merkle leaves and ledger rows are made from it one at a time when needed.
 *
 * Row layout (little-endian): size f64 (bytes) | mtimeMs f64 (ms since the epoch) |
 * sha256 (32 bytes) | salt (32 bytes) | header CID (1 length byte + up to 63 bytes of the
 * binary CID, https://github.com/multiformats/cid) | payload CID (same).
 */
import { CID } from 'multiformats/cid';
import type { LeafValue } from '../../../shared/notary/leaf.ts';
import type { ManifestFile } from '../../../shared/notary/manifest.ts';
import type { FileRecord } from './job-journal.ts';

const SIZE_AT = 0;
const MTIME_AT = 8;
const SHA256_AT = 16;
const SALT_AT = 48;
const HEADER_CID_AT = 80;
const PAYLOAD_CID_AT = 144;
/** Bytes of one row. */
const ROW_BYTES = 208;
/** Bytes a CID slot holds (after its length byte). */
const CID_SLOT_BYTES = 63;

/** The per-file records of one job, `length` of them, set in any order; see the module comment. */
export class FileTable {
  readonly #paths: string[];
  readonly #rows: Buffer;
  /** CIDs whose binary form does not print back as the same string (another multibase), by slot offset. */
  readonly #oddCids = new Map<number, string>();
  #set = 0;

  /** @param length number of files (rows), fixed. */
  constructor(length: number) {
    this.#paths = new Array<string>(length);
    this.#rows = Buffer.alloc(length * ROW_BYTES);
  }

  /** Number of files. */
  get length(): number {
    return this.#paths.length;
  }

  /** True once every row is set. */
  get complete(): boolean {
    return this.#set === this.length;
  }

  /**
   * Sets row `index` from `record`.
   * @throws RangeError for an index out of range, a digest or salt that is not 0x + 64
   *   lowercase hex digits.
   */
  set(index: number, record: Omit<FileRecord, 't'>): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new RangeError(`no file ${index} in a table of ${this.length}`);
    const at = index * ROW_BYTES;
    if (this.#paths[index] === undefined) this.#set += 1;
    this.#paths[index] = record.path;
    this.#rows.writeDoubleLE(record.size, at + SIZE_AT);
    this.#rows.writeDoubleLE(record.mtimeMs, at + MTIME_AT);
    writeBytes32(this.#rows, at + SHA256_AT, record.sha256);
    writeBytes32(this.#rows, at + SALT_AT, record.salt);
    this.#writeCid(at + HEADER_CID_AT, record.headerCid);
    this.#writeCid(at + PAYLOAD_CID_AT, record.payloadCid);
  }

  /** Record of file `index` (a new object each call). */
  record(index: number): Omit<FileRecord, 't'> {
    const at = this.#checked(index) * ROW_BYTES;
    return {
      path: this.#paths[index] as string,
      size: this.#rows.readDoubleLE(at + SIZE_AT),
      mtimeMs: this.#rows.readDoubleLE(at + MTIME_AT),
      sha256: this.#hex(at + SHA256_AT),
      salt: this.#hex(at + SALT_AT),
      headerCid: this.#readCid(at + HEADER_CID_AT),
      payloadCid: this.#readCid(at + PAYLOAD_CID_AT),
    };
  }

  /** Manifest entry of file `index` (a new object each call). Also `at`, so a table is a leaf source for the ledger. */
  at(index: number): ManifestFile {
    const { path, size, sha256, salt, headerCid, payloadCid } = this.record(index);
    return { path, size, sha256, salt, headerCid, payloadCid };
  }

  /** Manifest entries of files [start, end), as Array.prototype.slice (canonical manifest pieces). */
  slice(start: number, end: number = this.length): ManifestFile[] {
    const out: ManifestFile[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i));
    return out;
  }

  /** Merkle leaves ([salt, sha256]) as a source for datasetProver, made on demand. */
  get leaves(): { readonly length: number; at: (index: number) => LeafValue } {
    return { length: this.length, at: (i) => { const at = this.#checked(i) * ROW_BYTES; return [this.#hex(at + SALT_AT), this.#hex(at + SHA256_AT)]; } };
  }

  /** (path, size, mtimeMs) of every file in leaf order, for inputsDigest. */
  *stats(): Generator<{ path: string; size: number; mtimeMs: number }> {
    for (let i = 0; i < this.length; i++) {
      const at = i * ROW_BYTES;
      yield { path: this.#paths[i] as string, size: this.#rows.readDoubleLE(at + SIZE_AT), mtimeMs: this.#rows.readDoubleLE(at + MTIME_AT) };
    }
  }

  #checked(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.length || this.#paths[index] === undefined) throw new RangeError(`no file ${index} set in a table of ${this.length}`);
    return index;
  }

  #hex(at: number): string {
    return `0x${this.#rows.toString('hex', at, at + 32)}`;
  }

  #writeCid(at: number, text: string): void {
    this.#oddCids.delete(at);
    let bytes: Uint8Array | undefined;
    try {
      const cid = CID.parse(text);
      if (cid.bytes.length <= CID_SLOT_BYTES && CID.decode(cid.bytes).toString() === text) bytes = cid.bytes;
    } catch {
      bytes = undefined;
    }
    if (bytes === undefined) {
      this.#rows[at] = 0;
      this.#oddCids.set(at, text);
      return;
    }
    this.#rows[at] = bytes.length;
    this.#rows.set(bytes, at + 1);
  }

  #readCid(at: number): string {
    const length = this.#rows[at] as number;
    if (length === 0) return this.#oddCids.get(at) as string;
    return CID.decode(this.#rows.subarray(at + 1, at + 1 + length)).toString();
  }
}

function writeBytes32(rows: Buffer, at: number, hex: string): void {
  // Lowercase only, so that a row gives back exactly the text it was set from.
  if (!/^0x[0-9a-f]{64}$/.test(hex)) throw new RangeError(`not a 32-byte lowercase 0x-hex value: ${hex.slice(0, 80)}`);
  rows.write(hex.slice(2), at, 32, 'hex');
}
