/**
 * The one generic step every transport runs for a call: check the operation name, parse
 * the request with the contract's schema, run the handler, parse its result with the
 * response schema, and answer with an Outcome envelope. Used by the Electron IPC
 * registration, the core worker and the test bridge, so they cannot drift apart.
 */
import { NotariumError } from '../errors.ts';
import { OPERATIONS, isOperationName, type OperationName, type ParsedRequestOf } from './contract.ts';
import { failure, success, type Outcome } from './outcome.ts';
import { fieldLabel, parseRequest } from './schemas.ts';
import type { ProgressData } from './progress.ts';

/** What a handler gets besides its parsed request. */
export interface CallContext {
  /** Call id of a progress operation (for events and cancel), if the caller gave one. */
  callId?: string;
  onProgress?: (p: ProgressData) => void;
  signal?: AbortSignal;
}

export type Handler<K extends OperationName> = (req: ParsedRequestOf<K>, ctx: CallContext) => Promise<unknown>;
export type Handlers = { [K in OperationName]: Handler<K> };

/**
 * Runs operation `name` with the untrusted `rawRequest`.
 * Never throws: an unknown operation or a malformed request gives INVALID_INPUT, a handler
 * error its NotariumError code (or INTERNAL), a result that does not match the response
 * schema INTERNAL (the result is not passed on).
 */
export async function dispatch(name: unknown, rawRequest: unknown, handlers: Partial<Handlers>, ctx: CallContext = {}): Promise<Outcome<unknown>> {
  try {
    if (!isOperationName(name)) throw new NotariumError('INVALID_INPUT', `Unknown operation ${JSON.stringify(String(name)).slice(0, 80)}.`);
    const handler = handlers[name] as Handler<typeof name> | undefined;
    if (handler === undefined) throw new NotariumError('INVALID_INPUT', `Operation ${name} is not available here.`);
    const spec = OPERATIONS[name];
    const req = parseRequest(spec.request, rawRequest ?? {}) as ParsedRequestOf<typeof name>;
    const result = await handler(req, ctx);
    const parsed = spec.response.safeParse(result);
    if (!parsed.success) {
      throw new NotariumError('INTERNAL', `The ${name} result does not match the API contract (${fieldLabel(parsed.error.issues[0]?.path ?? [])}: ${parsed.error.issues[0]?.message ?? ''}).`);
    }
    return success(parsed.data);
  } catch (e) {
    return failure(e);
  }
}
