import { SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { CollectPanel } from '../coauthors/CollectPanel.tsx';
import { SignPanel } from '../coauthors/SignPanel.tsx';
import type { Navigate } from '../navigation.ts';

/** Notarizing with co-authors: signatures collected offline (EIP-712), one anchoring transaction. */
export function CoauthorsScreen({ navigate }: { navigate: Navigate }) {
  const [mode, setMode] = useState<'collect' | 'sign'>('collect');
  const modeId = useId();
  return (
    <Stack>
      <Title order={2}>Co-authors</Title>
      <Text c="dimmed">Every author signs the same dataset with their own key, offline and without ether; the submitter anchors it once.</Text>
      <div>
        <Text size="sm" fw={500} id={modeId}>
          I want to
        </Text>
        <SegmentedControl
          aria-labelledby={modeId}
          value={mode}
          onChange={(v) => setMode(v as 'collect' | 'sign')}
          data={[
            { value: 'collect', label: 'Collect signatures and anchor' },
            { value: 'sign', label: 'Sign a draft' },
          ]}
        />
      </div>
      {mode === 'collect' ? <CollectPanel navigate={navigate} /> : <SignPanel />}
    </Stack>
  );
}
