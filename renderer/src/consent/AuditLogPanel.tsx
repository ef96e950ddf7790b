import { Alert, Badge, Button, Group, List, Loader, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { ConsentLogEntryInfo, ConsentLogVerifyInfo } from '../../../shared/api/index.ts';
import { asFailure, call, type ApiFailure } from '../api/client.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { VirtualList } from '../components/VirtualList.tsx';
import { shortHex } from '../format.ts';
import { useStatus } from '../status-context.tsx';

const PAGE = 100;

type Entries = { status: 'loading' } | { status: 'error'; error: ApiFailure } | { status: 'ready'; entries: ConsentLogEntryInfo[]; hasMore: boolean };

/** The hash-chained audit log: its verification state, its head's notarization, its entries. */
export function AuditLogPanel() {
  const verify = useOperation('consentLogVerify');
  const anchor = useOperation('consentLogAnchor');
  const [entries, setEntries] = useState<Entries>({ status: 'loading' });
  const { status } = useStatus();
  const { run: runVerify } = verify;

  const load = useCallback(async (offset: number, previous: ConsentLogEntryInfo[]) => {
    try {
      const r = await call('consentLogEntries', { limit: PAGE, offset });
      setEntries({ status: 'ready', entries: [...previous, ...r.entries], hasMore: r.hasMore });
    } catch (e) {
      setEntries({ status: 'error', error: asFailure(e) });
    }
  }, []);
  const refresh = useCallback(() => {
    void runVerify({});
    setEntries({ status: 'loading' });
    void load(0, []);
  }, [runVerify, load]);
  useEffect(refresh, [refresh]);

  const notarizeHead = async (): Promise<void> => {
    if ((await anchor.run({})) !== undefined) refresh();
  };
  const locked = status !== null && !status.unlocked;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>Audit log</Title>
        <Group>
          <Button variant="default" onClick={refresh} loading={verify.state.status === 'loading'}>
            Verify again
          </Button>
          <Button onClick={() => void notarizeHead()} loading={anchor.state.status === 'loading'} disabled={locked || verify.state.status !== 'success' || !verify.state.value.ok || verify.state.value.head === null}>
            Notarize the log head
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Every consent change and every decision is chained to the previous entry by its SHA-256. Notarizing the head puts only its number and hash on the chain — never a subject id.
      </Text>
      {verify.state.status === 'loading' || verify.state.status === 'idle' ? (
        <Group>
          <Loader size="sm" />
          <Text>Verifying the audit log…</Text>
        </Group>
      ) : verify.state.status === 'error' ? (
        <ErrorAlert error={verify.state.error} onRetry={refresh} />
      ) : (
        <VerifyState report={verify.state.value} />
      )}
      {anchor.state.status === 'error' ? <ErrorAlert error={anchor.state.error} /> : null}
      {anchor.state.status === 'success' ? (
        <Alert color="teal" title={`Head #${anchor.state.value.seq} notarized`} role="status">
          Anchored on {anchor.state.value.network}
          {anchor.state.value.local ? ' (local devnet: proves nothing to third parties)' : ''}; receipt {anchor.state.value.receiptPath}.
        </Alert>
      ) : null}
      {locked ? (
        <Text size="xs" c="dimmed">
          Unlock your account in Settings to notarize the log head.
        </Text>
      ) : null}
      <Title order={4}>Entries, newest first</Title>
      {entries.status === 'loading' ? (
        <Group>
          <Loader size="sm" />
          <Text>Loading entries…</Text>
        </Group>
      ) : entries.status === 'error' ? (
        <ErrorAlert error={entries.error} onRetry={refresh} />
      ) : entries.entries.length === 0 ? (
        <Text c="dimmed">The log is empty: nothing has been recorded yet.</Text>
      ) : (
        <>
          <VirtualList items={entries.entries} rowHeight={52} height={420} label="Audit log entries" getKey={(e) => String(e.seq)} render={(e) => <EntryRow e={e} />} />
          {entries.hasMore ? (
            <Group>
              <Button variant="default" onClick={() => void load(entries.entries.length, entries.entries)}>
                Load older entries
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Stack>
  );
}

function VerifyState({ report }: { report: ConsentLogVerifyInfo }) {
  const anchored = report.checkpoints.filter((c) => c.source === 'anchor').length;
  const facts = `${report.entries} entries${report.head === null ? '' : `, head #${report.head.seq} ${shortHex(report.head.hash)}`}; ${report.records} consent record(s) cross-checked; ${report.checkpoints.length} checkpoint(s), ${anchored} notarized.`;
  if (report.ok) {
    return (
      <Alert color="teal" title="VERIFIED" role="status">
        <Text size="sm">No entry was edited, removed or reordered. {facts}</Text>
      </Alert>
    );
  }
  return (
    <Alert color="red" title="NOT VERIFIED" role="status">
      <Stack gap={4}>
        <Text size="sm">The log or the consent records were changed outside Notarium. {facts}</Text>
        <List size="sm" spacing={2}>
          {report.problems.slice(0, 50).map((p, i) => (
            <List.Item key={i}>
              <Text span size="sm" fw={600}>
                {p.code}
                {p.seq === null ? '' : ` (entry #${p.seq})`}
              </Text>
              : {p.message}
            </List.Item>
          ))}
        </List>
        {report.problems.length > 50 ? <Text size="sm">…and {report.problems.length - 50} more.</Text> : null}
      </Stack>
    </Alert>
  );
}

function EntryRow({ e }: { e: ConsentLogEntryInfo }) {
  const data = JSON.stringify(e.data) ?? '';
  return (
    <Group wrap="nowrap" px="sm" h="100%" gap="sm">
      <Text size="sm" ff="monospace" w={60}>
        #{e.seq}
      </Text>
      <Badge variant="light" color={e.kind.startsWith('decision') ? 'indigo' : 'gray'} w={190}>
        {e.kind}
      </Badge>
      <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
        <Text size="xs" truncate="end" ff="monospace" title={data.slice(0, 2000)}>
          {data.slice(0, 300)}
        </Text>
        <Text size="xs" c="dimmed" truncate="end">
          {new Date(e.at * 1000).toISOString().replace('.000Z', 'Z')} · {e.actor ?? 'unknown'} · {shortHex(e.hash)}
        </Text>
      </Stack>
    </Group>
  );
}
