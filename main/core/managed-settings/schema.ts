/**
 * The machine-wide managed settings file (lab presets, issue 6): what lab IT may fix for
 * every user of a workstation. JSON, validated by a strict zod schema (an unknown key is an
 * error, so a misspelt policy is never silently ignored). Every key is optional:
 *
 *   { "network": { "name": "sepolia", "chainId": 11155111, "rpcUrl": "https://…",
 *                  "registry": "0x…", "registryDeployBlock": 123 },
 *     "confirmations": 3,
 *     "allowedNetworks": [11155111],
 *     "allowPublicMode": false,
 *     "defaultRecipients": ["age1…the lab's data steward…"],
 *     "autoLockMinutes": 15,
 *     "ipfs": { "backend": "kubo", "kubo": { "url": "http://127.0.0.1:5001" },
 *               "pinningService": { "endpoint": "https://pins.example.org/psa" } } }
 *
 * - network: the chain and NotaryRegistry to anchor on (same shape as settings.json's);
 *   replaces the user's whole `network` section.
 * - confirmations: fewest confirmations every anchor waits for (1..100).
 * - allowedNetworks: EIP-155 chain ids anchoring may use (31337 is the embedded devnet);
 *   an empty list forbids anchoring on this machine.
 * - allowPublicMode: false forbids "public" (unsalted) notarizations. Default true.
 * - defaultRecipients: age recipients added to every notarization (e.g. the data steward).
 * - autoLockMinutes: idle time after which the desktop app forgets the passphrase.
 * - ipfs: replaces the user's whole `ipfs` section (main/core/ipfs/backend-settings.ts).
 */
import { z } from 'zod';
import { NotariumError } from '../../../shared/errors.ts';
import { parseRecipient } from '../crypto/keys.ts';
import { ipfsSettingsSchema } from '../ipfs/backend-settings.ts';
import { settingsSchema } from '../settings.ts';

/** Largest managed settings file read, bytes: a policy is a few hundred bytes. */
export const MAX_MANAGED_SETTINGS_BYTES = 64 * 1024;

const chainId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const ageRecipient = z.string().max(2048).superRefine((value, ctx) => {
  try {
    parseRecipient(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not an age recipient: ${value.slice(0, 80)}` });
  }
});

export const managedSettingsSchema = z
  .strictObject({
    /** Optional pointer to documentation or a JSON schema; ignored. */
    $comment: z.string().max(4096).optional(),
    network: settingsSchema.shape.network.unwrap().optional(),
    confirmations: z.number().int().min(1).max(100).optional(),
    allowedNetworks: z.array(chainId).max(64).optional(),
    allowPublicMode: z.boolean().optional(),
    defaultRecipients: z.array(ageRecipient).max(32).optional(),
    autoLockMinutes: z.number().int().min(1).max(24 * 60).optional(),
    ipfs: ipfsSettingsSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.network !== undefined && value.allowedNetworks !== undefined && !value.allowedNetworks.includes(value.network.chainId)) {
      ctx.addIssue({ code: 'custom', path: ['network', 'chainId'], message: `network.chainId ${value.network.chainId} is not in allowedNetworks` });
    }
  });

/** A validated managed settings file. */
export type ManagedSettings = z.infer<typeof managedSettingsSchema>;

/**
 * Parses the text of a managed settings file.
 * @param source the file's path, for messages.
 * @throws NotariumError('INVALID_INPUT') naming `source` for text that is too long, not JSON,
 *   or not valid under {@link managedSettingsSchema}.
 */
export function parseManagedSettings(text: string, source: string): ManagedSettings {
  if (text.length > MAX_MANAGED_SETTINGS_BYTES) {
    throw new NotariumError('INVALID_INPUT', `${source} is larger than ${MAX_MANAGED_SETTINGS_BYTES} bytes.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new NotariumError('INVALID_INPUT', `${source} is not valid JSON.`, { cause });
  }
  const r = managedSettingsSchema.safeParse(raw);
  if (!r.success) throw new NotariumError('INVALID_INPUT', `${source} is invalid:\n${z.prettifyError(r.error)}`);
  return r.data;
}
