import { Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Loader, NumberInput, Paper, PasswordInput, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { Status } from '../../../shared/api/index.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { LabBadge } from '../components/LabBadge.tsx';
import { AccountBackupCard } from '../settings/AccountBackupCard.tsx';
import { ManagedSettingsBanner } from '../settings/ManagedSettingsBanner.tsx';
import { PinningTokenCard } from '../settings/PinningTokenCard.tsx';
import { useStatus } from '../status-context.tsx';

export function SettingsScreen() {
  const { status, error, refresh } = useStatus();
  if (error !== null) return <ErrorAlert error={error} onRetry={() => void refresh()} />;
  if (status === null)
    return (
      <Group>
        <Loader size="sm" />
        <Text>Loading settings…</Text>
      </Group>
    );
  return (
    <Stack maw={820}>
      <Title order={2}>Settings</Title>
      <ManagedSettingsBanner managed={status.managed} />
      <AccountCard status={status} refresh={refresh} />
      <AccountBackupCard status={status} refresh={refresh} />
      {status.managed.locked.includes('network') ? <LockedNetworkCard status={status} /> : <NetworkCard status={status} refresh={refresh} />}
      <Paper withBorder p="md">
        <Title order={3} mb="xs">
          Storage
        </Title>
        <Text size="sm">IPFS: embedded node (offline-first; blocks stay in your data folder).</Text>
        <Value label="IPFS blocks" value={status.ipfs.dir} />
        <Value label="Data folder" value={status.dataDir} />
        <Text size="xs" c="dimmed" mt="xs">
          To use another data folder, start Notarium with NOTARIUM_DATA_DIR set.
        </Text>
      </Paper>
      <PinningTokenCard status={status} refresh={refresh} />
    </Stack>
  );
}

function Value({ label, value }: { label: string; value: string }) {
  return (
    <Group gap="xs" mt={6} wrap="nowrap">
      <Text size="sm" c="dimmed" w={140}>
        {label}
      </Text>
      <Code style={{ wordBreak: 'break-all' }}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button size="compact-xs" variant="subtle" onClick={copy} aria-label={`Copy ${label}`}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

function AccountCard({ status, refresh }: { status: Status; refresh(): Promise<void> }) {
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [remember, setRemember] = useState(false);
  const create = useOperation('createAccount');
  const unlock = useOperation('unlock');
  const lock = useOperation('lock');
  const op = status.account === null ? create : unlock;
  const submit = async (): Promise<void> => {
    await op.run({ passphrase, remember });
    setPassphrase('');
    setConfirm('');
    await refresh();
  };
  const mismatch = status.account === null && confirm !== '' && confirm !== passphrase;
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={3}>Account</Title>
        {status.account === null ? <Badge variant="light" color="gray">none</Badge> : status.unlocked ? <Badge variant="light" color="teal">unlocked</Badge> : <Badge variant="light" color="yellow">locked</Badge>}
      </Group>
      {status.account !== null ? (
        <>
          <Value label="Ethereum address" value={status.account.address} />
          <Value label="age recipient" value={status.account.recipient} />
          <Text size="xs" c="dimmed" mt={4}>
            Give your age recipient to collaborators who share encrypted data with you.
          </Text>
        </>
      ) : (
        <Text size="sm">Create your account: an Ethereum key to sign notarizations and an age key to decrypt data, both protected by one passphrase.</Text>
      )}
      {status.unlocked ? (
        <Group mt="md">
          <Button
            variant="default"
            onClick={async () => {
              await lock.run({});
              await refresh();
            }}
          >
            Lock
          </Button>
          {status.keychain.remembered ? <Text size="sm">The passphrase is kept in the OS keychain ({status.keychain.backend}).</Text> : null}
        </Group>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Stack mt="md" gap="sm" maw={460}>
            <PasswordInput label={status.account === null ? 'New passphrase' : 'Passphrase'} description={status.account === null ? 'At least 8 characters. It cannot be recovered: keep it safe.' : undefined} value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} autoComplete={status.account === null ? 'new-password' : 'current-password'} />
            {status.account === null ? <PasswordInput label="Repeat the passphrase" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={mismatch ? 'The passphrases differ' : undefined} autoComplete="new-password" /> : null}
            <Checkbox label="Remember in the OS keychain" description={status.keychain.refusal ?? `Backend: ${status.keychain.backend}`} disabled={!status.keychain.available} checked={remember && status.keychain.available} onChange={(e) => setRemember(e.currentTarget.checked)} />
            <Group>
              <Button type="submit" loading={op.state.status === 'loading'} disabled={passphrase === '' || (status.account === null && confirm !== passphrase)}>
                {status.account === null ? 'Create account' : 'Unlock'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {op.state.status === 'error' ? (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={op.state.error} />
        </div>
      ) : null}
    </Paper>
  );
}

/** The network fixed by the lab's managed settings: shown, not editable. */
function LockedNetworkCard({ status }: { status: Status }) {
  const net = status.network;
  return (
    <Paper withBorder p="md" aria-label="Network (set by your lab)">
      <Group justify="space-between" mb="xs">
        <Title order={3}>Network</Title>
        <LabBadge />
      </Group>
      <Text size="sm" mb="xs">
        Your lab fixes the network for this machine ({status.managed.file}); ask lab IT to change it.
      </Text>
      <Value label="Network" value={`${net.name} (chain id ${net.chainId ?? 'unknown'})`} />
      {net.rpcUrl === null ? null : <Value label="RPC URL" value={net.rpcUrl} />}
      {net.registry === null ? null : <Value label="NotaryRegistry" value={net.registry} />}
    </Paper>
  );
}

function NetworkCard({ status, refresh }: { status: Status; refresh(): Promise<void> }) {
  const [mode, setMode] = useState<'devnet' | 'rpc'>(status.network.mode);
  const [name, setName] = useState(status.network.mode === 'rpc' ? status.network.name : '');
  const [rpcUrl, setRpcUrl] = useState(status.network.rpcUrl ?? '');
  const [chainId, setChainId] = useState<number | string>(status.network.mode === 'rpc' ? Number(status.network.chainId) : '');
  const [registry, setRegistry] = useState(status.network.registry ?? '');
  const save = useOperation('setNetwork');
  const submit = async (): Promise<void> => {
    const r = await save.run(mode === 'devnet' ? { mode } : { mode, name, rpcUrl, chainId: Number(chainId), registry });
    if (r !== undefined) await refresh();
  };
  return (
    <Paper withBorder p="md">
      <Title order={3} mb="xs">
        Network
      </Title>
      <Text size="sm" mb="sm">
        Now: <b>{status.network.name}</b> (chain id {status.network.chainId ?? 'unknown'}){status.network.local ? ' — the embedded local devnet; its anchors prove nothing to third parties.' : ` via ${status.network.rpcUrl ?? ''}`}
      </Text>
      <SegmentedControl
        aria-label="Network mode"
        value={mode}
        onChange={(v) => setMode(v as 'devnet' | 'rpc')}
        data={[
          { value: 'devnet', label: 'Embedded devnet' },
          { value: 'rpc', label: 'RPC endpoint' },
        ]}
      />
      {mode === 'rpc' ? (
        <Stack gap="sm" mt="sm" maw={560}>
          <TextInput label="Network name" placeholder="sepolia" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput label="RPC URL" placeholder="https://…" value={rpcUrl} onChange={(e) => setRpcUrl(e.currentTarget.value)} />
          <NumberInput label="Chain id" description="Checked against the endpoint before saving." min={1} value={chainId} onChange={setChainId} />
          <TextInput label="NotaryRegistry address" placeholder="0x…" value={registry} onChange={(e) => setRegistry(e.currentTarget.value)} />
        </Stack>
      ) : null}
      <Group mt="sm">
        <Button variant="light" onClick={() => void submit()} loading={save.state.status === 'loading'}>
          {mode === 'rpc' ? 'Check and save' : 'Use the embedded devnet'}
        </Button>
      </Group>
      {save.state.status === 'error' ? (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={save.state.error} />
        </div>
      ) : null}
      {save.state.status === 'success' ? (
        <Alert color="teal" mt="sm" title="Saved" role="status">
          Using {save.state.value.name} (chain id {save.state.value.chainId ?? 'unknown'}).
        </Alert>
      ) : null}
    </Paper>
  );
}
