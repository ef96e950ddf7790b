import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { FeeQuote } from '../../../shared/api/index.ts';
import { Fact } from './Fact.tsx';
import { Tiles } from './Tiles.tsx';

/** Gas units with thousands separators; amounts stay exact decimal strings (wei can exceed 2^53). */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The fee of a public-chain transaction before it is signed (issue 4): gas, likely and
 * maximum cost in ether and in wei, the balance; Send signs it, Cancel sends nothing.
 */
export function FeeQuotePanel({ quote, onAnswer }: { quote: FeeQuote; onAnswer(accept: boolean): void }) {
  const amount = (ether: string, wei: string): string => `${ether} ${quote.currency} (${groupDigits(wei)} wei)`;
  return (
    <Alert color={quote.affordable ? 'blue' : 'red'} title="Confirm the transaction fee" role="alertdialog" aria-label="Confirm the transaction fee">
      <Stack gap="sm">
        <Text size="sm">
          {quote.action} on <b>{quote.network}</b> (chain {quote.chainId}), paid by {quote.from}.
        </Text>
        <Tiles cols={2}>
          <Fact label="Gas" value={`${groupDigits(quote.gasEstimate)} estimated, limit ${groupDigits(quote.gasLimit)}`} />
          <Fact label="Fee per gas" value={quote.maxFeePerGas !== null ? `at most ${groupDigits(quote.maxFeePerGas)} wei` : `${groupDigits(quote.gasPrice ?? '0')} wei`} />
          <Fact label="Likely cost" value={amount(quote.expectedCost, quote.expectedCostWei)} />
          <Fact label="At most" value={amount(quote.maxCost, quote.maxCostWei)} />
          <Fact label="Your balance" value={amount(quote.balance, quote.balanceWei)} />
        </Tiles>
        {quote.affordable ? null : <Text size="sm" c="red">Your balance does not cover the most this transaction can cost: the node will refuse it. Add funds, then resume it from Datasets.</Text>}
        <Group>
          <Button onClick={() => onAnswer(true)} disabled={!quote.affordable}>
            Send and pay
          </Button>
          <Button variant="default" onClick={() => onAnswer(false)}>
            Cancel, send nothing
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
