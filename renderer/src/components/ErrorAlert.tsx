import { Alert, Button, Stack, Text } from '@mantine/core';
import type { ApiFailure } from '../api/client.ts';
import { helpFor } from '../api/messages.ts';

/** An error from the contract: a clear title, the next step, the service's own words, and an optional action. */
export function ErrorAlert({ error, onRetry, retryLabel = 'Try again' }: { error: ApiFailure; onRetry?: () => void; retryLabel?: string }) {
  const help = helpFor(error.code);
  return (
    <Alert color={error.code === 'CANCELLED' ? 'gray' : 'red'} title={help.title} role="alert">
      <Stack gap="xs">
        <Text size="sm">{help.next}</Text>
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
          {error.message} [{error.code}]
        </Text>
        {onRetry === undefined ? null : (
          <div>
            <Button size="xs" variant="light" onClick={onRetry}>
              {retryLabel}
            </Button>
          </div>
        )}
      </Stack>
    </Alert>
  );
}
