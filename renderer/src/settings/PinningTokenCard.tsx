import { Alert, Badge, Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { Status } from '../../../shared/api/index.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

/**
 * The IPFS pinning service's access token: write-only. It goes to the OS keychain in the
 * shell and is never read back into this window; the card only knows whether one is stored.
 */
export function PinningTokenCard({ status, refresh }: { status: Status; refresh(): Promise<void> }) {
  const [token, setToken] = useState('');
  const save = useOperation('setPinningToken');
  const { stored, writable } = status.pinningToken;
  const submit = async (): Promise<void> => {
    const done = await save.run({ token });
    setToken('');
    if (done !== undefined) await refresh();
  };
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={3}>Pinning service token</Title>
        {stored ? <Badge variant="light" color="teal">stored in the OS keychain</Badge> : <Badge variant="light" color="gray">none</Badge>}
      </Group>
      <Text size="sm">The access token of your IPFS Pinning Service (set in settings or by your lab). It is kept in the OS keychain and cannot be shown again.</Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm" mt="sm" maw={560}>
          <PasswordInput label={stored ? 'Replace the token' : 'Token'} value={token} onChange={(e) => setToken(e.currentTarget.value)} autoComplete="off" disabled={!writable} visibilityToggleButtonProps={{ 'aria-label': 'Show the token while typing' }} />
          {writable ? null : <Text size="sm">No usable OS keychain here: the token cannot be stored (set NOTARIUM_PINNING_TOKEN for the command line instead).</Text>}
          <Group>
            <Button type="submit" variant="light" disabled={!writable || token.trim() === ''} loading={save.state.status === 'loading'}>
              Save token
            </Button>
          </Group>
        </Stack>
      </form>
      {save.state.status === 'error' ? (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={save.state.error} />
        </div>
      ) : null}
      {save.state.status === 'success' ? (
        <Alert color="teal" mt="sm" title="Token saved" role="status">
          The pinning service token is in the OS keychain.
        </Alert>
      ) : null}
    </Paper>
  );
}
