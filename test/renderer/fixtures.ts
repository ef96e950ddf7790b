/** Contract answers shared by the component tests (shapes of shared/api responses). */
import type { ErrorCode } from '../../shared/errors.ts';

export const ROOT = `0x${'ab'.repeat(32)}`;
export const MY_ADDRESS = `0x${'12'.repeat(20)}`;
export const CO_ADDRESS = `0x${'34'.repeat(20)}`;

export const STATUS = {
  dataDir: '/data',
  account: { address: MY_ADDRESS, recipient: 'age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqq', createdAt: 1 },
  unlocked: true,
  keychain: { available: false, backend: 'basic_text', remembered: false, refusal: 'plain text backend' },
  network: { mode: 'devnet', name: 'devnet', chainId: '31337', rpcUrl: null, registry: null, local: true },
  ipfs: { mode: 'embedded', dir: '/data/ipfs' },
  managed: { status: 'absent', file: '/etc/notarium/managed-settings.json', locked: [], warnings: [], allowPublicMode: true, defaultRecipients: [], allowedChainIds: null, blockedReason: null },
  pinningToken: { stored: false, writable: true },
};

export const dataset = (i: number, title = `Dataset ${i}`) => ({ id: `id-${i}`, title, root: ROOT, status: 'anchored', fileCount: i, totalBytes: 1000 * i, createdAt: 1_700_000_000 + i, receiptPath: `/r/${i}.json`, confirmations: 2, supersededBy: null });

export const ok = <T>(value: T) => ({ ok: true as const, value });
export const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>) => ({ ok: false as const, error: { code, message, ...(details === undefined ? {} : { details }) } });
