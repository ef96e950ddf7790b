/**
 * Managed settings (issue 6): a machine-wide file by which lab IT fixes the network and
 * registry, confirmations, IPFS backend and pinning service, allowed networks, whether
 * public mode is allowed and default recipients, over every user's settings.json.
 * Public surface:
 * - {@link loadManagedSettings}: read and trust-check the file (root-owned, regular, not
 *   group/other-writable), never throwing for a bad file;
 * - {@link applyManagedSettings}: the effective settings, locked keys and policy;
 * - policy checks {@link assertPublicModeAllowed}, {@link assertNetworkAllowed},
 *   {@link recipientsWithDefaults};
 * - {@link parseManagedSettings} and the schema; {@link defaultManagedSettingsFile}.
 */
export { defaultManagedSettingsFile, LINUX_MANAGED_SETTINGS_FILE, MACOS_MANAGED_SETTINGS_FILE } from './locations.ts';
export { loadManagedSettings, untrustedReason } from './load.ts';
export type { LoadManagedSettingsOptions, ManagedSettingsState, ManagedSettingsStatus } from './load.ts';
export { applyManagedSettings } from './merge.ts';
export type { EffectivePolicy, EffectiveSettings, LockedKey } from './merge.ts';
export { assertNetworkAllowed, assertPublicModeAllowed, DEVNET_CHAIN_ID_NUMBER, recipientsWithDefaults } from './policy.ts';
export { managedSettingsSchema, MAX_MANAGED_SETTINGS_BYTES, parseManagedSettings } from './schema.ts';
export type { ManagedSettings } from './schema.ts';
