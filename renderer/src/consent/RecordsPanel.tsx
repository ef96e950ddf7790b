import { Alert, Badge, Button, Checkbox, Group, List, Loader, Paper, SegmentedControl, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useCallback, useEffect, useId, useState } from 'react';
import type { ConsentListRequest, ConsentRecordInfo } from '../../../shared/api/index.ts';
import { asFailure, call, type ApiFailure } from '../api/client.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PathChooser } from '../components/PathChooser.tsx';
import { Tiles } from '../components/Tiles.tsx';
import { VirtualList } from '../components/VirtualList.tsx';
import { DatasetSelect } from './DatasetSelect.tsx';
import { EFFECTIVE_STATUSES, STATUS_LOOK, duoTermOptions } from './labels.ts';

const PAGE = 500;

interface Filters {
  status: ConsentRecordInfo['effectiveStatus'] | null;
  term: string | null;
  subject: string;
  datasetId: string | null;
  history: boolean;
}

const NO_FILTERS: Filters = { status: null, term: null, subject: '', datasetId: null, history: false };

const unfiltered = (f: Filters): boolean => f.status === null && f.term === null && f.subject.trim() === '' && f.datasetId === null;

function listRequest(f: Filters, offset: number): ConsentListRequest {
  return {
    ...(f.status === null ? {} : { status: f.status }),
    ...(f.term === null ? {} : { term: f.term }),
    ...(f.subject.trim() === '' ? {} : { subjectId: f.subject.trim() }),
    ...(f.datasetId === null ? {} : { datasetId: f.datasetId }),
    history: f.history,
    limit: PAGE,
    offset,
  };
}

type Listing = { status: 'loading' } | { status: 'error'; error: ApiFailure } | { status: 'ready'; records: ConsentRecordInfo[]; hasMore: boolean; loadingMore: boolean };

/** Subjects and their consent records, filtered by status and DUO term; import, link, withdraw, export. */
export function RecordsPanel() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [withdrawing, setWithdrawing] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let current = true;
    setListing({ status: 'loading' });
    call('consentList', listRequest(filters, 0)).then(
      (r) => current && setListing({ status: 'ready', records: r.records, hasMore: r.hasMore, loadingMore: false }),
      (e: unknown) => current && setListing({ status: 'error', error: asFailure(e) }),
    );
    return () => {
      current = false;
    };
  }, [filters, generation]);

  const more = async (): Promise<void> => {
    if (listing.status !== 'ready') return;
    setListing({ ...listing, loadingMore: true });
    try {
      const r = await call('consentList', listRequest(filters, listing.records.length));
      setListing({ status: 'ready', records: [...listing.records, ...r.records], hasMore: r.hasMore, loadingMore: false });
    } catch (e) {
      setListing({ status: 'error', error: asFailure(e) });
    }
  };
  const set = <K extends keyof Filters>(k: K, v: Filters[K]): void => setFilters((f) => ({ ...f, [k]: v }));

  return (
    <Stack>
      <FlaggedNotice generation={generation} />
      <Group justify="space-between" align="flex-end">
        <Title order={3}>Consent records</Title>
        <ExportButton />
      </Group>
      <Tiles cols={4}>
        <Select label="Status" placeholder="Any status" data={EFFECTIVE_STATUSES.map((s) => ({ value: s, label: STATUS_LOOK[s].label }))} value={filters.status} onChange={(v) => set('status', v as Filters['status'])} clearable />
        <Select label="DUO term" placeholder="Any term" data={duoTermOptions()} value={filters.term} onChange={(v) => set('term', v)} searchable clearable />
        <TextInput label="Subject id" placeholder="Exact pseudonymous id" value={filters.subject} onChange={(e) => set('subject', e.currentTarget.value)} />
        <DatasetSelect label="Linked to dataset" value={filters.datasetId} onChange={(v) => set('datasetId', v)} />
      </Tiles>
      <Checkbox label="Show the full history (superseded records too)" checked={filters.history} onChange={(e) => set('history', e.currentTarget.checked)} />
      {withdrawing === null ? null : (
        <WithdrawForm
          subjectId={withdrawing}
          onClose={() => setWithdrawing(null)}
          onDone={reload}
        />
      )}
      {listing.status === 'loading' ? (
        <Group>
          <Loader size="sm" />
          <Text>Loading consent records…</Text>
        </Group>
      ) : listing.status === 'error' ? (
        <ErrorAlert error={listing.error} onRetry={reload} />
      ) : listing.records.length === 0 ? (
        <Paper withBorder p="xl">
          <Stack align="center" gap="xs">
            <Title order={4}>{unfiltered(filters) ? 'No consent records yet' : 'No record matches these filters'}</Title>
            <Text c="dimmed" size="sm">
              {unfiltered(filters) ? 'Import a consent CSV or FHIR R4 file below, then link the subjects to their datasets. Subjects are known by pseudonymous ids only.' : 'Change or clear the filters.'}
            </Text>
          </Stack>
        </Paper>
      ) : (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {listing.records.length} record(s){listing.hasMore ? ' shown; more match' : ''}
          </Text>
          <VirtualList items={listing.records} rowHeight={56} height={480} label="Consent records" getKey={(r) => r.id} render={(r) => <RecordRow r={r} onWithdraw={setWithdrawing} />} />
          {listing.hasMore ? (
            <Group>
              <Button variant="default" onClick={() => void more()} loading={listing.loadingMore}>
                Show {PAGE} more
              </Button>
            </Group>
          ) : null}
        </>
      )}
      <Tiles cols={2}>
        <ImportCard onImported={reload} />
        <LinkCard onLinked={reload} />
      </Tiles>
    </Stack>
  );
}

function RecordRow({ r, onWithdraw }: { r: ConsentRecordInfo; onWithdraw(subjectId: string): void }) {
  const look = STATUS_LOOK[r.effectiveStatus];
  return (
    <Group wrap="nowrap" px="sm" h="100%" gap="sm">
      <Text size="sm" ff="monospace" w={150} truncate="end" title={r.subjectId}>
        {r.subjectId}
      </Text>
      <Badge color={look.color} variant="light" w={110} aria-label={`${r.subjectId} status: ${look.label}`}>
        {look.label}
      </Badge>
      <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
        <Text size="sm" fw={500} truncate="end">
          {r.summary}
        </Text>
        <Text size="xs" c="dimmed" truncate="end">
          given {r.givenDate} · valid {r.validFrom} → {r.validUntil ?? 'open'}
          {r.withdrawnDate === null ? '' : ` · withdrawn ${r.withdrawnDate} (${r.withdrawalScope ?? 'no-further-use'})`} · {r.source.toUpperCase()}
          {r.current ? '' : ' · not current'}
        </Text>
      </Stack>
      {r.current && r.status === 'active' ? (
        <Button size="xs" variant="light" color="red" onClick={() => onWithdraw(r.subjectId)} aria-label={`Withdraw the consent of ${r.subjectId}`}>
          Withdraw…
        </Button>
      ) : null}
    </Group>
  );
}

function ImportCard({ onImported }: { onImported(): void }) {
  const [file, setFile] = useState<string[]>([]);
  const [format, setFormat] = useState<string | null>('auto');
  const imp = useOperation('consentImport');
  const run = async (): Promise<void> => {
    if (file[0] === undefined) return;
    const r = await imp.run({ file: file[0], ...(format === 'csv' || format === 'fhir' || format === 'diseases' ? { format } : {}) });
    if (r !== undefined) onImported();
  };
  const done = imp.state.status === 'success' ? imp.state.value : null;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Import consent
        </Title>
        <PathChooser label="Consent file" description="CSV (docs/CONSENT.md §5.1), FHIR R4 Consent or Bundle (JSON), or a disease hierarchy (TSV)." pickers={[{ label: 'Choose file…', purpose: 'consent-file' }]} paths={file} onChange={setFile} multiple={false} />
        <Select
          label="Format"
          data={[
            { value: 'auto', label: 'By file extension' },
            { value: 'csv', label: 'Consent CSV' },
            { value: 'fhir', label: 'FHIR R4 JSON' },
            { value: 'diseases', label: 'Disease hierarchy (TSV)' },
          ]}
          value={format}
          onChange={setFormat}
          allowDeselect={false}
        />
        <Group>
          <Button onClick={() => void run()} disabled={file.length !== 1} loading={imp.state.status === 'loading'}>
            Import
          </Button>
        </Group>
        {imp.state.status === 'error' ? <ImportProblems error={imp.state.error} /> : null}
        {done === null ? null : (
          <Alert color="teal" title="Imported" role="status">
            {done.format === 'diseases'
              ? `Loaded ${done.terms ?? 0} disease term(s).`
              : `${done.imported} new record(s) for ${done.subjects} subject(s); ${done.unchanged} already stored; ${done.superseded} earlier record(s) superseded.`}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/** A rejected import lists every problem with its location (CSV line and column, FHIR JSON pointer). */
function ImportProblems({ error }: { error: ApiFailure }) {
  const problems = Array.isArray(error.details?.['problems']) ? (error.details['problems'] as { location?: unknown; message?: unknown }[]) : null;
  if (problems === null) return <ErrorAlert error={error} />;
  return (
    <Alert color="red" title={`Nothing was imported: ${problems.length} problem(s)`} role="alert">
      <List size="sm" spacing={2}>
        {problems.slice(0, 50).map((p, i) => (
          <List.Item key={i}>
            <Text span size="sm" fw={600}>
              {String(p.location)}
            </Text>
            : {String(p.message)}
          </List.Item>
        ))}
      </List>
      {problems.length > 50 ? <Text size="sm">…and {problems.length - 50} more.</Text> : null}
    </Alert>
  );
}

type LinkSource = 'ids' | 'csv' | 'vcf' | 'list';

function LinkCard({ onLinked }: { onLinked(): void }) {
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [source, setSource] = useState<LinkSource>('ids');
  const [ids, setIds] = useState('');
  const [file, setFile] = useState<string[]>([]);
  const [column, setColumn] = useState('');
  const link = useOperation('consentLink');
  const sourceId = useId();
  const subjects = ids.split(/[\s,;]+/).filter((s) => s !== '');
  const f = file[0];
  const request =
    datasetId === null
      ? null
      : source === 'ids'
        ? subjects.length === 0
          ? null
          : { datasetId, subjects }
        : f === undefined
          ? null
          : source === 'csv'
            ? column.trim() === ''
              ? null
              : { datasetId, csv: { file: f, column: column.trim() } }
            : source === 'vcf'
              ? { datasetId, vcf: { file: f } }
              : { datasetId, subjectsFile: f };
  const run = async (): Promise<void> => {
    if (request !== null && (await link.run(request)) !== undefined) onLinked();
  };
  const done = link.state.status === 'success' ? link.state.value : null;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Link subjects to a dataset
        </Title>
        <DatasetSelect value={datasetId} onChange={setDatasetId} required />
        <div>
          <Text size="sm" fw={500} id={sourceId}>
            Subjects from
          </Text>
          <SegmentedControl
            aria-labelledby={sourceId}
            value={source}
            onChange={(v) => setSource(v as LinkSource)}
            data={[
              { value: 'ids', label: 'Ids' },
              { value: 'csv', label: 'CSV column' },
              { value: 'vcf', label: 'VCF samples' },
              { value: 'list', label: 'List file' },
            ]}
          />
        </div>
        {source === 'ids' ? (
          <Textarea label="Subject ids" description="Pseudonymous ids, separated by spaces, commas or new lines." rows={3} value={ids} onChange={(e) => setIds(e.currentTarget.value)} />
        ) : (
          <>
            <PathChooser label="Subjects file" pickers={[{ label: 'Choose file…', purpose: 'link-source' }]} paths={file} onChange={setFile} multiple={false} />
            {source === 'csv' ? <TextInput label="Subject id column" value={column} onChange={(e) => setColumn(e.currentTarget.value)} required /> : null}
          </>
        )}
        <Group>
          <Button onClick={() => void run()} disabled={request === null} loading={link.state.status === 'loading'}>
            Link
          </Button>
        </Group>
        {link.state.status === 'error' ? <ErrorAlert error={link.state.error} /> : null}
        {done === null ? null : (
          <Alert color="teal" title="Linked" role="status">
            Read {done.read} subject(s), {done.added} newly linked; {done.total} subject(s) linked to the dataset in all.
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function WithdrawForm({ subjectId, onClose, onDone }: { subjectId: string; onClose(): void; onDone(): void }) {
  const [scope, setScope] = useState<'no-further-use' | 'destroy'>('no-further-use');
  const [date, setDate] = useState('');
  const [note, setNote] = useState('');
  const withdraw = useOperation('consentWithdraw');
  const scopeId = useId();
  const run = async (): Promise<void> => {
    const r = await withdraw.run({ subjectId, scope, ...(date === '' ? {} : { date }), ...(note.trim() === '' ? {} : { note: note.trim() }) });
    if (r !== undefined) onDone();
  };
  const done = withdraw.state.status === 'success' ? withdraw.state.value : null;
  return (
    <Paper withBorder p="md" aria-label={`Withdraw the consent of ${subjectId}`} role="region">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Withdraw the consent of {subjectId}
        </Title>
        {done === null ? (
          <>
            <div>
              <Text size="sm" fw={500} id={scopeId}>
                The subject asks for
              </Text>
              <SegmentedControl
                aria-labelledby={scopeId}
                value={scope}
                onChange={(v) => setScope(v as typeof scope)}
                data={[
                  { value: 'no-further-use', label: 'No further use' },
                  { value: 'destroy', label: 'No further use and destruction' },
                ]}
              />
            </div>
            <Tiles cols={2}>
              <TextInput label="Effective date" description="Empty: today." type="date" value={date} onChange={(e) => setDate(e.currentTarget.value)} />
              <Textarea label="Note for the audit log" description="Never the subject's identity." rows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            </Tiles>
            {withdraw.state.status === 'error' ? <ErrorAlert error={withdraw.state.error} /> : null}
            <Group>
              <Button color="red" onClick={() => void run()} loading={withdraw.state.status === 'loading'}>
                Withdraw consent
              </Button>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
            </Group>
          </>
        ) : (
          <>
            <Alert color="teal" title="Consent withdrawn" role="status">
              From {done.date} ({done.scope}); later checks deny this subject. {done.flaggedDatasets.length === 0 ? 'No dataset is linked to the subject.' : `Flagged dataset(s): ${done.flaggedDatasets.join(', ')}.`}
              {done.scope === 'destroy' && done.flaggedDatasets.length > 0 ? ' The subject asks that their data be destroyed: derive eligible subsets and retire these datasets.' : ''}
            </Alert>
            <Group>
              <Button variant="default" onClick={onClose}>
                Close
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}

function FlaggedNotice({ generation }: { generation: number }) {
  const flagged = useOperation('consentFlagged');
  const { run } = flagged;
  useEffect(() => {
    void run({});
  }, [run, generation]);
  if (flagged.state.status !== 'success' || flagged.state.value.length === 0) return null;
  const byDataset = new Map<string, number>();
  for (const f of flagged.state.value) byDataset.set(f.datasetId, (byDataset.get(f.datasetId) ?? 0) + 1);
  return (
    <Alert color="orange" title={`${byDataset.size} dataset(s) flagged by withdrawals`}>
      <List size="sm">
        {[...byDataset].map(([id, n]) => (
          <List.Item key={id}>
            {id}: {n} withdrawn subject(s)
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

function ExportButton() {
  const exp = useOperation('consentExport');
  const run = async (): Promise<void> => {
    const picked = await call('pickPaths', { purpose: 'consent-export' }).catch(() => ({ paths: [] as string[] }));
    const out = picked.paths[0];
    if (out !== undefined) await exp.run({ out });
  };
  return (
    <Stack gap={4} align="flex-end">
      <Button variant="default" onClick={() => void run()} loading={exp.state.status === 'loading'}>
        Export FHIR R4…
      </Button>
      {exp.state.status === 'success' ? (
        <Text size="xs" role="status">
          Exported {exp.state.value.count} record(s) to {exp.state.value.out}
        </Text>
      ) : null}
      {exp.state.status === 'error' ? <ErrorAlert error={exp.state.error} /> : null}
    </Stack>
  );
}
