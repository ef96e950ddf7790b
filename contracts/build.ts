/**
 * Compiles contracts/*.sol offline with solc-js (the npm `solc` package, standard JSON) and writes
 * the committed artifacts in contracts/artifacts/.
 *
 *   node contracts/build.ts           write the artifacts
 *   node contracts/build.ts --check   recompile and exit 1 if any artifact differs byte for byte
 *
 * Reproducible by construction: source unit names are repository-relative (solc embeds them in
 * the metadata hash at the end of the bytecode), OpenZeppelin is resolved from node_modules at the
 * exact installed version, and the JSON is written with a fixed key order.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifactsDir = join(repoRoot, 'contracts', 'artifacts');

/** Contracts to build: source unit name (repository-relative) and contract name. */
export const CONTRACTS = [
  { source: 'contracts/NotaryRegistry.sol', name: 'NotaryRegistry' },
  { source: 'contracts/test/TestERC1271Wallet.sol', name: 'TestERC1271Wallet' },
  { source: 'contracts/test/TestMulticall.sol', name: 'TestMulticall' },
] as const;

/**
 * Compiler settings. viaIR + optimizer cut the anchor gas (see TOOLCHAIN.md); runs favour call
 * cost over deployment size because the registry is deployed once and called for every dataset.
 * evmVersion cancun: every preset chain (Ethereum, Sepolia, Base, Optimism, Arbitrum, Polygon,
 * Gnosis) executes it, whereas newer targets could emit opcodes some of them lack.
 */
export const SOLC_SETTINGS = {
  viaIR: true,
  optimizer: { enabled: true, runs: 10_000 },
  evmVersion: 'cancun',
  metadata: { bytecodeHash: 'ipfs' },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
} as const;

/** Shape of a committed artifact file. Hex strings are 0x-prefixed. */
export interface ContractArtifact {
  contractName: string;
  sourceName: string;
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
  compiler: { name: 'solc-js'; version: string; settings: typeof SOLC_SETTINGS };
  /** sha256 (hex) of every source unit compiled, OpenZeppelin included, for provenance. */
  sources: Record<string, string>;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
  sources?: Record<string, unknown>;
}

interface Solc {
  version(): string;
  compile(input: string, callbacks: { import: (path: string) => { contents: string } | { error: string } }): string;
}

function resolveImport(unitName: string): string {
  if (unitName.startsWith('contracts/')) return join(repoRoot, ...unitName.split('/'));
  const packageName = unitName.startsWith('@') ? unitName.split('/').slice(0, 2).join('/') : unitName.split('/')[0];
  if (packageName === undefined) throw new Error(`bad import ${unitName}`);
  const packageDir = dirname(require.resolve(`${packageName}/package.json`));
  return join(packageDir, ...unitName.slice(packageName.length + 1).split('/'));
}

function artifactPath(fileName: string): string {
  return relative(repoRoot, join(artifactsDir, fileName)).split(sep).join('/');
}

/**
 * Compiles every contract and returns the artifact files (`<Name>.json` and its `<Name>.ts` twin)
 * as `{ repository-relative path: text }`.
 * Throws an Error listing solc's messages when compilation fails (warnings are tolerated).
 */
export function compileArtifacts(): Map<string, string> {
  const solc = require('solc') as Solc;
  const sourceTexts = new Map<string, string>();
  const read = (unitName: string): string => {
    const text = readFileSync(resolveImport(unitName), 'utf8');
    sourceTexts.set(unitName, text);
    return text;
  };
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(CONTRACTS.map((c) => [c.source, { content: read(c.source) }])),
    settings: SOLC_SETTINGS,
  };
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import: (unitName) => {
        try {
          return { contents: read(unitName) };
        } catch (e) {
          return { error: `cannot read ${unitName}: ${(e as Error).message}` };
        }
      },
    }),
  ) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);

  const sources = Object.fromEntries(
    [...sourceTexts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, text]) => [name, createHash('sha256').update(text).digest('hex')]),
  );
  const files = new Map<string, string>();
  for (const { source, name } of CONTRACTS) {
    const compiled = output.contracts?.[source]?.[name];
    if (compiled === undefined) throw new Error(`solc produced no ${name}`);
    const artifact: ContractArtifact = {
      contractName: name,
      sourceName: source,
      abi: compiled.abi,
      bytecode: `0x${compiled.evm.bytecode.object}`,
      deployedBytecode: `0x${compiled.evm.deployedBytecode.object}`,
      compiler: { name: 'solc-js', version: solc.version(), settings: SOLC_SETTINGS },
      sources,
    };
    const json = JSON.stringify(artifact, null, 2);
    files.set(artifactPath(`${name}.json`), `${json}\n`);
    // A TypeScript twin, because tsc's composite projects cannot import JSON files outside their
    // include list, and bundlers (electron-vite) inline a module but not a file read at runtime.
    files.set(
      artifactPath(`${name}.ts`),
      `// Generated by contracts/build.ts from ${name}.json. Do not edit.\nimport type { ContractArtifact } from '../build.ts';\n\nconst artifact: ContractArtifact = ${json};\n\nexport default artifact;\n`,
    );
  }
  return files;
}

/** Paths (repository-relative) of artifacts that are missing or differ from a fresh compilation. */
export function staleArtifacts(files: Map<string, string> = compileArtifacts()): string[] {
  const stale: string[] = [];
  for (const [path, text] of files) {
    const absolute = join(repoRoot, path);
    if (!existsSync(absolute) || readFileSync(absolute, 'utf8') !== text) stale.push(path);
  }
  return stale;
}

function main(argv: string[]): number {
  const files = compileArtifacts();
  if (argv.includes('--check')) {
    const stale = staleArtifacts(files);
    if (stale.length > 0) {
      process.stderr.write(`artifacts differ from a fresh compilation: ${stale.join(', ')}\nrun: node contracts/build.ts\n`);
      return 1;
    }
    process.stdout.write(`artifacts up to date (${[...files.keys()].join(', ')})\n`);
    return 0;
  }
  mkdirSync(artifactsDir, { recursive: true });
  for (const [path, text] of files) writeFileSync(join(repoRoot, path), text);
  process.stdout.write(`wrote ${[...files.keys()].join(', ')}\n`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
