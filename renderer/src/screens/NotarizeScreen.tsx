import { Alert, Anchor, Button, Code, Group, List, NumberInput, Paper, SegmentedControl, Stack, Stepper, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import type { InputsReview, ManagedInfo, NotarizeResultInfo } from '../../../shared/api/index.ts';
import { LabBadge } from '../components/LabBadge.tsx';
import { call } from '../api/client.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PathChooser } from '../components/PathChooser.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { VirtualList } from '../components/VirtualList.tsx';
import { formatBytes, formatRate, formatTime } from '../format.ts';
import type { Navigate } from '../navigation.ts';
import { useStatus } from '../status-context.tsx';
import { Tiles } from '../components/Tiles.tsx';
import { Fact } from '../components/Fact.tsx';

interface Details {
  title: string;
  authorName: string;
  authorOrcid: string;
  mode: 'salted' | 'public';
  recipients: string;
  confirmations: number;
}

/** What the Details step needs of the lab's managed settings. */
type LabPolicy = Pick<ManagedInfo, 'allowPublicMode' | 'defaultRecipients'>;
const NO_POLICY: LabPolicy = { allowPublicMode: true, defaultRecipients: [] };

const EMPTY: Details = { title: '', authorName: '', authorOrcid: '', mode: 'salted', recipients: '', confirmations: 1 };

/** The notarize wizard: choose → review → details → progress → receipt. */
export function NotarizeScreen({ navigate }: { navigate: Navigate }) {
  const [step, setStep] = useState(0);
  const [inputs, setInputs] = useState<string[]>([]);
  const [details, setDetails] = useState<Details>(EMPTY);
  const inspect = useOperation('inspectInputs');
  const notarize = useOperation('notarize');
  const { status } = useStatus();

  const review = async (): Promise<void> => {
    if ((await inspect.run({ inputs })) !== undefined) setStep(1);
  };
  const start = async (): Promise<void> => {
    setStep(3);
    const done = await notarize.run({
      inputs,
      title: details.title,
      ...(details.authorName.trim() === '' ? {} : { authorName: details.authorName.trim() }),
      ...(details.authorOrcid.trim() === '' ? {} : { authorOrcid: details.authorOrcid.trim() }),
      public: details.mode === 'public' && (status?.managed.allowPublicMode ?? true),
      recipients: details.recipients.split(/\s+/).filter((r) => r !== ''),
      confirmations: details.confirmations,
    });
    if (done !== undefined) setStep(4);
  };
  const restart = (): void => {
    setInputs([]);
    setDetails(EMPTY);
    inspect.reset();
    notarize.reset();
    setStep(0);
  };
  const reviewed = inspect.state.status === 'success' ? inspect.state.value : null;

  return (
    <Stack>
      <Title order={2}>Notarize a dataset</Title>
      <Stepper active={step} allowNextStepsSelect={false} size="sm">
        <Stepper.Step label="Choose" description="Files or a folder">
          <Stack mt="md">
            <PathChooser
              label="Dataset"
              description="A folder (its files keep their relative paths) or individual files."
              pickers={[
                { label: 'Choose folder…', purpose: 'notarize-folder' },
                { label: 'Choose files…', purpose: 'notarize-files' },
              ]}
              paths={inputs}
              onChange={setInputs}
            />
            {inspect.state.status === 'error' ? <ErrorAlert error={inspect.state.error} /> : null}
            <Group>
              <Button onClick={() => void review()} disabled={inputs.length === 0} loading={inspect.state.status === 'loading'}>
                Review
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Review" description="Files and warnings">
          {reviewed === null ? null : <ReviewStep review={reviewed} onBack={() => setStep(0)} onNext={() => setStep(2)} />}
        </Stepper.Step>
        <Stepper.Step label="Details" description="Title and authors">
          <DetailsStep details={details} onChange={setDetails} managed={status?.managed ?? NO_POLICY} locked={status !== null && !status.unlocked} hasAccount={status?.account !== null} navigate={navigate} onBack={() => setStep(1)} onStart={() => void start()} />
        </Stepper.Step>
        <Stepper.Step label="Notarize" description="Encrypt, store, anchor">
          <Stack mt="md">
            {notarize.state.status === 'loading' ? <ProgressPanel label="Notarization" progress={notarize.state.progress} onCancel={notarize.cancel} feeQuote={notarize.state.feeQuote} onFeeAnswer={(accept) => void notarize.answerFee(accept)} /> : null}
            {notarize.state.status === 'error' ? (
              <>
                <ErrorAlert error={notarize.state.error} />
                <Group>
                  <Button variant="default" onClick={() => setStep(2)}>
                    Back to details
                  </Button>
                  <Button onClick={() => void start()}>Try again</Button>
                </Group>
              </>
            ) : null}
          </Stack>
        </Stepper.Step>
        <Stepper.Completed>
          {notarize.state.status === 'success' ? <ReceiptView result={notarize.state.value} navigate={navigate} onAnother={restart} /> : null}
        </Stepper.Completed>
      </Stepper>
    </Stack>
  );
}

function ReviewStep({ review, onBack, onNext }: { review: InputsReview; onBack(): void; onNext(): void }) {
  return (
    <Stack mt="md">
      <Tiles cols={3}>
        <Fact label="Files" value={String(review.fileCount)} />
        <Fact label="Total size" value={formatBytes(review.totalBytes)} />
        <Fact label="Receipt saved in" value={review.baseDir} mono />
      </Tiles>
      {review.warnings.length === 0 ? (
        <Alert color="teal" title="No warnings">
          No empty files, symbolic links or special files.
        </Alert>
      ) : (
        <Alert color="yellow" title={`${review.warnings.length} warning(s)`}>
          <List size="sm">
            {review.warnings.slice(0, 20).map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
          {review.warnings.length > 20 ? <Text size="sm">…and {review.warnings.length - 20} more.</Text> : null}
        </Alert>
      )}
      <VirtualList
        items={review.files}
        rowHeight={30}
        height={300}
        label="Files to notarize"
        getKey={(f) => f.path}
        render={(f) => (
          <Group justify="space-between" px="sm" h="100%" wrap="nowrap">
            <Text size="sm" ff="monospace" truncate="end">
              {f.path}
            </Text>
            <Text size="sm" c="dimmed">
              {formatBytes(f.size)}
            </Text>
          </Group>
        )}
      />
      <Group>
        <Button variant="default" onClick={onBack}>
          Back
        </Button>
        <Button onClick={onNext}>Continue</Button>
      </Group>
    </Stack>
  );
}

function DetailsStep({ details, onChange, managed, locked, hasAccount, navigate, onBack, onStart }: { details: Details; onChange(d: Details): void; managed: LabPolicy; locked: boolean; hasAccount: boolean; navigate: Navigate; onBack(): void; onStart(): void }) {
  const set = <K extends keyof Details>(k: K, v: Details[K]): void => onChange({ ...details, [k]: v });
  return (
    <Stack mt="md" maw={720}>
      {locked ? (
        <Alert color="yellow" title={hasAccount ? 'Your account is locked' : 'You have no account yet'}>
          <Stack gap="xs">
            <Text size="sm">Notarizing signs the dataset with your key: {hasAccount ? 'unlock it' : 'create it'} first.</Text>
            <div>
              <Button size="xs" onClick={() => navigate('settings')}>
                Open Settings
              </Button>
            </div>
          </Stack>
        </Alert>
      ) : null}
      <Text size="sm" c="dimmed">
        Several authors?{' '}
        <Anchor component="button" type="button" size="sm" onClick={() => navigate('coauthors')}>
          Prepare a draft for your co-authors to sign
        </Anchor>{' '}
        instead: each signs with their own key, and the dataset is anchored once.
      </Text>
      <TextInput label="Title" description="Signed and recorded on the chain." required value={details.title} onChange={(e) => set('title', e.currentTarget.value)} />
      <Group grow>
        <TextInput label="Your name (author)" value={details.authorName} onChange={(e) => set('authorName', e.currentTarget.value)} />
        <TextInput label="Your ORCID iD" placeholder="0000-0002-1825-0097" value={details.authorOrcid} onChange={(e) => set('authorOrcid', e.currentTarget.value)} />
      </Group>
      {managed.allowPublicMode ? (
        <div>
          <Text size="sm" fw={500} id="mode-label">
            Lookup mode
          </Text>
          <SegmentedControl
            aria-labelledby="mode-label"
            value={details.mode}
            onChange={(v) => set('mode', v as Details['mode'])}
            data={[
              { value: 'salted', label: 'Salted (private)' },
              { value: 'public', label: 'Public' },
            ]}
          />
          <Text size="xs" c="dimmed" mt={4}>
            {details.mode === 'salted' ? 'Each file hash is salted: the anchored root reveals nothing about the files.' : 'No salt: anyone holding a file can find it by its SHA-256. Choose this only for public data.'}
          </Text>
        </div>
      ) : (
        <Text size="sm">
          Lookup mode: <b>salted (private)</b>. <LabBadge /> Your lab does not allow public (unsalted) notarizations.
        </Text>
      )}
      {managed.defaultRecipients.length === 0 ? null : (
        <div>
          <Text size="sm" fw={500}>
            Always encrypted for <LabBadge />
          </Text>
          <Text size="xs" c="dimmed">
            Your lab adds these recipients (e.g. its data steward) to every notarization; they cannot be removed here.
          </Text>
          <List size="sm" aria-label="Recipients set by your lab">
            {managed.defaultRecipients.map((r) => (
              <List.Item key={r}>
                <Code style={{ wordBreak: 'break-all' }}>{r}</Code>
              </List.Item>
            ))}
          </List>
        </div>
      )}
      <Textarea label="Also encrypt for (age recipients)" description="One age1… recipient per line; you are always a recipient." rows={3} value={details.recipients} onChange={(e) => set('recipients', e.currentTarget.value)} />
      <NumberInput label="Confirmations to wait for" min={0} max={100} value={details.confirmations} onChange={(v) => set('confirmations', typeof v === 'number' ? v : 1)} w={220} />
      <Group>
        <Button variant="default" onClick={onBack}>
          Back
        </Button>
        <Button onClick={onStart} disabled={details.title.trim() === '' || locked}>
          Notarize
        </Button>
      </Group>
    </Stack>
  );
}

/** The anchored result: receipt, block, time, root, transaction; also used by the co-author flow. */
export function ReceiptView({ result, navigate, onAnother, anotherLabel = 'Notarize another' }: { result: NotarizeResultInfo; navigate: Navigate; onAnother(): void; anotherLabel?: string }) {
  const explorer = result.explorerUrl;
  return (
    <Stack mt="md">
      <Alert color="teal" title="Notarized" role="status">
        {result.fileCount} file(s), {formatBytes(result.totalBytes)}, at {formatRate(result.bytesPerSecond)}. The receipt is saved.
      </Alert>
      {result.local ? (
        <Alert color="yellow" title="Local test chain">
          This dataset is anchored on the embedded devnet: the receipt proves nothing to third parties. Choose a public network in Settings for real notarizations.
        </Alert>
      ) : null}
      {result.warnings.length > 0 ? <Alert color="yellow" title="Warnings">{result.warnings.join('; ')}</Alert> : null}
      <Paper withBorder p="md">
        <Tiles cols={2}>
          <Fact label="Receipt" value={result.receiptPath} mono />
          <Fact label="Block" value={`${result.blockNumber} on ${result.network} (chain ${result.chainId})`} />
          <Fact label="Time" value={formatTime(result.blockTime)} />
          <Fact label="Merkle root" value={result.root} mono />
          <Fact label="Transaction" value={result.txHash} mono />
          <Fact label="Gas used" value={result.gasUsed} />
        </Tiles>
        {explorer === undefined ? null : (
          <Anchor component="button" type="button" mt="sm" onClick={() => void call('openExternal', { url: explorer })}>
            View the transaction in a block explorer
          </Anchor>
        )}
      </Paper>
      <Group>
        <Button onClick={() => navigate('verify', { receipt: result.receiptPath })}>Verify it now</Button>
        <Button variant="default" onClick={() => navigate('datasets')}>
          Go to Datasets
        </Button>
        <Button variant="subtle" onClick={onAnother}>
          {anotherLabel}
        </Button>
      </Group>
    </Stack>
  );
}
