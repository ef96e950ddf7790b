import { Alert, Button, Checkbox, Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useOperation } from '../api/use-operation.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PathChooser } from '../components/PathChooser.tsx';
import { useStatus } from '../status-context.tsx';
import { DraftFacts, SignersView } from './DraftStatusView.tsx';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The co-author's side: review what a draft asks to sign, then sign it offline (no gas). */
export function SignPanel() {
  const [draft, setDraft] = useState<string[]>([]);
  const [asWallet, setAsWallet] = useState('');
  const [reviewed, setReviewed] = useState(false);
  const status = useOperation('draftStatus');
  const sign = useOperation('signDraft');
  const { status: app } = useStatus();
  const { run } = status;
  const { reset } = sign;
  const path = draft[0];
  useEffect(() => {
    setReviewed(false);
    reset();
    if (path !== undefined) void run({ draft: path });
  }, [path, run, reset]);

  const current = status.state.status === 'success' && path !== undefined ? status.state.value : null;
  const wallet = asWallet.trim();
  const walletIsAuthor = wallet !== '' && current !== null && current.authors.some((a) => a.address.toLowerCase() === wallet.toLowerCase());
  const canSign = current !== null && reviewed && app?.unlocked === true && (wallet === '' ? current.you !== null : ADDRESS.test(wallet) && walletIsAuthor);

  return (
    <Stack>
      <PathChooser label="Draft to sign" description="The .notarium-draft.json file the submitter sent you." pickers={[{ label: 'Choose draft…', purpose: 'draft' }]} paths={draft} onChange={setDraft} multiple={false} />
      {status.state.status === 'loading' ? (
        <Group>
          <Loader size="sm" />
          <Text>Reading the draft…</Text>
        </Group>
      ) : null}
      {status.state.status === 'error' && path !== undefined ? <ErrorAlert error={status.state.error} /> : null}
      {current === null ? null : (
        <>
          <Title order={3} size="h4">
            What you are asked to sign
          </Title>
          <DraftFacts status={current} />
          <SignersView status={current} />
          <Paper withBorder p="md">
            <Stack>
              {current.you === null && wallet === '' ? (
                <Alert color="yellow" title="Your account is not an author of this draft">
                  Only the listed authors can sign. If you sign for a lab contract wallet (ERC-1271) that accepts your key, give its address below.
                </Alert>
              ) : (
                <Text size="sm">You sign as {wallet === '' ? current.you : wallet}. Signing needs no network and no ether; the signature file is written next to the draft.</Text>
              )}
              <TextInput label="Sign for a contract wallet (optional)" description="A lab multisig listed as author that accepts your key's signature (ERC-1271)." placeholder="0x…" value={asWallet} onChange={(e) => setAsWallet(e.currentTarget.value)} error={wallet !== '' && !walletIsAuthor ? 'This address is not an author of the draft.' : undefined} classNames={{ input: 'mono-input' }} />
              <Checkbox label="I have reviewed the title, the files, the root and the authors" checked={reviewed} onChange={(e) => setReviewed(e.currentTarget.checked)} />
              {app !== null && !app.unlocked ? (
                <Text size="sm" c="orange.9">
                  Unlock your account in Settings to sign.
                </Text>
              ) : null}
              <Group>
                <Button onClick={() => path !== undefined && void sign.run({ draft: path, ...(wallet === '' ? {} : { asWallet: wallet }) })} disabled={!canSign} loading={sign.state.status === 'loading'}>
                  Sign
                </Button>
              </Group>
              {sign.state.status === 'error' ? <ErrorAlert error={sign.state.error} /> : null}
              {sign.state.status === 'success' ? (
                <Alert color="teal" title={`Signed as ${sign.state.value.signer}`} role="status">
                  <Stack gap={4}>
                    <Text size="sm">Send this signature file back to the submitter:</Text>
                    <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                      {sign.state.value.signaturePath}
                    </Text>
                  </Stack>
                </Alert>
              ) : null}
            </Stack>
          </Paper>
        </>
      )}
    </Stack>
  );
}
