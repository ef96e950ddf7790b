/**
 * User settings of a data folder (`settings.json`), validated by zod. For now: the chain
 * network to anchor on when it is not the embedded devnet. Lab-managed settings that
 * override these come with the deployment issue.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NotariumError } from '../../shared/errors.ts';

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
