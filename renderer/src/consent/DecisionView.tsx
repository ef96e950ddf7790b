import { Alert, Badge, Group, List, SegmentedControl, Stack, Text } from '@mantine/core';
import { useId, useMemo, useState } from 'react';
import type { ConsentCheckResult, SubjectDecisionInfo } from '../../../shared/api/index.ts';
import type { Decision } from '../../../shared/consent/match.ts';
import { VirtualList } from '../components/VirtualList.tsx';
import { DECISION_LOOK, DECISION_ORDER } from './labels.ts';

export interface DecisionFacts {
  decision: Decision;
  total: number;
  counts: Record<Decision, number>;
  summary: ConsentCheckResult['summary'];
  obligations?: ConsentCheckResult['obligations'];
  logSeq: number;
  date?: string;
}

/** The dataset decision in plain words: the verdict, the counts, why, and the obligations. */
export function DecisionSummary({ facts, action = 'use' }: { facts: DecisionFacts; action?: string }) {
  const look = DECISION_LOOK[facts.decision];
  const lead =
    facts.total === 0
      ? 'No data subjects are linked to this dataset.'
      : facts.decision === 'ALLOW'
        ? `Every one of the ${facts.total} linked subject(s) allows this ${action}.`
        : `${facts.counts.ALLOW} of ${facts.total} subject(s) allow this ${action}; ${facts.counts.DENY} deny it, ${facts.counts.REVIEW} need review.`;
  return (
    <Alert color={look.color} title={facts.decision} role="status">
      <Stack gap={6}>
        <Text size="sm">
          <Text span fw={600} size="sm">
            {look.sentence}
          </Text>{' '}
          {lead}
          {facts.date === undefined ? '' : ` Date of use ${facts.date}.`} Recorded as audit log entry #{facts.logSeq}.
        </Text>
        {facts.summary.length === 0 ? null : (
          <List size="sm" spacing={2}>
            {facts.summary.map((s) => (
              <List.Item key={s.code}>
                <Text span size="sm" fw={600}>
                  {s.code}
                </Text>
                {s.count > 0 ? ` ×${s.count}` : ''}: {s.example}
              </List.Item>
            ))}
          </List>
        )}
        {facts.obligations === undefined || facts.obligations.length === 0 ? null : (
          <>
            <Text size="sm" fw={600}>
              Obligations of the allowing consents
            </Text>
            <List size="sm" spacing={2}>
              {facts.obligations.map((o) => (
                <List.Item key={o.message}>{o.message}</List.Item>
              ))}
            </List>
          </>
        )}
      </Stack>
    </Alert>
  );
}

type Filter = 'ALL' | Decision;

/** Per-subject decisions with their reasons, filterable; virtualized for 100,000 subjects. */
export function SubjectTable({ subjects, counts }: { subjects: readonly SubjectDecisionInfo[]; counts: Record<Decision, number> }) {
  const [filter, setFilter] = useState<Filter>('ALL');
  const labelId = useId();
  const shown = useMemo(() => (filter === 'ALL' ? subjects : subjects.filter((s) => s.decision === filter)), [subjects, filter]);
  return (
    <Stack gap="xs">
      <Group gap="sm">
        <Text size="sm" fw={500} id={labelId}>
          Show
        </Text>
        <SegmentedControl
          aria-labelledby={labelId}
          size="xs"
          value={filter}
          onChange={(v) => setFilter(v as Filter)}
          data={[{ value: 'ALL', label: `All (${subjects.length})` }, ...DECISION_ORDER.map((d) => ({ value: d, label: `${d} (${counts[d]})` }))]}
        />
      </Group>
      {shown.length === 0 ? (
        <Text size="sm" c="dimmed">
          No subject in this group.
        </Text>
      ) : (
        <VirtualList items={shown} rowHeight={52} height={360} label="Decision per subject" getKey={(s) => s.subjectId} render={(s) => <SubjectRow s={s} />} />
      )}
    </Stack>
  );
}

function SubjectRow({ s }: { s: SubjectDecisionInfo }) {
  const look = DECISION_LOOK[s.decision];
  // An allowed subject's reasons are all "allow": show its obligations instead.
  const why = s.decision === 'ALLOW' ? s.obligations.map((o) => o.message) : s.reasons.filter((r) => r.effect !== 'ALLOW').map((r) => `${r.code}: ${r.message}`);
  return (
    <Group wrap="nowrap" px="sm" h="100%" gap="sm">
      <Text size="sm" ff="monospace" w={160} truncate="end">
        {s.subjectId}
      </Text>
      <Badge color={look.color} variant="light" w={84} aria-label={`${s.subjectId}: ${s.decision}`}>
        {s.decision}
      </Badge>
      <Text size="xs" c={why.length === 0 ? 'dimmed' : undefined} lineClamp={2} style={{ flex: 1, minWidth: 0 }}>
        {why.length === 0 ? (s.decision === 'ALLOW' ? 'No obligations.' : '') : why.join(' · ')}
      </Text>
    </Group>
  );
}
