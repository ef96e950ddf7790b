/**
 * User settings of a data folder (`settings.json`), validated by zod. For now: the chain
 * network to anchor on when it is not the embedded devnet. Lab-managed settings that
 * override these come with the deployment issue.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NotariumError } from '../../shared/errors.ts';
import { writeFileAtomic } from './fs/durable-files.ts';
import { ipfsSettingsSchema } from './ipfs/backend-settings.ts';

export const settingsSchema = z.strictObject({
  network: z
    .strictObject({
      /** Preset name (sepolia, ethereum, base, …) or a custom name. */
      name: z.string().min(1),
      /** EIP-155 chain id the RPC endpoint must report. */
      chainId: z.number().int().positive(),
      rpcUrl: z.url({ protocol: /^(https?|wss?)$/ }).optional(),
      /** NotaryRegistry address on that chain. */
      registry: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
      /** Block of the registry deployment (lower bound for event look-ups). */
      registryDeployBlock: z.number().int().nonnegative().optional(),
      confirmations: z.number().int().min(0).max(100).optional(),
    })
    .optional(),
  /** IPFS backend, networking and pinning service (main/core/ipfs/backend-settings.ts, docs/IPFS.md). */
  ipfs: ipfsSettingsSchema.optional(),
});
export type Settings = z.infer<typeof settingsSchema>;

/**
 * Reads `<dataDir>/settings.json`; a missing file means defaults (embedded devnet).
 * @throws NotariumError('INVALID_INPUT') naming the file for malformed settings.
 */
export async function readSettings(dataDir: string): Promise<Settings> {
  const file = path.join(dataDir, 'settings.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotariumError('INVALID_INPUT', `${file} is not valid JSON.`, { cause: e });
  }
  const r = settingsSchema.safeParse(raw);
  if (!r.success) throw new NotariumError('INVALID_INPUT', `${file} is invalid:\n${z.prettifyError(r.error)}`);
  return r.data;
}

/**
 * Changes `<dataDir>/settings.json` with `change` (applied to the file as it is now, so other
 * sections written meanwhile are kept) and writes it atomically, fsynced, mode 0600 (an RPC URL
 * may carry an API key). `notarium deploy` records the network and registry this way.
 * @returns the settings written.
 * @throws NotariumError('INVALID_INPUT') when the file is malformed or the result is invalid.
 */
export async function updateSettings(dataDir: string, change: (current: Settings) => Settings): Promise<Settings> {
  const next = change(await readSettings(dataDir));
  const r = settingsSchema.safeParse(next);
  if (!r.success) throw new NotariumError('INVALID_INPUT', `The new settings are invalid:\n${z.prettifyError(r.error)}`);
  await writeFileAtomic(path.join(dataDir, 'settings.json'), new TextEncoder().encode(`${JSON.stringify(r.data, null, 2)}\n`), 'fsync');
  return r.data;
}
