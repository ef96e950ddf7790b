/**
 * Writes a receipt file without ever holding its whole text: for a dataset of 100,000
 * files the receipt is ~200 MB (docs/RECEIPT.md §7), and building it as one string (plus
 * its UTF-8 copy and every proof at once) took gigabytes. The output is byte-identical to
 * `serializeReceipt` (JSON.stringify with 2-space indentation, then a newline): the head
 * fields are stringified as usual and each `files[]` entry is stringified on its own,
 * its proof fetched from the Merkle tree only when the entry is written.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import type { Receipt, ReceiptFile } from '../../../shared/receipt/index.ts';
import { FILE_MODE } from '../fs/durable-files.ts';

/** Bytes gathered before each write. */
const WRITE_BATCH_BYTES = 1 << 20;

/** Marks the place of the file entries in the stringified head. */
const FILES_MARK = '\u0000files\u0000';

/**
 * Writes `head` (a receipt without its files) with `count` file entries from `fileAt(i)`
 * to `file`, atomically (temporary file, fdatasync, rename), and returns the SHA-256 of
 * the bytes written (0x-hex) and their length.
 *
 * @throws the fs error (ENOSPC...); the temporary file is removed then.
 */
export async function writeReceiptFile(file: string, head: Omit<Receipt, 'files'>, count: number, fileAt: (index: number) => ReceiptFile): Promise<{ sha256: string; bytes: number }> {
  const text = JSON.stringify({ ...head, files: count === 0 ? [] : [FILES_MARK] }, null, 2);
  const quoted = JSON.stringify(FILES_MARK);
  const at = text.indexOf(quoted);
  const [before, after] = count === 0 ? [text, ''] : [text.slice(0, at), text.slice(at + quoted.length)];
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(temp, 'wx', FILE_MODE);
  try {
    let pending: string[] = [];
    let pendingLength = 0;
    const flush = async (): Promise<void> => {
      const chunk = Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingLength = 0;
      hash.update(chunk);
      bytes += chunk.length;
      await handle.write(chunk);
    };
    const push = async (s: string): Promise<void> => {
      pending.push(s);
      pendingLength += s.length;
      if (pendingLength >= WRITE_BATCH_BYTES) await flush();
    };
    await push(before);
    for (let i = 0; i < count; i++) {
      // Entries sit at depth 2 in the document: their own lines get 4 more spaces.
      const entry = JSON.stringify(fileAt(i), null, 2).replaceAll('\n', '\n    ');
      await push(i === 0 ? entry : `,\n    ${entry}`);
    }
    await push(`${after}\n`);
    await flush();
    await handle.datasync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return { sha256: `0x${hash.digest('hex')}`, bytes };
}
