import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { AuditLogPanel } from '../consent/AuditLogPanel.tsx';
import { CheckPanel } from '../consent/CheckPanel.tsx';
import { RecordsPanel } from '../consent/RecordsPanel.tsx';

type Tab = 'records' | 'check' | 'log';

/** Consent of data subjects (docs/CONSENT.md): records, purpose checks, the audit log. Everything stays on this machine. */
export function ConsentScreen() {
  const [tab, setTab] = useState<Tab>('records');
  return (
    <Stack>
      <Title order={2}>Consent</Title>
      <Text c="dimmed">Uses of patient-derived data are checked against what every data subject consented to, in GA4GH DUO terms. Consent records and subject ids never leave this machine.</Text>
      <Tabs value={tab} onChange={(v) => setTab((v as Tab | null) ?? 'records')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="records">Subjects and consents</Tabs.Tab>
          <Tabs.Tab value="check">Check a purpose</Tabs.Tab>
          <Tabs.Tab value="log">Audit log</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="records" pt="md">
          <RecordsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="check" pt="md">
          <CheckPanel />
        </Tabs.Panel>
        <Tabs.Panel value="log" pt="md">
          <AuditLogPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
