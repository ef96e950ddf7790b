import { Alert, Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { Status } from '../../../shared/api/index.ts';
import { call } from '../api/client.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

/**
 * Account backup (main/core/keys/account-backup.ts): export an encrypted backup file when
 * unlocked; restore one into a data folder that has no account yet.
 */
export function AccountBackupCard({ status, refresh }: { status: Status; refresh(): Promise<void> }) {
  if (status.account === null) return <ImportBackup refresh={refresh} />;
  return <ExportBackup unlocked={status.unlocked} />;
}

function ExportBackup({ unlocked }: { unlocked: boolean }) {
  const [backupPassphrase, setBackupPassphrase] = useState('');
  const exporter = useOperation('exportAccount');
  const save = async (): Promise<void> => {
    const { paths } = await call('pickPaths', { purpose: 'account-backup-out' });
    const out = paths[0];
    if (out === undefined) return;
    await exporter.run({ out, ...(backupPassphrase === '' ? {} : { backupPassphrase }) });
    setBackupPassphrase('');
  };
  return (
    <Paper withBorder p="md">
      <Title order={3} mb="xs">
        Account backup
      </Title>
      <Text size="sm">Save your keys as one encrypted file (age, scrypt) to restore them on another computer or after a disk failure.</Text>
      <Stack gap="sm" mt="sm" maw={460}>
        <PasswordInput label="Backup passphrase (optional)" description="Leave empty to protect the backup with your account passphrase." value={backupPassphrase} onChange={(e) => setBackupPassphrase(e.currentTarget.value)} autoComplete="new-password" disabled={!unlocked} />
        <Group>
          <Button variant="light" onClick={() => void save()} disabled={!unlocked || (backupPassphrase !== '' && backupPassphrase.length < 8)} loading={exporter.state.status === 'loading'}>
            Export backup…
          </Button>
          {unlocked ? null : <Text size="sm">Unlock your account to export it.</Text>}
        </Group>
      </Stack>
      {exporter.state.status === 'error' ? (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={exporter.state.error} />
        </div>
      ) : null}
      {exporter.state.status === 'success' ? (
        <Alert color="teal" mt="sm" title="Backup saved" role="status">
          {exporter.state.value.path}. Keep it and its passphrase apart.
        </Alert>
      ) : null}
    </Paper>
  );
}

function ImportBackup({ refresh }: { refresh(): Promise<void> }) {
  const [file, setFile] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [backupPassphrase, setBackupPassphrase] = useState('');
  const importer = useOperation('importAccount');
  const choose = async (): Promise<void> => {
    const { paths } = await call('pickPaths', { purpose: 'account-backup' });
    if (paths[0] !== undefined) setFile(paths[0]);
  };
  const restore = async (): Promise<void> => {
    if (file === null) return;
    const done = await importer.run({ file, passphrase, ...(backupPassphrase === '' ? {} : { backupPassphrase }) });
    setPassphrase('');
    setBackupPassphrase('');
    if (done !== undefined) await refresh();
  };
  return (
    <Paper withBorder p="md">
      <Title order={3} mb="xs">
        Restore from a backup
      </Title>
      <Text size="sm">Already have an account on another computer? Restore its backup instead of creating a new one.</Text>
      <Stack gap="sm" mt="sm" maw={460}>
        <Group>
          <Button variant="default" onClick={() => void choose()}>
            Choose backup file…
          </Button>
          {file === null ? null : (
            <Text size="sm" style={{ wordBreak: 'break-all' }}>
              {file}
            </Text>
          )}
        </Group>
        <PasswordInput label="Account passphrase" description="The passphrase the account had when it was exported." value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} autoComplete="current-password" />
        <PasswordInput label="Backup passphrase (if different)" value={backupPassphrase} onChange={(e) => setBackupPassphrase(e.currentTarget.value)} autoComplete="off" />
        <Group>
          <Button onClick={() => void restore()} disabled={file === null || passphrase.length < 8} loading={importer.state.status === 'loading'}>
            Restore account
          </Button>
        </Group>
      </Stack>
      {importer.state.status === 'error' ? (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={importer.state.error} />
        </div>
      ) : null}
    </Paper>
  );
}
