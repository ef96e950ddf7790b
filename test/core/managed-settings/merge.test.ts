import { generateIdentity, identityToRecipient } from 'age-encryption';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNotariumError } from '../../../shared/errors.ts';
import {
  applyManagedSettings,
  assertNetworkAllowed,
  assertPublicModeAllowed,
  parseManagedSettings,
  recipientsWithDefaults,
  type ManagedSettingsState,
} from '../../../main/core/managed-settings/index.ts';
import type { Settings } from '../../../main/core/settings.ts';

const FILE = '/etc/notarium/managed.json';
const applied = (settings: unknown): ManagedSettingsState => ({ file: FILE, status: 'applied', settings: parseManagedSettings(JSON.stringify(settings), FILE), warnings: [] });
const absent: ManagedSettingsState = { file: FILE, status: 'absent', settings: null, warnings: [] };

function policyError(f: () => void): string {
  try {
    f();
  } catch (e) {
    if (isNotariumError(e) && e.code === 'POLICY_DENIED') return e.message;
    throw e;
  }
  throw new Error('expected POLICY_DENIED');
}

const user: Settings = {
  network: { name: 'base', chainId: 8453, rpcUrl: 'https://user.example.org', registry: '0x0000000000000000000000000000000000000001', confirmations: 7 },
  ipfs: { backend: 'embedded', networking: { mode: 'off' } },
};

describe('effective settings: managed over user', () => {
  let steward: string;
  let me: string;
  beforeAll(async () => {
    steward = await identityToRecipient(await generateIdentity());
    me = await identityToRecipient(await generateIdentity());
  });

  it('without managed settings, the user settings apply unchanged and nothing is locked or restricted', () => {
    const e = applyManagedSettings(user, absent);
    expect(e.settings).toEqual(user);
    expect(e.locked).toEqual([]);
    expect(e.policy).toEqual({ allowPublicMode: true, allowedChainIds: null, defaultRecipients: [], minConfirmations: null, autoLockMinutes: null, blockedReason: null });
  });

  it('a managed network replaces the whole user network section and is reported locked', () => {
    const network = { name: 'sepolia', chainId: 11155111, rpcUrl: 'https://lab.example.org', registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };
    const e = applyManagedSettings(user, applied({ network }));
    expect(e.settings.network).toEqual(network);
    expect(e.settings.ipfs).toEqual(user.ipfs);
    expect(e.locked).toEqual(['network']);
    expect(user.network?.chainId).toBe(8453);
  });

  it('managed confirmations are a floor: the user may wait longer, never less', () => {
    expect(applyManagedSettings(user, applied({ confirmations: 3 })).settings.network?.confirmations).toBe(7);
    const e = applyManagedSettings({ ...user, network: { name: 'base', chainId: 8453, confirmations: 1 } }, applied({ confirmations: 3 }));
    expect(e.settings.network?.confirmations).toBe(3);
    expect(e.locked).toEqual(['network.confirmations']);
    expect(e.policy.minConfirmations).toBe(3);
  });

  it('a managed ipfs section (backend and pinning service) replaces the user one', () => {
    const ipfs = { backend: 'kubo', kubo: { url: 'http://127.0.0.1:5001' }, pinningService: { endpoint: 'https://pins.example.org/psa' } };
    const e = applyManagedSettings(user, applied({ ipfs }));
    expect(e.settings.ipfs).toEqual(ipfs);
    expect(e.locked).toEqual(['ipfs']);
  });

  it('lists every policy key the file fixes as locked', () => {
    const e = applyManagedSettings({}, applied({ allowedNetworks: [31337], allowPublicMode: false, defaultRecipients: [steward], autoLockMinutes: 5 }));
    expect(e.locked.sort()).toEqual(['allowPublicMode', 'allowedNetworks', 'autoLockMinutes', 'defaultRecipients']);
    expect(e.policy).toMatchObject({ allowPublicMode: false, allowedChainIds: [31337], defaultRecipients: [steward], autoLockMinutes: 5 });
  });

  it('a refused file changes nothing', () => {
    const e = applyManagedSettings(user, { file: FILE, status: 'refused', settings: null, warnings: ['ignored: owned by uid 1000'] });
    expect(e.settings).toEqual(user);
    expect(e.locked).toEqual([]);
    expect(e.policy.blockedReason).toBeNull();
    expect(e.managed.warnings).toEqual(['ignored: owned by uid 1000']);
  });

  it('an invalid trusted file blocks anchoring and public mode (fail closed), with the reason', () => {
    const e = applyManagedSettings(user, { file: FILE, status: 'invalid', settings: null, warnings: [`${FILE} is not valid JSON.`] });
    expect(policyError(() => assertNetworkAllowed(e.policy, 8453n, 'Base', FILE))).toMatch(/Anchoring is disabled: .* not valid JSON/);
    expect(policyError(() => assertPublicModeAllowed(e.policy, true, FILE))).toMatch(/Public mode is disabled/);
    expect(() => assertPublicModeAllowed(e.policy, false, FILE)).not.toThrow();
  });

  it('refuses public mode when disallowed, and chains outside allowedNetworks', () => {
    const { policy } = applyManagedSettings({}, applied({ allowPublicMode: false, allowedNetworks: [11155111] }));
    expect(policyError(() => assertPublicModeAllowed(policy, true, FILE))).toContain(FILE);
    expect(() => assertNetworkAllowed(policy, 11155111n, 'Sepolia', FILE)).not.toThrow();
    expect(policyError(() => assertNetworkAllowed(policy, 31337n, 'the embedded devnet', FILE))).toMatch(/chain 31337\) is not allowed.*11155111/);
    const none = applyManagedSettings({}, applied({ allowedNetworks: [] })).policy;
    expect(policyError(() => assertNetworkAllowed(none, 1n, 'Ethereum', FILE))).toMatch(/allow chain ids: none/);
  });

  it('adds the default recipients to every dataset, after the own and requested ones, without duplicates', () => {
    const { policy } = applyManagedSettings({}, applied({ defaultRecipients: [steward, me] }));
    expect(recipientsWithDefaults(me, [], policy)).toEqual([me, steward]);
    expect(recipientsWithDefaults(me, [steward], policy)).toEqual([me, steward]);
  });
});
