import { NotariumError } from '../../../shared/errors.ts';

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep input order.
 * @throws the first error of `fn`; NotariumError('CANCELLED') once `signal` is aborted.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (signal?.aborted === true) throw new NotariumError('CANCELLED', 'Cancelled.');
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
