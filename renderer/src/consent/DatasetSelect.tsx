import { Select } from '@mantine/core';
import { useEffect } from 'react';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

/** Chooses one of the ledger's datasets by title; its value is the dataset id. */
export function DatasetSelect({ value, onChange, label = 'Dataset', description, required = false }: { value: string | null; onChange(id: string | null): void; label?: string; description?: string; required?: boolean }) {
  const datasets = useOperation('listDatasets');
  const { run } = datasets;
  useEffect(() => {
    void run({});
  }, [run]);
  if (datasets.state.status === 'error') return <ErrorAlert error={datasets.state.error} onRetry={() => void run({})} />;
  const options = datasets.state.status === 'success' ? datasets.state.value.map((d) => ({ value: d.id, label: `${d.title} — ${d.root.slice(0, 10)}…` })) : [];
  return (
    <Select
      label={label}
      description={description}
      required={required}
      placeholder={datasets.state.status === 'success' ? (options.length === 0 ? 'No datasets yet' : 'Choose a dataset') : 'Loading…'}
      data={options}
      value={value}
      onChange={onChange}
      searchable
      clearable={!required}
      limit={200}
      nothingFoundMessage="No dataset matches"
    />
  );
}
