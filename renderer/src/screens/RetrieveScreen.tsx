import { Alert, Button, Group, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PathChooser } from '../components/PathChooser.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { formatBytes } from '../format.ts';

export function RetrieveScreen({ initialReceipt }: { initialReceipt?: string }) {
  const [from, setFrom] = useState<'receipt' | 'dataset'>(initialReceipt === undefined ? 'dataset' : 'receipt');
  const [receipt, setReceipt] = useState<string[]>(initialReceipt === undefined ? [] : [initialReceipt]);
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [out, setOut] = useState<string[]>([]);
  const datasets = useOperation('listDatasets');
  const retrieve = useOperation('retrieve');
  const { run: loadDatasets } = datasets;
  useEffect(() => {
    void loadDatasets({});
  }, [loadDatasets]);
  const source = from === 'receipt' ? receipt[0] : (datasetId ?? undefined);
  const options = datasets.state.status === 'success' ? datasets.state.value.map((d) => ({ value: d.id, label: `${d.title} — ${d.fileCount} file(s), ${formatBytes(d.totalBytes)}` })) : [];

  return (
    <Stack>
      <Title order={2}>Retrieve a dataset</Title>
      <Text c="dimmed">Fetches the encrypted files from IPFS, decrypts them with your key, and checks every file&apos;s SHA-256 before it is written.</Text>
      <div>
        <Text size="sm" fw={500} id="source-label">
          Source
        </Text>
        <SegmentedControl
          aria-labelledby="source-label"
          value={from}
          onChange={(v) => setFrom(v as 'receipt' | 'dataset')}
          data={[
            { value: 'dataset', label: 'A dataset of mine' },
            { value: 'receipt', label: 'A receipt file' },
          ]}
        />
      </div>
      {from === 'dataset' ? (
        datasets.state.status === 'error' ? (
          <ErrorAlert error={datasets.state.error} onRetry={() => void loadDatasets({})} />
        ) : (
          <Select label="Dataset" placeholder={datasets.state.status === 'loading' ? 'Loading…' : options.length === 0 ? 'No datasets yet' : 'Choose a dataset'} data={options} value={datasetId} onChange={setDatasetId} searchable limit={200} />
        )
      ) : (
        <PathChooser label="Receipt" pickers={[{ label: 'Choose receipt…', purpose: 'receipt' }]} paths={receipt} onChange={setReceipt} multiple={false} />
      )}
      <PathChooser label="Destination" description="A new or empty folder." pickers={[{ label: 'Choose folder…', purpose: 'retrieve-destination' }]} paths={out} onChange={setOut} multiple={false} />
      <Group>
        <Button onClick={() => source !== undefined && out[0] !== undefined && void retrieve.run({ source, out: out[0] })} disabled={source === undefined || out.length !== 1} loading={retrieve.state.status === 'loading'}>
          Retrieve
        </Button>
      </Group>
      {retrieve.state.status === 'loading' ? <ProgressPanel label="Retrieval" progress={retrieve.state.progress} /> : null}
      {retrieve.state.status === 'error' ? <ErrorAlert error={retrieve.state.error} /> : null}
      {retrieve.state.status === 'success' ? (
        <Alert color="teal" title="Retrieved and verified" role="status">
          Restored {retrieve.state.value.fileCount} file(s) ({formatBytes(retrieve.state.value.totalBytes)}) into {retrieve.state.value.out}. Every file&apos;s SHA-256 matched the notarized one.
        </Alert>
      ) : null}
    </Stack>
  );
}
