import { Checkbox, Fieldset, Group, MultiSelect, Radio, Stack, TextInput } from '@mantine/core';
import { Tiles } from '../components/Tiles.tsx';
import { PURPOSES, PURPOSE_LABELS, SENSITIVE_LABELS, SENSITIVE_TOPICS } from './labels.ts';
import type { UseRequestForm } from './use-request-form.ts';

/**
 * The purpose of a use, in DUO terms, and who asks (docs/CONSENT.md §2): the same fields
 * for "check a purpose" and for the consent gate of a share.
 */
export function UseRequestFields({ value, onChange, showDate = true }: { value: UseRequestForm; onChange(v: UseRequestForm): void; showDate?: boolean }) {
  const set = <K extends keyof UseRequestForm>(k: K, v: UseRequestForm[K]): void => onChange({ ...value, [k]: v });
  const flag = (k: 'methods' | 'commercial' | 'forProfit' | 'genetic' | 'irbApproval' | 'willPublish' | 'collaboration' | 'willReturnData', label: string) => (
    <Checkbox label={label} checked={value[k]} onChange={(e) => set(k, e.currentTarget.checked)} />
  );
  return (
    <Stack gap="sm">
      <Radio.Group label="Purpose" description="The most specific one: a study of lung cancer is DS with DOID:1324, not HMB." value={value.purpose} onChange={(v) => set('purpose', v as UseRequestForm['purpose'])}>
        <Group mt={6} gap="lg">
          {PURPOSES.map((p) => (
            <Radio key={p} value={p} label={`${p} — ${PURPOSE_LABELS[p]}`} />
          ))}
        </Group>
      </Radio.Group>
      {value.purpose === 'DS' ? (
        <TextInput label="Diseases studied" description="Ontology CURIEs (DOID, MONDO), separated by spaces or commas." placeholder="DOID:162" required value={value.diseases} onChange={(e) => set('diseases', e.currentTarget.value)} />
      ) : null}
      <Fieldset legend="The use">
        <Tiles cols={2}>
          {flag('methods', 'Includes methods development')}
          {flag('genetic', 'Genetic study (genotypes)')}
          {flag('commercial', 'Commercial use')}
          {flag('forProfit', 'Requester is a for-profit organisation')}
        </Tiles>
      </Fieldset>
      <Fieldset legend="The requester attests">
        <Tiles cols={2}>
          {flag('irbApproval', 'Ethics (IRB/ERB) approval')}
          {flag('willPublish', 'Will publish the results')}
          {flag('collaboration', 'Will collaborate with the data producers')}
          {flag('willReturnData', 'Will return derived data')}
        </Tiles>
      </Fieldset>
      <Fieldset legend="Who asks (checked against DUO US, IS, PS, GS)">
        <Tiles cols={2}>
          <TextInput label="User" value={value.user} onChange={(e) => set('user', e.currentTarget.value)} />
          <TextInput label="Institution" value={value.institution} onChange={(e) => set('institution', e.currentTarget.value)} />
          <TextInput label="Project" value={value.project} onChange={(e) => set('project', e.currentTarget.value)} />
          <TextInput label="Region or country" placeholder="e.g. EU, US" value={value.region} onChange={(e) => set('region', e.currentTarget.value)} />
        </Tiles>
      </Fieldset>
      <Tiles cols={2}>
        <MultiSelect
          label="Sensitive research areas"
          description="Any of these needs a person's review."
          data={SENSITIVE_TOPICS.map((t) => ({ value: t, label: SENSITIVE_LABELS[t] }))}
          value={value.sensitive}
          onChange={(v) => set('sensitive', v as UseRequestForm['sensitive'])}
          clearable
        />
        {showDate ? <TextInput label="Date of use" description="Empty: today." type="date" value={value.date} onChange={(e) => set('date', e.currentTarget.value)} /> : <div />}
      </Tiles>
    </Stack>
  );
}
