/**
 * Effective settings: the user's settings.json with the managed settings laid over them.
 * Managed values win, whole section by section (a network's chain id, RPC URL and registry
 * belong together, as do an IPFS backend and its pinning service), and every key they fix
 * is reported as locked so the UI can show it read-only and the CLI can mark it.
 */
import type { Settings } from '../settings.ts';
import type { ManagedSettingsState } from './load.ts';

/** Keys a managed settings file can lock, as the UI and CLI name them. */
export type LockedKey = 'network' | 'network.confirmations' | 'ipfs' | 'allowedNetworks' | 'allowPublicMode' | 'defaultRecipients' | 'autoLockMinutes';

/** What the machine's policy allows, after merging. */
export interface EffectivePolicy {
  /** False: "public" (unsalted) notarizations are refused. */
  allowPublicMode: boolean;
  /** EIP-155 chain ids anchoring may use; null: any. */
  allowedChainIds: number[] | null;
  /** age recipients added to every notarization. */
  defaultRecipients: string[];
  /** Fewest confirmations every anchor waits for; null: the network's default. */
  minConfirmations: number | null;
  /** Idle minutes before the desktop app locks the account; null: the app's default. */
  autoLockMinutes: number | null;
  /**
   * Set when a trusted managed file is invalid: operations a policy may restrict
   * (anchoring, public mode) are refused with this reason until IT fixes the file.
   */
  blockedReason: string | null;
}

export interface EffectiveSettings {
  /** The settings the services use. */
  settings: Settings;
  /** Keys fixed by the managed settings (empty when none apply). */
  locked: LockedKey[];
  policy: EffectivePolicy;
  /** Where the managed settings came from and what happened to them. */
  managed: ManagedSettingsState;
}

/** Lays `managed` over the user's `settings` (pure; neither argument is changed). */
export function applyManagedSettings(settings: Settings, managed: ManagedSettingsState): EffectiveSettings {
  const m = managed.settings;
  const policy: EffectivePolicy = {
    allowPublicMode: m?.allowPublicMode ?? true,
    allowedChainIds: m?.allowedNetworks === undefined ? null : [...m.allowedNetworks],
    defaultRecipients: [...(m?.defaultRecipients ?? [])],
    minConfirmations: m?.confirmations ?? null,
    autoLockMinutes: m?.autoLockMinutes ?? null,
    blockedReason: managed.status === 'invalid' ? (managed.warnings[0] ?? `Managed settings ${managed.file} are invalid.`) : null,
  };
  if (m === null || managed.status !== 'applied') return { settings: { ...settings }, locked: [], policy, managed };

  const locked: LockedKey[] = [];
  const merged: Settings = { ...settings };
  if (m.network !== undefined) {
    merged.network = { ...m.network };
    locked.push('network');
  }
  if (m.confirmations !== undefined) {
    if (merged.network !== undefined) merged.network = { ...merged.network, confirmations: Math.max(m.confirmations, merged.network.confirmations ?? 0) };
    locked.push('network.confirmations');
  }
  if (m.ipfs !== undefined) {
    merged.ipfs = m.ipfs;
    locked.push('ipfs');
  }
  if (m.allowedNetworks !== undefined) locked.push('allowedNetworks');
  if (m.allowPublicMode !== undefined) locked.push('allowPublicMode');
  if (m.defaultRecipients !== undefined) locked.push('defaultRecipients');
  if (m.autoLockMinutes !== undefined) locked.push('autoLockMinutes');
  return { settings: merged, locked, policy, managed };
}
