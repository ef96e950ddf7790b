import { Alert, Button, Checkbox, CloseButton, Group, Paper, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import type { DatasetSummaryInfo } from '../../../shared/api/index.ts';
import type { ApiFailure } from '../api/client.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PathChooser } from '../components/PathChooser.tsx';
import { Tiles } from '../components/Tiles.tsx';
import { DecisionSummary, type DecisionFacts } from '../consent/DecisionView.tsx';
import { UseRequestFields } from '../consent/UseRequestFields.tsx';
import { EMPTY_USE_REQUEST, toUseRequest, type UseRequestForm } from '../consent/use-request-form.ts';
import { formatBytes } from '../format.ts';
import { useStatus } from '../status-context.tsx';

/** An age X25519 or hybrid post-quantum recipient, as the contract's schema accepts it (the core parses it fully). */
const RECIPIENT = /^age1[02-9ac-hj-np-z]{20,}$/;

/** The consent decision a gate error carries (CONSENT_DENIED / CONSENT_REVIEW_REQUIRED details), if any. */
function gateDecision(error: ApiFailure): DecisionFacts | null {
  const d = error.details;
  if ((error.code !== 'CONSENT_DENIED' && error.code !== 'CONSENT_REVIEW_REQUIRED') || d === undefined) return null;
  const decision = d['decision'];
  const counts = d['counts'] as DecisionFacts['counts'] | undefined;
  if ((decision !== 'ALLOW' && decision !== 'DENY' && decision !== 'REVIEW') || counts === undefined) return null;
  return {
    decision,
    counts,
    total: counts.ALLOW + counts.DENY + counts.REVIEW,
    summary: Array.isArray(d['summary']) ? (d['summary'] as DecisionFacts['summary']) : [],
    logSeq: typeof d['logSeq'] === 'number' ? d['logSeq'] : 0,
  };
}

/**
 * Shares a dataset with one age recipient: new key envelopes only they can open, and a
 * ticket to send them. With a purpose, the consent gate runs first; a REVIEW needs a
 * named person's recorded override.
 */
export function SharePanel({ dataset, onClose }: { dataset: DatasetSummaryInfo; onClose(): void }) {
  const [recipient, setRecipient] = useState('');
  const [withPurpose, setWithPurpose] = useState(true);
  const [form, setForm] = useState<UseRequestForm>(EMPTY_USE_REQUEST);
  const [ticket, setTicket] = useState<string[]>([]);
  const [by, setBy] = useState('');
  const [reason, setReason] = useState('');
  const share = useOperation('share');
  const { status } = useStatus();
  const locked = status !== null && !status.unlocked;
  const r = recipient.trim();
  const ready = RECIPIENT.test(r) && ticket.length === 1 && !locked;

  const run = (override?: { by: string; reason: string }): void => {
    const out = ticket[0];
    if (!ready || out === undefined) return;
    void share.run({ dataset: dataset.id, recipient: r, out, ...(withPurpose ? { purpose: toUseRequest(form, false) } : {}), ...(override === undefined ? {} : { override }) });
  };
  const error = share.state.status === 'error' ? share.state.error : null;
  const gate = error === null ? null : gateDecision(error);
  const done = share.state.status === 'success' ? share.state.value : null;

  return (
    <Paper withBorder p="md" role="region" aria-label={`Share ${dataset.title}`}>
      <Stack>
        <Group justify="space-between" wrap="nowrap">
          <Title order={3} size="h4">
            Share “{dataset.title}”
          </Title>
          <CloseButton aria-label="Close sharing" onClick={onClose} />
        </Group>
        {done !== null ? (
          <Alert color="teal" title="Shared" role="status">
            <Stack gap={4}>
              <Text size="sm">
                {done.fileCount} file(s) ({formatBytes(done.totalBytes)}) re-wrapped for {done.recipient.slice(0, 16)}… in {done.seconds.toFixed(2)} s; no file was re-encrypted. Send this ticket to the recipient:
              </Text>
              <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                {done.ticketPath}
              </Text>
              <Text size="xs" c="dimmed">
                Only the recipient&apos;s age identity opens it. A share cannot be revoked: data they fetched stays readable to them (docs/SHARING.md).
              </Text>
            </Stack>
          </Alert>
        ) : (
          <>
            <Tiles cols={2}>
              <TextInput label="Recipient (age public key)" placeholder="age1…" required value={recipient} onChange={(e) => setRecipient(e.currentTarget.value)} error={r !== '' && !RECIPIENT.test(r) ? 'Expected an age recipient: age1… (ask the recipient for theirs: Settings → Account).' : undefined} classNames={{ input: 'mono-input' }} />
              <PathChooser label="Ticket file" description="Where to save the ticket to send to the recipient." pickers={[{ label: 'Save ticket as…', purpose: 'share-ticket' }]} paths={ticket} onChange={setTicket} multiple={false} />
            </Tiles>
            <Checkbox label="State the purpose of use (the consent of the linked data subjects is checked first)" checked={withPurpose} onChange={(e) => setWithPurpose(e.currentTarget.checked)} />
            {withPurpose ? <UseRequestFields value={form} onChange={setForm} showDate={false} /> : null}
            {locked ? (
              <Text size="sm" c="orange.9">
                Unlock your account in Settings to share.
              </Text>
            ) : null}
            <Group>
              <Button onClick={() => run()} disabled={!ready} loading={share.state.status === 'loading'}>
                Share
              </Button>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
            </Group>
            {error === null ? null : gate === null ? (
              <ErrorAlert error={error} />
            ) : (
              <Stack>
                <DecisionSummary facts={gate} action="share" />
                {gate.decision === 'DENY' ? (
                  <Text size="sm">Consent does not cover this share. Derive the eligible subset in Consent → Check a purpose, and share that instead.</Text>
                ) : (
                  <Paper withBorder p="sm">
                    <Stack gap="xs">
                      <Text size="sm" fw={600}>
                        A person may decide to go ahead; the decision is recorded in the consent audit log under their name.
                      </Text>
                      <Tiles cols={2}>
                        <TextInput label="Decided by" placeholder="e.g. Dr. Jane Roe (DAC chair)" value={by} onChange={(e) => setBy(e.currentTarget.value)} />
                        <Textarea label="Reason" rows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
                      </Tiles>
                      <Group>
                        <Button color="yellow.9" onClick={() => run({ by: by.trim(), reason: reason.trim() })} disabled={by.trim() === '' || reason.trim() === ''}>
                          Share with this override
                        </Button>
                      </Group>
                    </Stack>
                  </Paper>
                )}
              </Stack>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
