import { NotariumError } from '../../../shared/errors.ts';

/** Items read by index: an array, or a source that makes each item on demand (e.g. a FileTable). */
export interface Indexed<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep input order.
 * After a failure no new call starts, and it rejects only once the calls in flight have
 * settled, so nothing is still running (writing) when the caller sees the error.
 * @throws the first error of `fn`; NotariumError('CANCELLED') once `signal` is aborted.
 */
export async function mapLimit<T, R>(items: Indexed<T>, limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      if (signal?.aborted === true) {
        failure ??= { error: new NotariumError('CANCELLED', 'Cancelled.') };
        return;
      }
      const i = next++;
      try {
        results[i] = await fn(items.at(i) as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

/**
 * Like mapLimit, with each item also weighing on a shared budget: an item starts only when
 * its weight fits (or nothing else runs). Lets many small files overlap their I/O waits
 * while a large file's buffers are never multiplied by the concurrency.
 * @param weight of an item, in the budget's unit (e.g. bytes of buffers it holds).
 */
export async function mapWeighted<T, R>(
  items: Indexed<T>,
  opts: { limit: number; budget: number; weight: (item: T) => number; signal?: AbortSignal },
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  let used = 0;
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (w: number): void => {
    used -= w;
    running -= 1;
    waiting.splice(0).forEach((wake) => wake());
  };
  const acquire = async (w: number): Promise<void> => {
    while (running > 0 && used + w > opts.budget) await new Promise<void>((resolve) => waiting.push(resolve));
    used += w;
    running += 1;
  };
  return mapLimit(
    items,
    opts.limit,
    async (item, i) => {
      const w = Math.min(opts.weight(item), opts.budget);
      await acquire(w);
      try {
        return await fn(item, i);
      } finally {
        release(w);
      }
    },
    opts.signal,
  );
}
