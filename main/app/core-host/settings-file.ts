/**
 * Writes the network part of a data folder's `settings.json` (read by
 * main/core/settings.ts), validated by the same schema, atomically (temp file + rename).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readSettings, settingsSchema, type Settings } from '../../core/settings.ts';

/** Replaces `network` in `<dataDir>/settings.json` (undefined: back to the embedded devnet). */
export async function writeNetworkSettings(dataDir: string, network: Settings['network']): Promise<Settings> {
  const current = await readSettings(dataDir);
  const next = settingsSchema.parse(network === undefined ? { ...current, network: undefined } : { ...current, network });
  const file = path.join(dataDir, 'settings.json');
  // Notarium.open leaves a new data folder to be made on first write: this may be it.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(tmp, file);
  return next;
}
