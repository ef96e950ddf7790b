/**
 * The envelope every operation of the contract answers with, across IPC, the core worker
 * and the test bridge. Errors travel as data (code + message), never as thrown objects:
 * Electron's IPC and structured clone keep only an Error's message, and the UI maps the
 * stable `code` to a message with a next step.
 */
import { z } from 'zod';
import { ERROR_CODES, NotariumError, isNotariumError, type ErrorCode } from '../errors.ts';

export const errorCodeSchema = z.enum(ERROR_CODES);

/** JSON shape of a NotariumError (see NotariumError.toJSON). */
export const apiErrorSchema = z.strictObject({
  code: errorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** The success envelope. */
export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

/**
 * The failure envelope of any thrown value: a NotariumError keeps its code, message and
 * JSON-safe details; anything else becomes INTERNAL with its message (never its stack).
 */
export function failure(e: unknown): { ok: false; error: ApiError } {
  if (isNotariumError(e)) {
    const details = jsonSafe(e.details);
    return { ok: false, error: details === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, details } };
  }
  return { ok: false, error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } };
}

/** Rebuilds the NotariumError an envelope carries (the renderer throws these). */
export function toNotariumError(error: ApiError): NotariumError {
  return new NotariumError(error.code as ErrorCode, error.message, error.details === undefined ? undefined : { details: error.details });
}

function jsonSafe(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(details, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
