import { Alert, Badge, Button, Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { PendingAnchorInfo } from '../../../shared/api/index.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';

const STATE_LABEL: Record<PendingAnchorInfo['status'], string> = {
  'not-sent': 'not sent',
  pending: 'waiting to be mined',
  mined: 'mined, confirming',
  confirmed: 'confirmed, no receipt yet',
  failed: 'failed',
};

/**
 * Anchorings started here and not finished (declined fee, missing funds, interrupted), each
 * with Resume (Notarium.resumeAnchor): nothing is encrypted or stored again. Shows nothing
 * when there are none.
 */
export function PendingAnchorsPanel({ onResumed }: { onResumed(): void }) {
  const list = useOperation('pendingAnchors');
  const resume = useOperation('resumeAnchor');
  const [resuming, setResuming] = useState<string | null>(null);
  const { run } = list;
  useEffect(() => {
    void run({});
  }, [run]);
  const start = async (root: string): Promise<void> => {
    setResuming(root);
    const done = await resume.run({ root });
    setResuming(null);
    if (done !== undefined) onResumed();
    await run({});
  };
  if (list.state.status === 'error') return <ErrorAlert error={list.state.error} onRetry={() => void run({})} />;
  const pending = list.state.status === 'success' ? list.state.value : [];
  if (pending.length === 0 && resume.state.status !== 'success') return null;
  return (
    <Paper withBorder p="md" aria-label="Unfinished anchorings">
      <Title order={3} mb="xs">
        Unfinished anchorings
      </Title>
      <Stack gap="sm">
        {pending.map((p) => (
          <Group key={p.root} justify="space-between" wrap="nowrap">
            <div style={{ minWidth: 0 }}>
              <Text fw={500}>{p.title}</Text>
              <Text size="xs" c="dimmed">
                {p.network} (chain {p.chainId}) · <Code>{p.root.slice(0, 18)}…</Code>
              </Text>
            </div>
            <Group wrap="nowrap">
              <Badge variant="light" color={p.status === 'failed' ? 'red' : 'yellow'}>
                {STATE_LABEL[p.status]}
              </Badge>
              <Button size="xs" onClick={() => void start(p.root)} disabled={resuming !== null} loading={resuming === p.root} aria-label={`Resume anchoring ${p.title}`}>
                Resume
              </Button>
            </Group>
          </Group>
        ))}
        {resume.state.status === 'loading' ? <ProgressPanel label="Anchoring" progress={resume.state.progress} onCancel={resume.cancel} feeQuote={resume.state.feeQuote} onFeeAnswer={(accept) => void resume.answerFee(accept)} /> : null}
        {resume.state.status === 'error' ? <ErrorAlert error={resume.state.error} /> : null}
        {resume.state.status === 'success' ? (
          <Alert color="teal" title="Anchored" role="status">
            Block {resume.state.value.blockNumber}; receipt written to {resume.state.value.receiptPath}.
          </Alert>
        ) : null}
      </Stack>
    </Paper>
  );
}
