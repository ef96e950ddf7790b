/**
 * The per-file records of a notarization job in packed form, in leaf order.
 *
 * A record as JS objects and strings (path, size, mtime, two 0x-hex digests, two CID
 * strings) costs ~700 bytes of V8 heap. The heap then grows to 1.5-2x its live set. Here the
 * fixed fields are binary rows, 208 bytes a file, in blocks of 4,096 rows; only the path
 * stays a string. For 100,000 files that is ~25 MB instead of ~70 MB of heap, and the manifest
 * entries, Merkle leaves and ledger rows are made from it one at a time when needed.
 *
 * Row layout (little-endian): size f64 (bytes) | mtimeMs f64 (ms since the epoch) |
 * sha256 (32 bytes) | salt (32 bytes) | header CID (1 length byte + up to 63 bytes of the
 * binary CID, https://github.com/multiformats/cid) | payload CID (same). A CID not in
 * base32 (the multibase of every CID Notarium writes) is kept as its text, length byte 0.
 */
import { base32 } from 'multiformats/bases/base32';
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
/** Rows per block of the table (~832 KiB a block): a table that grows never copies its rows. */
const ROWS_PER_BLOCK = 4096;

/**
 * The per-file records of one job, set in any order, or read from a manifest and appended
 * in order; see the module comment.
 */
export class FileTable {
  readonly #paths: string[];
  /** Rows in blocks of ROWS_PER_BLOCK: row i is block i / ROWS_PER_BLOCK, at (i % ROWS_PER_BLOCK) * ROW_BYTES. */
  readonly #blocks: Buffer[] = [];
  /** CIDs whose binary form does not print back as the same string (another multibase), by row * 2 (+1 for the payload). */
  readonly #oddCids = new Map<number, string>();
  #length: number;
  #set = 0;

  /** @param length number of files (rows) to set with `set`; more can be appended. */
  constructor(length = 0) {
    this.#length = length;
    this.#paths = new Array<string>(length);
    for (let i = 0; i < length; i += ROWS_PER_BLOCK) this.#blocks.push(Buffer.alloc(Math.min(ROWS_PER_BLOCK, length - i) * ROW_BYTES));
  }

  /** Number of files. */
  get length(): number {
    return this.#length;
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
    const [rows, at] = this.#row(index);
    writeBytes32(rows, at + SHA256_AT, record.sha256);
    writeBytes32(rows, at + SALT_AT, record.salt);
    if (this.#paths[index] === undefined) this.#set += 1;
    this.#paths[index] = record.path;
    rows.writeDoubleLE(record.size, at + SIZE_AT);
    rows.writeDoubleLE(record.mtimeMs, at + MTIME_AT);
    this.#writeCid(index * 2, rows, at + HEADER_CID_AT, record.headerCid);
    this.#writeCid(index * 2 + 1, rows, at + PAYLOAD_CID_AT, record.payloadCid);
  }

  /**
   * Appends one manifest entry as a new last row (mtime 0), e.g. while a manifest is read.
   * @returns its index.
   * @throws RangeError as `set`; the table is then unchanged.
   */
  append(file: ManifestFile): number {
    const index = this.#length;
    const block = Math.floor(index / ROWS_PER_BLOCK);
    const rows = this.#blocks[block];
    if (rows === undefined) this.#blocks.push(Buffer.alloc(ROWS_PER_BLOCK * ROW_BYTES));
    else if (rows.length < ((index % ROWS_PER_BLOCK) + 1) * ROW_BYTES) {
      // The last block of a table made with a length that is not whole blocks: widen it.
      const wide = Buffer.alloc(ROWS_PER_BLOCK * ROW_BYTES);
      rows.copy(wide);
      this.#blocks[block] = wide;
    }
    this.#length += 1;
    try {
      this.set(index, { ...file, mtimeMs: 0 });
    } catch (e) {
      this.#length -= 1;
      this.#paths.length = this.#length;
      throw e;
    }
    return index;
  }

  /** Record of file `index` (a new object each call). */
  record(index: number): Omit<FileRecord, 't'> {
    const [rows, at] = this.#row(this.#checked(index));
    return {
      path: this.#paths[index] as string,
      size: rows.readDoubleLE(at + SIZE_AT),
      mtimeMs: rows.readDoubleLE(at + MTIME_AT),
      sha256: hex(rows, at + SHA256_AT),
      salt: hex(rows, at + SALT_AT),
      headerCid: this.#readCid(index * 2, rows, at + HEADER_CID_AT),
      payloadCid: this.#readCid(index * 2 + 1, rows, at + PAYLOAD_CID_AT),
    };
  }

  /** Manifest entry of file `index` (a new object each call). Also `at`, so a table is a leaf source for the ledger. */
  at(index: number): ManifestFile {
    const { path, size, sha256, salt, headerCid, payloadCid } = this.record(index);
    return { path, size, sha256, salt, headerCid, payloadCid };
  }

  /** Path, size, SHA-256 and salt of file `index` (no CIDs: cheaper than `at`), a new object each call. */
  leafFile(index: number): Pick<ManifestFile, 'path' | 'size' | 'sha256' | 'salt'> {
    const [rows, at] = this.#row(this.#checked(index));
    return { path: this.#paths[index] as string, size: rows.readDoubleLE(at + SIZE_AT), sha256: hex(rows, at + SHA256_AT), salt: hex(rows, at + SALT_AT) };
  }

  /** Manifest entries of files [start, end), as Array.prototype.slice (canonical manifest pieces). */
  slice(start: number, end: number = this.length): ManifestFile[] {
    const out: ManifestFile[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i));
    return out;
  }

  /** Merkle leaves ([salt, sha256]) as a source for datasetProver, made on demand. */
  get leaves(): { readonly length: number; at: (index: number) => LeafValue } {
    return {
      length: this.length,
      at: (i) => {
        const [rows, at] = this.#row(this.#checked(i));
        return [hex(rows, at + SALT_AT), hex(rows, at + SHA256_AT)];
      },
    };
  }

  /** (path, size, mtimeMs) of every file in leaf order, for inputsDigest. */
  *stats(): Generator<{ path: string; size: number; mtimeMs: number }> {
    for (let i = 0; i < this.length; i++) {
      const [rows, at] = this.#row(i);
      yield { path: this.#paths[i] as string, size: rows.readDoubleLE(at + SIZE_AT), mtimeMs: rows.readDoubleLE(at + MTIME_AT) };
    }
  }

  /** The block holding row `index` and the row's offset in it. */
  #row(index: number): [Buffer, number] {
    return [this.#blocks[Math.floor(index / ROWS_PER_BLOCK)] as Buffer, (index % ROWS_PER_BLOCK) * ROW_BYTES];
  }

  #checked(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.length || this.#paths[index] === undefined) throw new RangeError(`no file ${index} set in a table of ${this.length}`);
    return index;
  }

  #writeCid(key: number, rows: Buffer, at: number, text: string): void {
    this.#oddCids.delete(key);
    let bytes: Uint8Array | undefined;
    // Base32 CIDs (what Notarium writes) packed when their bytes print back as the very same
    // text; base32 directly: a CID object's toString costs ~3x as much (its cache).
    if (text.startsWith('b')) {
      try {
        const decoded = base32.decode(text);
        CID.decode(decoded);
        if (decoded.length <= CID_SLOT_BYTES && base32.encode(decoded) === text) bytes = decoded;
      } catch {
        bytes = undefined;
      }
    }
    if (bytes === undefined) {
      rows[at] = 0;
      this.#oddCids.set(key, text);
      return;
    }
    rows[at] = bytes.length;
    rows.set(bytes, at + 1);
  }

  #readCid(key: number, rows: Buffer, at: number): string {
    const length = rows[at] as number;
    if (length === 0) return this.#oddCids.get(key) as string;
    return base32.encode(rows.subarray(at + 1, at + 1 + length));
  }
}

function hex(rows: Buffer, at: number): string {
  return `0x${rows.toString('hex', at, at + 32)}`;
}

function writeBytes32(rows: Buffer, at: number, hex: string): void {
  // Lowercase only, so that a row gives back exactly the text it was set from.
  if (!/^0x[0-9a-f]{64}$/.test(hex)) throw new RangeError(`not a 32-byte lowercase 0x-hex value: ${hex.slice(0, 80)}`);
  rows.write(hex.slice(2), at, 32, 'hex');
}
