import { Alert, Text } from '@mantine/core';
import type { ManagedInfo } from '../../../shared/api/index.ts';

const LOCKED_LABELS: Record<ManagedInfo['locked'][number], string> = {
  network: 'network and registry',
  'network.confirmations': 'confirmations',
  ipfs: 'IPFS storage',
  allowedNetworks: 'allowed networks',
  allowPublicMode: 'public mode',
  defaultRecipients: 'default recipients',
  autoLockMinutes: 'auto-lock',
};

/**
 * What the lab's managed settings do here (issue 6): which settings they fix, or, for a
 * refused or invalid file, the warning lab IT must act on.
 */
export function ManagedSettingsBanner({ managed }: { managed: ManagedInfo }) {
  if (managed.status === 'refused' || managed.status === 'invalid')
    return (
      <Alert color="red" title={managed.status === 'refused' ? 'Lab settings ignored' : 'Lab settings are invalid'} role="alert">
        {managed.warnings.map((w) => (
          <Text key={w} size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {w}
          </Text>
        ))}
        {managed.blockedReason === null ? null : (
          <Text size="sm" fw={500} mt="xs">
            Anchoring and public notarizations are disabled until lab IT fixes the file.
          </Text>
        )}
      </Alert>
    );
  if (managed.status !== 'applied' || managed.locked.length === 0) return null;
  return (
    <Alert color="grape" title="Some settings are set by your lab" role="status">
      <Text size="sm">
        {managed.file} fixes: {managed.locked.map((k) => LOCKED_LABELS[k]).join(', ')}. They are shown read-only.
      </Text>
    </Alert>
  );
}
