import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { authorRowProblems, type AuthorRow } from './authors.ts';

/** The authors of a draft in signing order: address, name and ORCID iD per row. */
export function AuthorsEditor({ rows, onChange, me }: { rows: AuthorRow[]; onChange(rows: AuthorRow[]): void; me: string | null }) {
  const nextKey = (): number => rows.reduce((m, r) => Math.max(m, r.key), 0) + 1;
  const update = (key: number, patch: Partial<AuthorRow>): void => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const hasMe = me !== null && rows.some((r) => r.address.trim().toLowerCase() === me.toLowerCase());
  return (
    <Stack gap="xs">
      <Text fw={600}>Authors</Text>
      <Text size="sm" c="dimmed">
        In signing order. Each author signs the draft with their own key; co-authors need no ether.
      </Text>
      {rows.map((r, i) => {
        const problems = authorRowProblems(r, rows);
        const n = i + 1;
        return (
          <Group key={r.key} align="flex-start" wrap="nowrap" role="group" aria-label={`Author ${n}`}>
            <TextInput label={`Author ${n} address`} placeholder="0x…" value={r.address} onChange={(e) => update(r.key, { address: e.currentTarget.value })} error={r.address === '' ? undefined : problems.address} style={{ flex: 3 }} classNames={{ input: 'mono-input' }} />
            <TextInput label={`Author ${n} name`} value={r.name} onChange={(e) => update(r.key, { name: e.currentTarget.value })} style={{ flex: 2 }} />
            <TextInput label={`Author ${n} ORCID iD`} placeholder="0000-0002-1825-0097" value={r.orcid} onChange={(e) => update(r.key, { orcid: e.currentTarget.value })} error={problems.orcid} style={{ flex: 2 }} />
            <ActionIcon mt={28} variant="subtle" color="gray" aria-label={`Remove author ${n}`} onClick={() => onChange(rows.filter((x) => x.key !== r.key))} disabled={rows.length === 1}>
              ×
            </ActionIcon>
          </Group>
        );
      })}
      <Group>
        <Button variant="default" size="xs" onClick={() => onChange([...rows, { key: nextKey(), address: '', name: '', orcid: '' }])}>
          Add an author
        </Button>
        {me === null || hasMe ? null : (
          <Button variant="subtle" size="xs" onClick={() => onChange([...rows, { key: nextKey(), address: me, name: '', orcid: '' }])}>
            Add me ({me.slice(0, 10)}…)
          </Button>
        )}
      </Group>
    </Stack>
  );
}
