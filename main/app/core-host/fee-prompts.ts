/**
 * Fee quotes waiting for the user (issue 4): the core worker cannot show a dialog, so a
 * call about to sign a public-chain transaction sends its quote with a progress event and
 * waits here until the renderer answers through the `confirmFee` operation. Cancelling the
 * call (its abort signal) declines: nothing is sent.
 */
import { formatEther } from 'ethers';
import type { FeeQuote } from '../../../shared/api/index.ts';
import { canAfford, type FeeContext, type FeeEstimate } from '../../core/chain/fees.ts';

/** The wire form of a quote: amounts in wei as decimal strings and in ether units. */
export function toFeeQuote(estimate: FeeEstimate, context: FeeContext): FeeQuote {
  return {
    action: context.action.slice(0, 500),
    network: context.network.slice(0, 200),
    currency: context.currency.slice(0, 20),
    chainId: estimate.chainId,
    from: estimate.from,
    gasEstimate: estimate.gasEstimate.toString(),
    gasLimit: estimate.gasLimit.toString(),
    maxFeePerGas: estimate.maxFeePerGas?.toString() ?? null,
    gasPrice: estimate.gasPrice?.toString() ?? null,
    expectedCostWei: estimate.expectedCostWei.toString(),
    maxCostWei: estimate.maxCostWei.toString(),
    balanceWei: estimate.balanceWei.toString(),
    expectedCost: formatEther(estimate.expectedCostWei),
    maxCost: formatEther(estimate.maxCostWei),
    balance: formatEther(estimate.balanceWei),
    affordable: canAfford(estimate),
  };
}

export class FeePrompts {
  readonly #waiting = new Map<string, (accept: boolean) => void>();

  /**
   * Shows `quote` through `show` and resolves the user's answer: true to send, false when
   * declined or when `signal` aborts. One question per call id at a time.
   */
  ask(callId: string, quote: FeeQuote, show: (quote: FeeQuote) => void, signal?: AbortSignal): Promise<boolean> {
    this.#waiting.get(callId)?.(false);
    return new Promise<boolean>((resolve) => {
      const done = (accept: boolean): void => {
        if (this.#waiting.get(callId) === done) this.#waiting.delete(callId);
        signal?.removeEventListener('abort', onAbort);
        resolve(accept);
      };
      const onAbort = (): void => done(false);
      if (signal?.aborted === true) return resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(callId, done);
      show(quote);
    });
  }

  /** Delivers the user's answer; false when no quote of `callId` is waiting. */
  answer(callId: string, accept: boolean): boolean {
    const resolve = this.#waiting.get(callId);
    resolve?.(accept);
    return resolve !== undefined;
  }

  /** Declines every waiting quote (the core is closing). */
  declineAll(): void {
    for (const resolve of [...this.#waiting.values()]) resolve(false);
  }
}
