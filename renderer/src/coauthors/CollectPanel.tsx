import { Alert, Button, Code, Group, List, Loader, NumberInput, Paper, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useId, useState } from 'react';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PathChooser } from '../components/PathChooser.tsx';
import { FeeQuotePanel } from '../components/FeeQuotePanel.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import type { Navigate } from '../navigation.ts';
import { ReceiptView } from '../screens/NotarizeScreen.tsx';
import { useStatus } from '../status-context.tsx';
import { AuthorsEditor } from './AuthorsEditor.tsx';
import { DraftFacts, SignersView } from './DraftStatusView.tsx';
import { authorsOf, authorsValid, type AuthorRow } from './authors.ts';

/**
 * The submitter's side: export a draft (or open one), gather the co-authors' signature
 * files, see who has signed, and anchor once every author has.
 */
export function CollectPanel({ navigate }: { navigate: Navigate }) {
  const [draftPath, setDraftPath] = useState<string | null>(null);
  const restart = (): void => setDraftPath(null);
  return draftPath === null ? <StartDraft onDraft={setDraftPath} /> : <Signatures draftPath={draftPath} navigate={navigate} onRestart={restart} />;
}

function StartDraft({ onDraft }: { onDraft(path: string): void }) {
  const [how, setHow] = useState<'new' | 'open'>('new');
  const [existing, setExisting] = useState<string[]>([]);
  const howId = useId();
  return (
    <Stack>
      <div>
        <Text size="sm" fw={500} id={howId}>
          Start from
        </Text>
        <SegmentedControl
          aria-labelledby={howId}
          value={how}
          onChange={(v) => setHow(v as 'new' | 'open')}
          data={[
            { value: 'new', label: 'New draft from files' },
            { value: 'open', label: 'A draft I exported earlier' },
          ]}
        />
      </div>
      {how === 'new' ? (
        <ExportDraft onDraft={onDraft} />
      ) : (
        <Paper withBorder p="md">
          <Stack>
            <PathChooser label="Draft" description="The .notarium-draft.json file." pickers={[{ label: 'Choose draft…', purpose: 'draft' }]} paths={existing} onChange={setExisting} multiple={false} />
            <Group>
              <Button onClick={() => existing[0] !== undefined && onDraft(existing[0])} disabled={existing.length !== 1}>
                Open
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

function ExportDraft({ onDraft }: { onDraft(path: string): void }) {
  const { status } = useStatus();
  const me = status?.account?.address ?? null;
  const [inputs, setInputs] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [mode, setMode] = useState<'salted' | 'public'>('salted');
  const [rows, setRows] = useState<AuthorRow[]>(() => [{ key: 1, address: me ?? '', name: '', orcid: '' }]);
  const draft = useOperation('draft');
  const modeId = useId();
  // The account loads after the first render: put it in the first row if that is still empty.
  useEffect(() => {
    if (me !== null) setRows((rs) => (rs.length === 1 && rs[0] !== undefined && rs[0].address === '' ? [{ ...rs[0], address: me }] : rs));
  }, [me]);
  const ready = inputs.length > 0 && title.trim() !== '' && authorsValid(rows) && status?.account !== null;
  const start = async (): Promise<void> => {
    const r = await draft.run({ inputs, title: title.trim(), authors: authorsOf(rows), public: mode === 'public' });
    if (r !== undefined) onDraft(r.draftPath);
  };
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={3} size="h4">
          1. Export a draft
        </Title>
        <Text size="sm" c="dimmed">
          The files are encrypted and stored now, exactly as when notarizing; the draft holds no secret and no file content, so it can be e-mailed.
        </Text>
        <PathChooser
          label="Dataset"
          pickers={[
            { label: 'Choose folder…', purpose: 'notarize-folder' },
            { label: 'Choose files…', purpose: 'notarize-files' },
          ]}
          paths={inputs}
          onChange={setInputs}
        />
        <TextInput label="Title" description="Signed by every author and recorded on the chain." required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <AuthorsEditor rows={rows} onChange={setRows} me={me} />
        <div>
          <Text size="sm" fw={500} id={modeId}>
            Lookup mode
          </Text>
          <SegmentedControl
            aria-labelledby={modeId}
            value={mode}
            onChange={(v) => setMode(v as 'salted' | 'public')}
            data={[
              { value: 'salted', label: 'Salted (private)' },
              { value: 'public', label: 'Public' },
            ]}
          />
        </div>
        {status?.account === null ? <Alert color="yellow" title="You have no account yet">Create it in Settings: the files are encrypted to your age recipient.</Alert> : null}
        <Group>
          <Button onClick={() => void start()} disabled={!ready || draft.state.status === 'loading'}>
            Export draft
          </Button>
        </Group>
        {draft.state.status === 'loading' ? <ProgressPanel label="Draft" progress={draft.state.progress} onCancel={draft.cancel} /> : null}
        {draft.state.status === 'error' ? <ErrorAlert error={draft.state.error} /> : null}
      </Stack>
    </Paper>
  );
}

function Signatures({ draftPath, navigate, onRestart }: { draftPath: string; navigate: Navigate; onRestart(): void }) {
  const [files, setFiles] = useState<string[]>([]);
  const [confirmations, setConfirmations] = useState(1);
  const status = useOperation('draftStatus');
  const anchor = useOperation('anchorDraft');
  const { status: app } = useStatus();
  const { run } = status;
  const refresh = useCallback(() => void run({ draft: draftPath, signatures: files }), [run, draftPath, files]);
  useEffect(refresh, [refresh]);

  const current = status.state.status === 'success' ? status.state.value : null;
  const locked = app !== null && !app.unlocked;
  const anchorNow = (): void => {
    if (current === null) return;
    void anchor.run({ draft: draftPath, signatures: current.authors.flatMap((a) => (a.state === 'signed' && a.signatureFile !== null ? [a.signatureFile] : [])), confirmations });
  };

  if (anchor.state.status === 'success') return <ReceiptView result={anchor.state.value} navigate={navigate} onAnother={onRestart} anotherLabel="Prepare another draft" />;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3} size="h4">
          2. Collect the co-authors&apos; signatures
        </Title>
        <Button variant="subtle" onClick={onRestart}>
          Start over
        </Button>
      </Group>
      <Alert color="indigo" title="Send the draft to every co-author">
        <Stack gap={4}>
          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
            {draftPath}
          </Text>
          <Text size="sm">
            Each co-author opens it in Notarium (Co-authors → Sign a draft, or <Code>notarium sign</Code>) and sends back a signature file. Signature files saved next to the draft are found by themselves.
          </Text>
        </Stack>
      </Alert>
      {status.state.status === 'error' ? <ErrorAlert error={status.state.error} onRetry={refresh} /> : null}
      {current === null && status.state.status !== 'error' ? (
        <Group>
          <Loader size="sm" />
          <Text>Checking the signatures…</Text>
        </Group>
      ) : null}
      {current === null ? null : (
        <>
          <DraftFacts status={current} />
          <SignersView status={current} />
        </>
      )}
      <PathChooser label="Signature files" description="The .notarium-signature.json files your co-authors sent back." pickers={[{ label: 'Import signature files…', purpose: 'signature-files' }]} paths={files} onChange={setFiles} />
      <Group>
        <Button variant="default" onClick={refresh} loading={status.state.status === 'loading'}>
          Check again
        </Button>
      </Group>
      <Paper withBorder p="md">
        <Stack>
          <Title order={3} size="h4">
            3. Anchor
          </Title>
          <Text size="sm" c="dimmed">
            Every signature is checked again, then the dataset is anchored in one transaction that your account pays for.
          </Text>
          <NumberInput label="Confirmations to wait for" min={1} max={100} value={confirmations} onChange={(v) => setConfirmations(typeof v === 'number' ? v : 1)} w={220} />
          {locked ? <Text size="sm" c="orange.9">Unlock your account in Settings to anchor.</Text> : null}
          <Group>
            <Button onClick={anchorNow} disabled={current === null || !current.complete || locked || anchor.state.status === 'loading'}>
              Anchor
            </Button>
            {anchor.state.status === 'loading' ? (
              <>
                <Loader size="sm" />
                <Text size="sm">Checking signatures and anchoring…</Text>
                <Button variant="default" size="xs" onClick={anchor.cancel}>
                  Cancel
                </Button>
              </>
            ) : null}
          </Group>
          {anchor.state.status === 'loading' && anchor.state.feeQuote !== undefined ? <FeeQuotePanel quote={anchor.state.feeQuote} onAnswer={(accept) => void anchor.answerFee(accept)} /> : null}
          {anchor.state.status === 'error' ? <AnchorError error={anchor.state.error} /> : null}
        </Stack>
      </Paper>
    </Stack>
  );
}

/** SIGNATURE_INVALID lists who is missing and which files failed (nothing was sent). */
function AnchorError({ error }: { error: Parameters<typeof ErrorAlert>[0]['error'] }) {
  const missing = Array.isArray(error.details?.['missing']) ? (error.details['missing'] as string[]) : [];
  const problems = Array.isArray(error.details?.['problems']) ? (error.details['problems'] as string[]) : [];
  if (error.code !== 'SIGNATURE_INVALID') return <ErrorAlert error={error} />;
  return (
    <Alert color="red" title="Not anchored: signatures are missing or invalid" role="alert">
      <Text size="sm">Nothing was sent to the chain.</Text>
      <List size="sm" spacing={2}>
        {missing.map((m) => (
          <List.Item key={m}>missing: {m}</List.Item>
        ))}
        {problems.map((p) => (
          <List.Item key={p}>{p}</List.Item>
        ))}
      </List>
    </Alert>
  );
}
