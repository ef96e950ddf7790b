import { Alert, Button, Code, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { PendingJobInfo } from '../../../shared/api/index.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { formatBytes, formatTime } from '../format.ts';

/**
 * Notarization jobs that stopped half-way (app closed, crash, full disk, error), each with
 * when its journal was last written and Resume (Notarium.resumeJob): files already stored
 * are reused and the anchor is sent at most once. The journals are encrypted, so a job is
 * known here only by its id. Shows nothing when there are none.
 */
export function PendingJobsPanel({ onResumed }: { onResumed(): void }) {
  const list = useOperation('pendingJobs');
  const resume = useOperation('resumeJob');
  // The last list received stays shown while it reloads, so rows do not blink.
  const [jobs, setJobs] = useState<PendingJobInfo[]>([]);
  const [resuming, setResuming] = useState<string | null>(null);
  const { run } = list;
  const refresh = useCallback(async () => {
    const value = await run({});
    if (value !== undefined) setJobs(value);
  }, [run]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const start = async (id: string): Promise<void> => {
    setResuming(id);
    const done = await resume.run({ id });
    setResuming(null);
    if (done !== undefined) onResumed();
    await refresh();
  };
  if (list.state.status === 'error') return <ErrorAlert error={list.state.error} onRetry={() => void refresh()} />;
  if (jobs.length === 0 && resume.state.status === 'idle') return null;
  return (
    <Paper withBorder p="md" role="region" aria-label="Unfinished notarizations">
      <Title order={3} mb="xs">
        Unfinished notarizations
      </Title>
      <Stack gap="sm">
        {jobs.length === 0 ? null : (
          <Text size="sm" c="dimmed">
            These notarizations stopped half-way. Resume continues one where it stopped: files already stored are not encrypted again, and the anchor is sent at most once.
          </Text>
        )}
        {jobs.map((job) => (
          <Group key={job.id} justify="space-between" wrap="nowrap">
            <div style={{ minWidth: 0 }}>
              <Text fw={500}>
                Job <Code>{job.id}</Code>
              </Text>
              <Text size="xs" c="dimmed">
                Last written {formatTime(job.updatedAt)}
              </Text>
            </div>
            <Button size="xs" onClick={() => void start(job.id)} disabled={resuming !== null} loading={resuming === job.id} aria-label={`Resume notarization job ${job.id}`}>
              Resume
            </Button>
          </Group>
        ))}
        {resume.state.status === 'loading' ? <ProgressPanel label="Notarization" progress={resume.state.progress} onCancel={resume.cancel} feeQuote={resume.state.feeQuote} onFeeAnswer={(accept) => void resume.answerFee(accept)} /> : null}
        {resume.state.status === 'error' ? <ErrorAlert error={resume.state.error} /> : null}
        {resume.state.status === 'success' ? (
          <Alert color="teal" title="Notarized" role="status">
            <Stack gap={4}>
              <Text size="sm">
                {resume.state.value.fileCount} file(s), {formatBytes(resume.state.value.totalBytes)}, anchored in block {resume.state.value.blockNumber} on {resume.state.value.network}.
              </Text>
              <Text size="sm">Receipt written to {resume.state.value.receiptPath}.</Text>
              {resume.state.value.warnings.length === 0 ? null : (
                <List size="sm">
                  {resume.state.value.warnings.map((w) => (
                    <List.Item key={w}>{w}</List.Item>
                  ))}
                </List>
              )}
            </Stack>
          </Alert>
        ) : null}
      </Stack>
    </Paper>
  );
}
