/**
 * The StoragePort (ports.ts) of an IpfsBackend: what the notary code stores and reads
 * encrypted objects through, with CIDs as strings (CIDv1, base32).
 */
import { CID } from 'multiformats/cid';
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import type { IpfsBackend } from '../ipfs/index.ts';
import type { StoragePort } from './ports.ts';
import { collect } from './retrieve.ts';

/** Multicodec code of raw binary blocks (CIDv1 `bafkrei…`). */
const RAW_CODEC = 0x55;

/** Re-words a missing block as what it means to the user: this dataset is not on this machine. */
function missingData(e: unknown, cid: string, ipfsDir: string): unknown {
  return isNotariumError(e) && e.code === 'NOT_FOUND'
    ? new NotariumError('NOT_FOUND', `The encrypted data ${cid} is not in this machine's IPFS store (${ipfsDir}): import the dataset's CAR file, or connect to an IPFS node that has it.`, { cause: e })
    : e;
}

async function* explainMissing(source: AsyncIterable<Uint8Array>, cid: string, ipfsDir: string): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } catch (e) {
    throw missingData(e, cid, ipfsDir);
  }
}

/**
 * The port over `ipfs`. With `groupCommit`, adds and pins become durable only at
 * `commit()` (one flush for many objects); without, each is durable when it resolves.
 * A block missing from the store is reported as NotariumError('NOT_FOUND') naming
 * `ipfsDir` and the CAR import that would bring it; readSmall throws ('INVALID_INPUT') for
 * an object larger than `maxBytes`.
 */
export function ipfsStoragePort(ipfs: IpfsBackend, options: { ipfsDir: string; groupCommit?: boolean }): StoragePort {
  const commit = options.groupCommit !== true;
  const { ipfsDir } = options;
  return {
    addBytes: async (bytes) => (await ipfs.addBytes(bytes, { commit })).cid.toString(),
    addStream: async (source, signal) => (await ipfs.addStream(source, signal === undefined ? { commit } : { signal, commit })).cid.toString(),
    pin: (cid) => ipfs.pin(CID.parse(cid), { commit }),
    isPinned: (cid) => ipfs.isPinned(CID.parse(cid)),
    commit: () => ipfs.commit(),
    cat: (cid, signal) => explainMissing(ipfs.cat(CID.parse(cid), signal === undefined ? {} : { signal }), cid, ipfsDir),
    readSmall: async (cid, maxBytes) => {
      const parsed = CID.parse(cid);
      // A raw-leaf CID's block is the content itself (unixfs-v1-2025 stores objects up to
      // 1 MiB so): one verified block read instead of a UnixFS export.
      if (parsed.code === RAW_CODEC) {
        const block = await ipfs.getBlock(parsed).catch((e: unknown) => {
          throw missingData(e, cid, ipfsDir);
        });
        if (block.length > maxBytes) throw new NotariumError('INVALID_INPUT', `Object ${cid} is larger than ${maxBytes} bytes.`);
        return block;
      }
      return collect(explainMissing(ipfs.cat(parsed), cid, ipfsDir), maxBytes, `Object ${cid}`);
    },
  };
}
