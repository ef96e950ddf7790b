/**
 * Typed progress events of long operations (notarize, verify, retrieve). The core emits
 * them as `Progress` (main/core/notary/progress.ts); this schema is the wire form the
 * shell parses before forwarding them to the renderer, tagged with the call they belong to.
 */
import { z } from 'zod';
import { feeQuoteSchema } from './desktop-schemas.ts';

export const PROGRESS_PHASES = ['hashing', 'encrypting', 'anchoring', 'verifying', 'retrieving'] as const;

export const progressSchema = z.strictObject({
  phase: z.enum(PROGRESS_PHASES),
  filesDone: z.number().int().nonnegative(),
  filesTotal: z.number().int().nonnegative(),
  /** Plaintext bytes processed so far. */
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  /** Average throughput since the start, bytes per second. */
  bytesPerSecond: z.number().nonnegative(),
  /** Estimated seconds left, or null when unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type ProgressData = z.infer<typeof progressSchema>;

/**
 * A call id chosen by the caller of a long operation, so that its progress events can be
 * told apart and the call cancelled. Short, URL-safe.
 */
export const callIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a call id of 1-64 URL-safe characters');

export const progressEventSchema = z.strictObject({
  callId: callIdSchema,
  progress: progressSchema,
  /**
   * Set when the call waits for the user to accept a public-chain fee before it signs; the
   * renderer answers with the `confirmFee` operation (no answer: the call waits; cancel: declined).
   */
  feeQuote: feeQuoteSchema.optional(),
});
export type ProgressEvent = z.infer<typeof progressEventSchema>;
