import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileArtifacts, staleArtifacts } from '../../contracts/build.ts';
import type { SOLC_SETTINGS } from '../../contracts/build.ts';
import { NOTARY_REGISTRY } from '../../main/core/chain/artifacts.ts';

describe('contracts/build.ts', () => {
  it('reproduces the committed artifacts byte for byte (solc-js, offline)', () => {
    const files = compileArtifacts();
    expect([...files.keys()].sort()).toEqual([
      'contracts/artifacts/NotaryRegistry.json',
      'contracts/artifacts/NotaryRegistry.ts',
      'contracts/artifacts/TestERC1271Wallet.json',
      'contracts/artifacts/TestERC1271Wallet.ts',
      'contracts/artifacts/TestMulticall.json',
      'contracts/artifacts/TestMulticall.ts',
    ]);
    expect(staleArtifacts(files)).toEqual([]);
  }, 120_000);

  it('records the compiler and the settings the gas budget depends on', () => {
    const artifact = JSON.parse(readFileSync(new URL('../../contracts/artifacts/NotaryRegistry.json', import.meta.url), 'utf8')) as { compiler: { version: string; settings: typeof SOLC_SETTINGS } };
    expect(artifact.compiler.version).toMatch(/^0\.8\.37\+commit\./);
    expect(artifact.compiler.settings).toMatchObject({ viaIR: true, optimizer: { enabled: true } });
    expect(NOTARY_REGISTRY.bytecode).toMatch(/^0x[0-9a-f]+$/);
  });
});
