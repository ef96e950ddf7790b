import { Alert, Badge, Group, List, Paper, Stack, Text } from '@mantine/core';
import type { DraftStatusInfo } from '../../../shared/api/index.ts';
import { Tiles } from '../components/Tiles.tsx';
import { formatBytes } from '../format.ts';
import { Fact } from '../components/Fact.tsx';

type SignerState = DraftStatusInfo['authors'][number]['state'];

const STATE_LOOK: Record<SignerState, { label: string; color: string }> = {
  signed: { label: 'signed', color: 'teal' },
  invalid: { label: 'invalid signature', color: 'red' },
  missing: { label: 'missing', color: 'yellow' },
  submitter: { label: 'you — sign when anchoring', color: 'indigo' },
};

/** What the draft asks its authors to sign: title, files, size, root, chain. */
export function DraftFacts({ status }: { status: DraftStatusInfo }) {
  return (
    <Paper withBorder p="md">
      <Tiles cols={2}>
        <Fact label="Title" value={status.title} />
        <Fact label="Files" value={`${status.fileCount} file(s), ${formatBytes(status.totalBytes)}`} />
        <Fact label="Merkle root" value={status.root} mono />
        <Fact label="Chain" value={`${status.network.name} (chain ${status.network.chainId})${status.network.local ? ' — local devnet' : ''}, registry ${status.contract}`} />
        {status.supersedes === null ? null : <Fact label="Replaces the version with root" value={status.supersedes} mono />}
      </Tiles>
    </Paper>
  );
}

/** Who has signed, who is missing, and signature files that do not belong. */
export function SignersView({ status }: { status: DraftStatusInfo }) {
  const signed = status.authors.filter((a) => a.state === 'signed').length;
  const missing = status.authors.filter((a) => a.state === 'missing' || a.state === 'invalid');
  return (
    <Stack gap="sm">
      <Alert color={status.complete ? 'teal' : 'yellow'} title={status.complete ? 'Ready to anchor' : `${missing.length} signature(s) missing`} role="status">
        {signed} of {status.authors.length} author(s) signed
        {status.authors.some((a) => a.state === 'submitter') ? '; you sign when you anchor' : ''}.
        {missing.length === 0 ? '' : ` Waiting for: ${missing.map((a) => a.name ?? a.address).join(', ')}.`}
      </Alert>
      <Stack gap={0} role="list" aria-label="Authors and signatures" className="virtual-scroll">
        {status.authors.map((a) => {
          const look = STATE_LOOK[a.state];
          return (
            <Group key={a.address} role="listitem" justify="space-between" wrap="nowrap" px="sm" py={8} className="virtual-row">
              <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
                <Text size="sm" fw={600}>
                  {a.name ?? 'Unnamed author'}
                  {a.orcid === undefined ? '' : ` · ORCID ${a.orcid}`}
                </Text>
                <Text size="xs" ff="monospace" c="dimmed" truncate="end">
                  {a.address}
                </Text>
                {a.signatureFile === null ? null : (
                  <Text size="xs" c="dimmed" truncate="end">
                    {a.signatureFile}
                  </Text>
                )}
                {a.problem === null ? null : (
                  <Text size="xs" c="red.9">
                    {a.problem}
                  </Text>
                )}
              </Stack>
              <Badge color={look.color} variant="light" aria-label={`${a.name ?? a.address}: ${look.label}`}>
                {look.label}
              </Badge>
            </Group>
          );
        })}
      </Stack>
      {status.problems.length === 0 ? null : (
        <Alert color="orange" title="Signature files that do not count">
          <List size="sm" spacing={2}>
            {status.problems.map((p) => (
              <List.Item key={p.file}>
                <Text span size="sm" ff="monospace">
                  {p.file}
                </Text>
                : {p.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}
