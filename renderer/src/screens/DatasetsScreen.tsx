import { Badge, Button, Group, Loader, Paper, Select, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import type { DatasetSummaryInfo } from '../../../shared/api/index.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { VirtualList } from '../components/VirtualList.tsx';
import { SORTS, filterDatasets, statusLabel, type SortKey } from '../datasets/filter.ts';
import { PendingAnchorsPanel } from '../datasets/PendingAnchorsPanel.tsx';
import { PendingJobsPanel } from '../datasets/PendingJobsPanel.tsx';
import { SharePanel } from '../datasets/SharePanel.tsx';
import { formatBytes } from '../format.ts';
import type { Navigate } from '../navigation.ts';

export function DatasetsScreen({ navigate }: { navigate: Navigate }) {
  const list = useOperation('listDatasets');
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('newest');
  const [sharing, setSharing] = useState<DatasetSummaryInfo | null>(null);
  const { run } = list;
  useEffect(() => {
    void run({});
  }, [run]);
  const all = list.state.status === 'success' ? list.state.value : null;
  const shown = useMemo(() => (all === null ? [] : filterDatasets(all, query, sort)), [all, query, sort]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Datasets</Title>
        <Group>
          <Button variant="default" onClick={() => void run({})}>
            Refresh
          </Button>
          <Button onClick={() => navigate('notarize')}>Notarize a dataset</Button>
        </Group>
      </Group>
      <PendingJobsPanel onResumed={() => void run({})} />
      <PendingAnchorsPanel onResumed={() => void run({})} />
      {list.state.status === 'loading' || list.state.status === 'idle' ? (
        <Group>
          <Loader size="sm" />
          <Text>Loading datasets…</Text>
        </Group>
      ) : list.state.status === 'error' ? (
        <ErrorAlert error={list.state.error} onRetry={() => void run({})} />
      ) : all !== null && all.length === 0 ? (
        <Paper withBorder p="xl">
          <Stack align="center">
            <Title order={3}>No datasets yet</Title>
            <Text c="dimmed">Notarize a folder of research data to prove what it contained, when, and who authored it.</Text>
            <Button onClick={() => navigate('notarize')}>Notarize your first dataset</Button>
          </Stack>
        </Paper>
      ) : (
        <>
          {sharing === null ? null : <SharePanel key={sharing.id} dataset={sharing} onClose={() => setSharing(null)} />}
          <Group align="flex-end">
            <TextInput label="Search" placeholder="Title, root (0x…) or id" value={query} onChange={(e) => setQuery(e.currentTarget.value)} style={{ flex: 1 }} />
            <Select label="Sort" data={Object.entries(SORTS).map(([value, label]) => ({ value, label }))} value={sort} onChange={(v) => setSort((v as SortKey | null) ?? 'newest')} allowDeselect={false} w={200} />
          </Group>
          <Text size="sm" c="dimmed" aria-live="polite">
            {shown.length === all?.length ? `${shown.length} dataset(s)` : `${shown.length} of ${all?.length ?? 0} dataset(s) match`}
          </Text>
          <VirtualList items={shown} rowHeight={64} height={560} label="Datasets" getKey={(d) => d.id} render={(d) => <DatasetRow d={d} navigate={navigate} onShare={setSharing} />} />
        </>
      )}
    </Stack>
  );
}

function DatasetRow({ d, navigate, onShare }: { d: DatasetSummaryInfo; navigate: Navigate; onShare(d: DatasetSummaryInfo): void }) {
  const s = statusLabel(d);
  const receipt = d.receiptPath;
  return (
    <Group justify="space-between" wrap="nowrap" px="sm" h="100%" className="dataset-row">
      <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
        <Text fw={600} truncate="end">
          {d.title}
        </Text>
        <Text size="xs" c="dimmed" truncate="end">
          {new Date(d.createdAt * 1000).toLocaleString()} · {d.fileCount} file(s) · {formatBytes(d.totalBytes)} · root {d.root.slice(0, 12)}…
        </Text>
      </Stack>
      <Tooltip label={s.description}>
        <Badge color={s.color} variant="light" aria-label={`status: ${s.label}`}>
          {s.label}
        </Badge>
      </Tooltip>
      <Group gap="xs" wrap="nowrap">
        <Button size="xs" variant="light" disabled={receipt === null} onClick={() => receipt !== null && navigate('verify', { receipt })} aria-label={`Verify ${d.title}`}>
          Verify
        </Button>
        <Button size="xs" variant="light" disabled={receipt === null} onClick={() => receipt !== null && navigate('retrieve', { receipt })} aria-label={`Retrieve ${d.title}`}>
          Retrieve
        </Button>
        <Button size="xs" variant="light" onClick={() => onShare(d)} aria-label={`Share ${d.title}`}>
          Share
        </Button>
      </Group>
    </Group>
  );
}
