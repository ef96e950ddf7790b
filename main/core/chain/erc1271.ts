/**
 * ERC-1271 signature check (https://eips.ethereum.org/EIPS/eip-1271): asks a contract
 * wallet (e.g. a lab multisig) whether it accepts `signature` for `digest`.
 */
import { Contract, type Provider } from 'ethers';

/** bytes4(keccak256("isValidSignature(bytes32,bytes)")). */
export const ERC1271_MAGIC = '0x1626ba7e';

const ERC1271_ABI = ['function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)'];

/**
 * True when `account` holds contract code and its `isValidSignature(digest, signature)`
 * returns the magic value, at `blockTag` (default: latest). False for an EOA, a rejected
 * signature or a reverting call. Network failures propagate.
 */
export async function isValidErc1271Signature(provider: Provider, account: string, digest: string, signature: string, blockTag?: number): Promise<boolean> {
  if ((await provider.getCode(account, blockTag)) === '0x') return false;
  try {
    const wallet = new Contract(account, ERC1271_ABI, provider);
    const magic = (await wallet.getFunction('isValidSignature').staticCall(digest, signature, blockTag === undefined ? {} : { blockTag })) as string;
    return magic.toLowerCase() === ERC1271_MAGIC;
  } catch {
    return false;
  }
}
