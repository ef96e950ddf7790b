import { Code, Text } from '@mantine/core';

/** A labelled value; `mono` for paths, hashes and addresses (wrapped anywhere). */
export function Fact({ label, value, mono = false }: { label: string; value: string; mono?: boolean }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {mono ? (
        <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {value}
        </Code>
      ) : (
        <Text size="sm" fw={500}>
          {value}
        </Text>
      )}
    </div>
  );
}
