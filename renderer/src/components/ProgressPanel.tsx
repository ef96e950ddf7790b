import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import type { FeeQuote, ProgressData } from '../../../shared/api/index.ts';
import { FeeQuotePanel } from './FeeQuotePanel.tsx';
import { formatBytes, formatEta, formatRate } from '../format.ts';
import { Tiles } from './Tiles.tsx';

const PHASE: Record<ProgressData['phase'], string> = {
  hashing: 'Hashing files',
  encrypting: 'Hashing, encrypting and storing files',
  anchoring: 'Anchoring on the chain',
  verifying: 'Checking files',
  retrieving: 'Fetching, decrypting and checking files',
};

/**
 * Files, bytes, MB/s and ETA of a running operation, with an optional Cancel; when the call
 * waits on a public-chain fee (`feeQuote`), the quote to accept or decline (`onFeeAnswer`).
 */
export function ProgressPanel({ progress, label, onCancel, feeQuote, onFeeAnswer }: { progress: ProgressData | null; label: string; onCancel?: () => void; feeQuote?: FeeQuote | undefined; onFeeAnswer?: (accept: boolean) => void }) {
  const pct = progress === null || progress.bytesTotal === 0 ? 0 : Math.min(100, (100 * progress.bytesDone) / progress.bytesTotal);
  return (
    <Paper withBorder p="md" aria-live="polite" aria-busy="true">
      <Stack gap="sm">
        <Text fw={600}>{progress === null ? `${label}: starting…` : `${PHASE[progress.phase]}…`}</Text>
        <Progress value={pct} animated size="lg" aria-label={`${label} progress`} />
        {progress === null ? null : (
          <Tiles cols={4}>
            <Stat label="Files" value={`${progress.filesDone} / ${progress.filesTotal}`} />
            <Stat label="Data" value={`${formatBytes(progress.bytesDone)} / ${formatBytes(progress.bytesTotal)}`} />
            <Stat label="Speed" value={formatRate(progress.bytesPerSecond)} />
            <Stat label="Time left" value={formatEta(progress.etaSeconds)} />
          </Tiles>
        )}
        {feeQuote === undefined || onFeeAnswer === undefined ? null : <FeeQuotePanel quote={feeQuote} onAnswer={onFeeAnswer} />}
        {onCancel === undefined ? null : (
          <Group>
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={500}>
        {value}
      </Text>
    </div>
  );
}
