import { Alert, Button, Checkbox, Group, Paper, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useId, useState } from 'react';
import type { ConsentCheckResult } from '../../../shared/api/index.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PathChooser } from '../components/PathChooser.tsx';
import { Tiles } from '../components/Tiles.tsx';
import { formatBytes } from '../format.ts';
import { useStatus } from '../status-context.tsx';
import { DatasetSelect } from './DatasetSelect.tsx';
import { DecisionSummary, SubjectTable } from './DecisionView.tsx';
import { UseRequestFields } from './UseRequestFields.tsx';
import { subsetFormatOf } from './subset-form.ts';
import { EMPTY_USE_REQUEST, describeUseRequest, toUseRequest, type UseRequestForm } from './use-request-form.ts';

/** "Check a purpose": the dataset decision, the result per subject, and the eligible subset. */
export function CheckPanel() {
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [form, setForm] = useState<UseRequestForm>(EMPTY_USE_REQUEST);
  const check = useOperation('consentCheck');
  // The subset is derived for the request that was checked, not for later edits of the form.
  const [checked, setChecked] = useState<{ datasetId: string; form: UseRequestForm } | null>(null);
  const run = async (): Promise<void> => {
    if (datasetId === null) return;
    setChecked(null);
    if ((await check.run({ datasetId, request: toUseRequest(form) })) !== undefined) setChecked({ datasetId, form });
  };
  return (
    <Stack>
      <Paper withBorder p="md">
        <Stack>
          <DatasetSelect value={datasetId} onChange={setDatasetId} required description="Every subject linked to it is checked." />
          <UseRequestFields value={form} onChange={setForm} />
          <Group>
            <Button onClick={() => void run()} disabled={datasetId === null} loading={check.state.status === 'loading'}>
              Check
            </Button>
            <Text size="xs" c="dimmed">
              The decision is recorded in the audit log.
            </Text>
          </Group>
        </Stack>
      </Paper>
      {check.state.status === 'error' ? <ErrorAlert error={check.state.error} /> : null}
      {check.state.status === 'success' && checked !== null ? <CheckResultView result={check.state.value} checked={checked} /> : null}
    </Stack>
  );
}

function CheckResultView({ result, checked }: { result: ConsentCheckResult; checked: { datasetId: string; form: UseRequestForm } }) {
  return (
    <Stack>
      <DecisionSummary facts={result} />
      <Title order={3}>Result per subject</Title>
      <SubjectTable subjects={result.subjects} counts={result.counts} />
      <Title order={3}>Eligible subset</Title>
      {result.decision === 'ALLOW' ? (
        <Text size="sm">Every linked subject allows this use: the whole dataset may be used.</Text>
      ) : result.eligible.length === 0 ? (
        <Alert color="red" title="No eligible subject">
          No subject allows this use ({describeUseRequest(checked.form)}): there is no subset to derive.
        </Alert>
      ) : (
        <SubsetForm eligible={result.eligible.length} total={result.total} checked={checked} />
      )}
    </Stack>
  );
}

function SubsetForm({ eligible, total, checked }: { eligible: number; total: number; checked: { datasetId: string; form: UseRequestForm } }) {
  const [input, setInput] = useState<string[]>([]);
  const [out, setOut] = useState<string[]>([]);
  const [column, setColumn] = useState('');
  const [format, setFormat] = useState<'csv' | 'vcf' | null>(null);
  const [notarize, setNotarize] = useState(false);
  const [title, setTitle] = useState('');
  const subset = useOperation('consentSubset');
  const { status } = useStatus();
  const formatId = useId();
  const chosen = format ?? (input[0] === undefined ? null : subsetFormatOf(input[0]));
  const locked = status !== null && !status.unlocked;
  const ready = input.length === 1 && out.length === 1 && chosen !== null && (chosen === 'vcf' || column.trim() !== '') && !(notarize && locked);
  const derive = (): void => {
    if (!ready || input[0] === undefined || out[0] === undefined || chosen === null) return;
    void subset.run({
      datasetId: checked.datasetId,
      request: toUseRequest(checked.form),
      format: chosen,
      input: input[0],
      out: out[0],
      ...(chosen === 'csv' ? { column: column.trim() } : {}),
      notarize,
      ...(notarize && title.trim() !== '' ? { title: title.trim() } : {}),
    });
  };
  const done = subset.state.status === 'success' ? subset.state.value : null;
  return (
    <Paper withBorder p="md">
      <Stack>
        <Text size="sm">
          {eligible} of {total} subject(s) allow {describeUseRequest(checked.form)}. Derive a copy of one of the dataset&apos;s CSV or VCF files that keeps only their rows or samples.
        </Text>
        <Tiles cols={2}>
          <PathChooser label="Dataset file" description="One of the notarized files (retrieve the dataset first)." pickers={[{ label: 'Choose file…', purpose: 'subset-input' }]} paths={input} onChange={setInput} multiple={false} />
          <PathChooser label="Subset file" description="A new file; never overwritten." pickers={[{ label: 'Save as…', purpose: 'subset-output' }]} paths={out} onChange={setOut} multiple={false} />
        </Tiles>
        <Group align="flex-end">
          <div>
            <Text size="sm" fw={500} id={formatId}>
              Format
            </Text>
            <SegmentedControl
              aria-labelledby={formatId}
              value={chosen ?? ''}
              onChange={(v) => setFormat(v as 'csv' | 'vcf')}
              data={[
                { value: 'csv', label: 'CSV rows' },
                { value: 'vcf', label: 'VCF samples' },
              ]}
            />
          </div>
          {chosen === 'csv' ? <TextInput label="Subject id column" placeholder="e.g. participant" value={column} onChange={(e) => setColumn(e.currentTarget.value)} required /> : null}
        </Group>
        <Checkbox label="Notarize the subset as a new dataset linked to its parent" checked={notarize} onChange={(e) => setNotarize(e.currentTarget.checked)} />
        {notarize ? <TextInput label="Title of the subset" placeholder="Default: the parent's title — eligible subset for the purpose" value={title} onChange={(e) => setTitle(e.currentTarget.value)} /> : null}
        {notarize && locked ? (
          <Text size="sm" c="orange.9">
            Unlock your account in Settings to notarize the subset.
          </Text>
        ) : null}
        <Group>
          <Button onClick={derive} disabled={!ready} loading={subset.state.status === 'loading'}>
            Derive the eligible subset
          </Button>
        </Group>
        {subset.state.status === 'error' ? <ErrorAlert error={subset.state.error} /> : null}
        {done === null ? null : (
          <Alert color="teal" title="Eligible subset written" role="status">
            <Stack gap={4}>
              <Text size="sm">
                {done.subset.out}: kept {done.subset.kept}, dropped {done.subset.dropped} {chosen === 'vcf' ? 'samples' : 'rows'} ({done.subset.subjects} eligible subjects, {formatBytes(done.subset.bytes)}).
              </Text>
              <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                SHA-256 {done.subset.sha256}
              </Text>
              {done.dataset === null ? null : (
                <Text size="sm">
                  Notarized as a new dataset (root {done.dataset.root.slice(0, 12)}…); receipt {done.dataset.receiptPath}.
                </Text>
              )}
              <Text size="xs" c="dimmed">
                Recorded as audit log entry #{done.logSeq}.
              </Text>
            </Stack>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
