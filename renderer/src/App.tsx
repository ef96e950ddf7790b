import { Badge, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { ScreenName, ScreenParams } from './navigation.ts';
import { CoauthorsScreen } from './screens/CoauthorsScreen.tsx';
import { ConsentScreen } from './screens/ConsentScreen.tsx';
import { DatasetsScreen } from './screens/DatasetsScreen.tsx';
import { NotarizeScreen } from './screens/NotarizeScreen.tsx';
import { RetrieveScreen } from './screens/RetrieveScreen.tsx';
import { SettingsScreen } from './screens/SettingsScreen.tsx';
import { VerifyScreen } from './screens/VerifyScreen.tsx';
import { useStatus } from './status-context.tsx';

const NAV: { screen: ScreenName; label: string }[] = [
  { screen: 'datasets', label: 'Datasets' },
  { screen: 'notarize', label: 'Notarize' },
  { screen: 'coauthors', label: 'Co-authors' },
  { screen: 'verify', label: 'Verify' },
  { screen: 'retrieve', label: 'Retrieve' },
  { screen: 'consent', label: 'Consent' },
  { screen: 'settings', label: 'Settings' },
];

/** The window: header, navigation and the current screen (layout from app.css; Mantine's AppShell needs inline styles). */
export function App() {
  const [screen, setScreen] = useState<ScreenName>('datasets');
  const [params, setParams] = useState<ScreenParams>({});
  const [visit, setVisit] = useState(0);
  const { status } = useStatus();
  const navigate = (next: ScreenName, p: ScreenParams = {}): void => {
    setScreen(next);
    setParams(p);
    setVisit((v) => v + 1);
  };
  const lockBadge =
    status === null ? null : status.account === null ? (
      <Badge variant="light" color="gray">
        no account
      </Badge>
    ) : status.unlocked ? (
      <Badge variant="light" color="teal">
        unlocked
      </Badge>
    ) : (
      <Badge variant="light" color="yellow">
        locked
      </Badge>
    );
  return (
    <div className="shell">
      <header className="shell-header">
        <Title order={1} size="h3">
          Notarium
        </Title>
        <Group gap="xs">
          {status === null ? null : (
            <Badge variant="light" color={status.network.local ? 'orange' : 'indigo'}>
              {status.network.local ? 'local devnet' : status.network.name}
            </Badge>
          )}
          {lockBadge}
        </Group>
      </header>
      <nav className="shell-nav" aria-label="Main">
        <Stack gap={2}>
          {NAV.map((n) => (
            <NavLink key={n.screen} component="button" label={n.label} active={screen === n.screen} aria-current={screen === n.screen ? 'page' : undefined} onClick={() => navigate(n.screen)} />
          ))}
        </Stack>
        <Text size="xs" c="gray.7" className="shell-nav-foot">
          Encrypt, store and notarize research data.
        </Text>
      </nav>
      <main className="shell-main" key={visit} aria-label={NAV.find((n) => n.screen === screen)?.label}>
        {screen === 'datasets' ? <DatasetsScreen navigate={navigate} /> : null}
        {screen === 'notarize' ? <NotarizeScreen navigate={navigate} /> : null}
        {screen === 'verify' ? <VerifyScreen {...(params.receipt === undefined ? {} : { initialReceipt: params.receipt })} /> : null}
        {screen === 'retrieve' ? <RetrieveScreen {...(params.receipt === undefined ? {} : { initialReceipt: params.receipt })} /> : null}
        {screen === 'coauthors' ? <CoauthorsScreen navigate={navigate} /> : null}
        {screen === 'consent' ? <ConsentScreen /> : null}
        {screen === 'settings' ? <SettingsScreen /> : null}
      </main>
    </div>
  );
}
