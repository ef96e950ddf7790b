import { ActionIcon, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useState, type DragEvent } from 'react';
import type { ParsedRequestOf } from '../../../shared/api/index.ts';
import { call, pathForFile } from '../api/client.ts';

type Purpose = ParsedRequestOf<'pickPaths'>['purpose'];

export interface PathChooserProps {
  label: string;
  /** Dialog buttons: label → dialog purpose. */
  pickers: { label: string; purpose: Purpose }[];
  paths: string[];
  onChange(paths: string[]): void;
  multiple?: boolean;
  description?: string;
}

/**
 * Chooses files/folders three ways: the native dialog, drag and drop (paths resolved by
 * the preload; a plain browser cannot tell them), or typing a path.
 */
export function PathChooser({ label, pickers, paths, onChange, multiple = true, description }: PathChooserProps) {
  const [typed, setTyped] = useState('');
  const [dropNote, setDropNote] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const add = (more: string[]): void => {
    const clean = more.filter((p) => p.trim() !== '');
    if (clean.length === 0) return;
    onChange(multiple ? [...new Set([...paths, ...clean])] : [clean[0] as string]);
  };
  const pick = async (purpose: Purpose): Promise<void> => {
    const r = await call('pickPaths', { purpose }).catch(() => ({ paths: [] as string[] }));
    add(r.paths);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    e.preventDefault();
    setOver(false);
    const dropped = Array.from(e.dataTransfer.files).map((f) => pathForFile(f));
    if (dropped.length > 0 && dropped.every((p) => p === '')) setDropNote('Cannot read the dropped items\u2019 location here: use the buttons or type the path.');
    else setDropNote(null);
    add(dropped);
  };
  const inputId = `${label.replace(/\W+/g, '-').toLowerCase()}-path`;
  return (
    <Stack gap="xs">
      <Text fw={600} component="label" htmlFor={inputId}>
        {label}
      </Text>
      {description === undefined ? null : (
        <Text size="sm" c="dimmed">
          {description}
        </Text>
      )}
      <Paper
        withBorder
        p="md"
        className={over ? 'drop-zone drop-zone-over' : 'drop-zone'}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        aria-label={`${label}: drop files or folders here`}
      >
        <Stack gap="sm">
          <Group gap="sm">
            {pickers.map((p) => (
              <Button key={p.purpose} variant="light" onClick={() => void pick(p.purpose)}>
                {p.label}
              </Button>
            ))}
            <Text size="sm" c="dimmed">
              or drop {multiple ? 'files or a folder' : 'it'} here
            </Text>
          </Group>
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              id={inputId}
              aria-label={`${label}: type a path`}
              placeholder="…or type a path, e.g. /home/me/data"
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  add([typed]);
                  setTyped('');
                }
              }}
              style={{ flex: 1 }}
            />
            <Button
              variant="default"
              onClick={() => {
                add([typed]);
                setTyped('');
              }}
              disabled={typed.trim() === ''}
            >
              Add path
            </Button>
          </Group>
          {dropNote === null ? null : (
            <Text size="sm" c="orange.8">
              {dropNote}
            </Text>
          )}
        </Stack>
      </Paper>
      {paths.length === 0 ? null : (
        <Stack gap={4} role="list" aria-label={`${label}: chosen`}>
          {paths.map((p) => (
            <Group key={p} gap="xs" role="listitem" wrap="nowrap">
              <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                {p}
              </Text>
              <ActionIcon variant="subtle" color="gray" aria-label={`Remove ${p}`} onClick={() => onChange(paths.filter((x) => x !== p))}>
                ×
              </ActionIcon>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
