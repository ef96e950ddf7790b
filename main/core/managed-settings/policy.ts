/**
 * The checks the services run against the machine's policy (merge.ts). Pure: each either
 * returns or throws NotariumError('POLICY_DENIED') with a message naming the managed file.
 */
import { NotariumError } from '../../../shared/errors.ts';
import type { EffectivePolicy } from './merge.ts';

/** Chain id of the embedded devnet, as a managed `allowedNetworks` entry names it. */
export const DEVNET_CHAIN_ID_NUMBER = 31337;

function blocked(policy: EffectivePolicy, what: string): void {
  if (policy.blockedReason !== null) throw new NotariumError('POLICY_DENIED', `${what} is disabled: ${policy.blockedReason}`);
}

/**
 * Refuses a "public" (unsalted) notarization when the policy forbids it.
 * @throws NotariumError('POLICY_DENIED')
 */
export function assertPublicModeAllowed(policy: EffectivePolicy, isPublic: boolean, source: string): void {
  if (!isPublic) return;
  blocked(policy, 'Public mode');
  if (!policy.allowPublicMode) {
    throw new NotariumError('POLICY_DENIED', `Public (unsalted) notarization is not allowed on this machine (managed settings ${source}): notarize without --public.`);
  }
}

/**
 * Refuses anchoring (or deploying) on a chain the policy does not list.
 * @param chainId EIP-155 chain id of the chain about to be used.
 * @throws NotariumError('POLICY_DENIED')
 */
export function assertNetworkAllowed(policy: EffectivePolicy, chainId: bigint, name: string, source: string): void {
  blocked(policy, 'Anchoring');
  const allowed = policy.allowedChainIds;
  if (allowed === null || allowed.some((id) => BigInt(id) === chainId)) return;
  const list = allowed.length === 0 ? 'none' : allowed.join(', ');
  throw new NotariumError('POLICY_DENIED', `Anchoring on ${name} (chain ${chainId}) is not allowed on this machine; the managed settings ${source} allow chain ids: ${list}.`, {
    details: { chainId: chainId.toString(), allowed },
  });
}

/** The recipients of a new dataset: the account's own, the request's, then the policy's defaults; duplicates removed, order kept. */
export function recipientsWithDefaults(own: string, requested: readonly string[], policy: EffectivePolicy): string[] {
  return [...new Set([own, ...requested, ...policy.defaultRecipients])];
}
