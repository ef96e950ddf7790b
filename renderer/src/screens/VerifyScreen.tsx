import { Accordion, Alert, Badge, Button, Checkbox, Code, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { FileVerdictInfo, VerifyReportInfo } from '../../../shared/api/index.ts';
import { asFailure, call, type ApiFailure } from '../api/client.ts';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PathChooser } from '../components/PathChooser.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { VirtualList } from '../components/VirtualList.tsx';
import { reportFileName, verifyReportHtml } from '../report/verify-report-html.ts';
import { verdicts, type VerdictStatus } from '../verify/verdicts.ts';
import { Tiles } from '../components/Tiles.tsx';

const MARK: Record<VerdictStatus, { color: string; text: string }> = {
  pass: { color: 'teal', text: 'passed' },
  fail: { color: 'red', text: 'failed' },
  skipped: { color: 'gray', text: 'not checked' },
};

export function VerifyScreen({ initialReceipt }: { initialReceipt?: string }) {
  const [inputs, setInputs] = useState<string[]>([]);
  const [receipt, setReceipt] = useState<string[]>(initialReceipt === undefined ? [] : [initialReceipt]);
  const [offline, setOffline] = useState(false);
  const verify = useOperation('verify');
  const ready = inputs.length > 0 && receipt.length === 1;

  return (
    <Stack>
      <Title order={2}>Verify files against a receipt</Title>
      <Tiles cols={2}>
        <PathChooser
          label="Files to check"
          description="The folder you received (matched by path) or individual files (matched by content)."
          pickers={[
            { label: 'Choose folder…', purpose: 'verify-folder' },
            { label: 'Choose files…', purpose: 'verify-files' },
          ]}
          paths={inputs}
          onChange={setInputs}
        />
        <PathChooser label="Receipt" description="The .notarium-receipt.json file." pickers={[{ label: 'Choose receipt…', purpose: 'receipt' }]} paths={receipt} onChange={setReceipt} multiple={false} />
      </Tiles>
      <Group>
        <Checkbox label="Offline: do not contact the blockchain" checked={offline} onChange={(e) => setOffline(e.currentTarget.checked)} />
        <Button onClick={() => void verify.run({ inputs, receipt: receipt[0] ?? '', offline })} disabled={!ready} loading={verify.state.status === 'loading'}>
          Verify
        </Button>
      </Group>
      {verify.state.status === 'loading' ? <ProgressPanel label="Verification" progress={verify.state.progress} onCancel={verify.cancel} /> : null}
      {verify.state.status === 'error' ? <ErrorAlert error={verify.state.error} /> : null}
      {verify.state.status === 'success' ? <ReportView report={verify.state.value} /> : null}
    </Stack>
  );
}

function ReportView({ report }: { report: VerifyReportInfo }) {
  const [problemsOnly, setProblemsOnly] = useState(report.files.length > 50 && !report.ok);
  const [saved, setSaved] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<ApiFailure | null>(null);
  const files = problemsOnly ? report.files.filter((f) => f.status !== 'pass') : report.files;
  const save = async (format: 'html' | 'pdf'): Promise<void> => {
    setSaveError(null);
    try {
      const r = await call('saveReport', { html: verifyReportHtml(report, Math.floor(Date.now() / 1000)), format, suggestedName: reportFileName(report) });
      setSaved(r.path);
    } catch (e) {
      setSaveError(asFailure(e));
    }
  };
  return (
    <Stack>
      {/* incomplete: nothing failed, but the chain could not be checked (unreachable, or a LOCAL devnet's receipt on another machine). */}
      <Alert color={report.ok ? 'teal' : report.incomplete ? 'yellow' : 'red'} title={report.ok ? 'VERIFIED' : report.incomplete ? 'NOT CHECKED' : 'NOT VERIFIED'} role="status" aria-label="verdict">
        <Text size="md">{report.summary}</Text>
        <Text size="xs" c="dimmed" mt={4}>
          Receipt SHA-256 {report.receipt.sha256}
        </Text>
      </Alert>
      {report.supersededBy === null ? null : (
        <Alert color="blue" title="A newer version exists">
          This dataset was superseded by root {report.supersededBy}; this receipt still proves what existed at its time.
        </Alert>
      )}
      <Tiles cols={2}>
        {verdicts(report).map((v) => (
          <Paper key={v.key} withBorder p="md" aria-label={`${v.title}: ${MARK[v.status].text}`}>
            <Group justify="space-between" mb={4}>
              <Text fw={600}>{v.title}</Text>
              <Badge variant="light" color={MARK[v.status].color}>{MARK[v.status].text}</Badge>
            </Group>
            <Text size="sm">{v.plain}</Text>
            <Accordion variant="subtle" chevronPosition="left">
              <Accordion.Item value="tech">
                <Accordion.Control>Technical detail</Accordion.Control>
                <Accordion.Panel>
                  <Stack gap={4}>
                    {v.technical.map((t) => (
                      <Code key={t} block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                        {t}
                      </Code>
                    ))}
                  </Stack>
                </Accordion.Panel>
              </Accordion.Item>
            </Accordion>
          </Paper>
        ))}
      </Tiles>
      <Group justify="space-between">
        <Title order={3}>Files</Title>
        <Switch label="Show problems only" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.currentTarget.checked)} />
      </Group>
      <VirtualList items={files} rowHeight={34} height={360} label="File verdicts" getKey={(f, i) => `${f.path}#${i}`} render={(f) => <FileRow f={f} />} />
      <Group>
        <Button variant="light" onClick={() => void save('html')}>
          Save report (HTML)
        </Button>
        <Button variant="light" onClick={() => void save('pdf')}>
          Save report (PDF)
        </Button>
        {saved === null ? null : (
          <Text size="sm" role="status">
            Report saved: {saved}
          </Text>
        )}
      </Group>
      {saveError === null ? null : <ErrorAlert error={saveError} />}
    </Stack>
  );
}

const FILE_MARK: Record<FileVerdictInfo['status'], { color: string; text: string }> = {
  pass: { color: 'teal', text: 'OK' },
  fail: { color: 'red', text: 'CHANGED' },
  missing: { color: 'red', text: 'MISSING' },
  unlisted: { color: 'orange', text: 'NOT IN RECEIPT' },
};

function FileRow({ f }: { f: FileVerdictInfo }) {
  const m = FILE_MARK[f.status];
  return (
    <Group px="sm" h="100%" wrap="nowrap" gap="sm">
      <Badge color={m.color} variant="light" w={130}>
        {m.text}
      </Badge>
      <Text size="sm" ff="monospace" truncate="end" style={{ flex: 1 }}>
        {f.path}
      </Text>
      {f.status === 'pass' ? null : (
        <Text size="xs" c="dimmed" truncate="end" maw="40%">
          {f.content.message}
        </Text>
      )}
    </Group>
  );
}
