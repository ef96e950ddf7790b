/**
 * The compiled contracts (solc-js output committed by contracts/build.ts). Re-exported here so the
 * rest of main/ does not reach into contracts/ paths.
 */
import type { InterfaceAbi } from 'ethers';
import notaryRegistry from '../../../contracts/artifacts/NotaryRegistry.ts';
import testWallet from '../../../contracts/artifacts/TestERC1271Wallet.ts';
import testMulticall from '../../../contracts/artifacts/TestMulticall.ts';

/** ABI and creation bytecode of a contract. Bytecode is 0x hex. */
export interface CompiledContract {
  abi: InterfaceAbi;
  bytecode: string;
  deployedBytecode: string;
  /** solc version string, e.g. "0.8.37+commit.…". */
  compilerVersion: string;
}

function compiled(artifact: typeof notaryRegistry): CompiledContract {
  return {
    abi: artifact.abi as InterfaceAbi,
    bytecode: artifact.bytecode,
    deployedBytecode: artifact.deployedBytecode,
    compilerVersion: artifact.compiler.version,
  };
}

/** contracts/NotaryRegistry.sol. */
export const NOTARY_REGISTRY: CompiledContract = compiled(notaryRegistry);

/** contracts/test/TestERC1271Wallet.sol: a k-of-n ERC-1271 wallet, for tests and benchmarks only. */
export const TEST_ERC1271_WALLET: CompiledContract = compiled(testWallet);

/** contracts/test/TestMulticall.sol: several calls in one transaction, for tests only. */
export const TEST_MULTICALL: CompiledContract = compiled(testMulticall);
