/**
 * A client of the IPFS Pinning Service API v1.0
 * (https://ipfs.github.io/pinning-services-api-spec/, ipfs-pinning-service.yaml): ask a
 * remote service (a lab's IPFS Cluster, Pinata, Filebase…) to keep a recursive pin of a
 * CID, naming our own node's multiaddrs as `origins` so it can fetch the blocks from us.
 *
 * Every request carries `Authorization: Bearer <token>`; the token is fetched from the
 * caller's SecretStore for each request and never appears in errors or logs. Answers are
 * untrusted: each is validated against the spec's schemas (zod) before use. HTTP
 * failures map to NotariumError codes: 400 INVALID_INPUT, 401/403 FORBIDDEN,
 * 404 NOT_FOUND, 409 (insufficient funds) and other 4XX/5XX IPFS_FAILED, each with the
 * service's `error.reason` and `error.details`.
 */
import { z } from 'zod';
import { isNotariumError, NotariumError, type ErrorCode } from '../../../shared/errors.ts';

/** Status of a pin request at the service. */
export type PinStatusValue = 'queued' | 'pinning' | 'pinned' | 'failed';

const statusSchema = z.enum(['queued', 'pinning', 'pinned', 'failed']);
const stringMap = z.record(z.string(), z.string());

const pinSchema = z.object({
  cid: z.string().min(1),
  name: z.string().max(255).optional(),
  origins: z.array(z.string()).max(20).optional(),
  meta: stringMap.optional(),
});

const pinStatusSchema = z.object({
  requestid: z.string().min(1),
  status: statusSchema,
  created: z.string().min(1),
  pin: pinSchema,
  // Required by the spec, but some services omit it while queued.
  delegates: z.array(z.string()).max(20).default([]),
  info: stringMap.optional(),
});

const pinResultsSchema = z.object({
  count: z.number().int().nonnegative(),
  results: z.array(pinStatusSchema).max(1000),
});

const failureSchema = z.object({ error: z.object({ reason: z.string(), details: z.string().optional() }) });

/** A pin request (the spec's Pin object). */
export type Pin = z.infer<typeof pinSchema>;
/** A pin request's state at the service (the spec's PinStatus object). */
export type PinStatus = z.infer<typeof pinStatusSchema>;
/** One page of `GET /pins` (the spec's PinResults object). */
export type PinResults = z.infer<typeof pinResultsSchema>;

/** Filters of `GET /pins`. */
export interface PinQuery {
  /** Up to 10 CIDs. */
  cid?: readonly string[];
  name?: string;
  match?: 'exact' | 'iexact' | 'partial' | 'ipartial';
  status?: readonly PinStatusValue[];
  /** RFC 3339 timestamps. */
  before?: string;
  after?: string;
  /** 1..1000, default 10 at the service. */
  limit?: number;
  meta?: Record<string, string>;
}

/** How PinningServiceClient is built. */
export interface PinningServiceOptions {
  /** API base, e.g. 'https://api.pinata.cloud/psa'; `/pins` is appended. */
  endpoint: string;
  /** The access token, read when each request is made (from a SecretStore). */
  token: () => Promise<string>;
  /** Per-request timeout, ms; default 30,000. */
  timeoutMs?: number;
  /** Defaults to the global fetch; tests and proxies may pass another. */
  fetch?: typeof fetch;
}

/** Options of waitUntilPinned. */
export interface WaitOptions {
  signal?: AbortSignal;
  /** Give up after this long, ms; default 10 minutes. */
  timeoutMs?: number;
  /** First poll delay, ms, doubling up to maxIntervalMs; default 1,000. */
  intervalMs?: number;
  /** Default 30,000. */
  maxIntervalMs?: number;
  /** Called with each status polled. */
  onStatus?: (status: PinStatus) => void;
}

const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = { 400: 'INVALID_INPUT', 401: 'FORBIDDEN', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };

/** The Pinning Service API client. One instance per service endpoint. */
export class PinningServiceClient {
  readonly endpoint: string;
  readonly #base: URL;
  readonly #token: () => Promise<string>;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  /** @throws NotariumError('INVALID_INPUT') for an endpoint that is not an http(s) URL. */
  constructor(options: PinningServiceOptions) {
    let base: URL;
    try {
      base = new URL(options.endpoint);
    } catch (error) {
      throw new NotariumError('INVALID_INPUT', `pinning service endpoint '${options.endpoint}' is not a URL`, { cause: error });
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new NotariumError('INVALID_INPUT', `pinning service endpoint '${options.endpoint}' must be https://`);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#base = base;
    this.endpoint = options.endpoint;
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** `POST /pins`: asks the service to pin `pin.cid` recursively. Expects 202 and a PinStatus. */
  async add(pin: Pin, signal?: AbortSignal): Promise<PinStatus> {
    const status = await this.#request('POST', 'pins', { body: validPin(pin), expect: 202, schema: pinStatusSchema, ...(signal === undefined ? {} : { signal }) });
    return checkCid(status, pin.cid);
  }

  /** `GET /pins/{requestid}`: the current status of a pin request. */
  async get(requestid: string, signal?: AbortSignal): Promise<PinStatus> {
    return this.#request('GET', `pins/${encodeURIComponent(requestid)}`, { expect: 200, schema: pinStatusSchema, ...(signal === undefined ? {} : { signal }) });
  }

  /**
   * `GET /pins` with filters: one page, newest first. Without filters the spec returns
   * only `pinned` pins. Page on with `before` = the oldest `created` of the page.
   */
  async list(query: PinQuery = {}, signal?: AbortSignal): Promise<PinResults> {
    const params = new URLSearchParams();
    for (const cid of query.cid ?? []) params.append('cid', cid);
    if (query.name !== undefined) params.set('name', query.name);
    if (query.match !== undefined) params.set('match', query.match);
    for (const status of query.status ?? []) params.append('status', status);
    if (query.before !== undefined) params.set('before', query.before);
    if (query.after !== undefined) params.set('after', query.after);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.meta !== undefined) params.set('meta', JSON.stringify(query.meta));
    return this.#request('GET', 'pins', { params, expect: 200, schema: pinResultsSchema, ...(signal === undefined ? {} : { signal }) });
  }

  /** Every pin matching `query`, newest first, following `before` across pages. */
  async *listAll(query: Omit<PinQuery, 'before'> = {}, signal?: AbortSignal): AsyncGenerator<PinStatus> {
    let before: string | undefined;
    for (;;) {
      const page = await this.list({ ...query, ...(before === undefined ? {} : { before }) }, signal);
      yield* page.results;
      const oldest = page.results.at(-1)?.created;
      if (page.results.length === 0 || page.results.length >= page.count || oldest === undefined || oldest === before) return;
      before = oldest;
    }
  }

  /** `POST /pins/{requestid}`: replaces a pin request with `pin` (keeps shared blocks); the old one is removed. */
  async replace(requestid: string, pin: Pin, signal?: AbortSignal): Promise<PinStatus> {
    const status = await this.#request('POST', `pins/${encodeURIComponent(requestid)}`, { body: validPin(pin), expect: 202, schema: pinStatusSchema, ...(signal === undefined ? {} : { signal }) });
    return checkCid(status, pin.cid);
  }

  /** `DELETE /pins/{requestid}`: removes a pin request. Expects 202. */
  async remove(requestid: string, signal?: AbortSignal): Promise<void> {
    await this.#request('DELETE', `pins/${encodeURIComponent(requestid)}`, { expect: 202, ...(signal === undefined ? {} : { signal }) });
  }

  /**
   * Polls `GET /pins/{requestid}` (interval doubling from intervalMs to maxIntervalMs)
   * until the pin is `pinned`.
   *
   * @returns the final PinStatus.
   * @throws NotariumError('IPFS_FAILED') when the service reports `failed` (with its
   *   info.status_details) or the timeout passes while still queued/pinning (details
   *   carry the last status); ('CANCELLED') when `signal` aborts; the errors of get().
   */
  async waitUntilPinned(requestid: string, options: WaitOptions = {}): Promise<PinStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    let interval = options.intervalMs ?? 1_000;
    const maxInterval = options.maxIntervalMs ?? 30_000;
    for (;;) {
      const status = await this.get(requestid, options.signal);
      options.onStatus?.(status);
      if (status.status === 'pinned') return status;
      if (status.status === 'failed') {
        const why = status.info?.['status_details'];
        throw new NotariumError('IPFS_FAILED', `the pinning service failed to pin ${status.pin.cid}${why === undefined ? '' : `: ${why}`}`, { details: { requestid, cid: status.pin.cid, status: status.status } });
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new NotariumError('IPFS_FAILED', `the pinning service has not pinned ${status.pin.cid} yet (still ${status.status})`, { details: { requestid, cid: status.pin.cid, status: status.status } });
      }
      await sleep(Math.min(interval, left), options.signal);
      interval = Math.min(interval * 2, maxInterval);
    }
  }

  async #request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { body?: unknown; params?: URLSearchParams; expect: number; schema?: z.ZodType<T>; signal?: AbortSignal },
  ): Promise<T> {
    const url = new URL(path, this.#base);
    if (options.params !== undefined) url.search = options.params.toString();
    const where = `${method} ${url.origin}${url.pathname}`;
    const signal = AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), ...(options.signal === undefined ? [] : [options.signal])]);
    let response: Response;
    try {
      const token = await this.#token();
      response = await this.#fetch(url, {
        method,
        signal,
        redirect: 'error',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
    } catch (error) {
      if (isNotariumError(error)) throw error;
      if (options.signal?.aborted === true) throw new NotariumError('CANCELLED', `${where}: cancelled`, { cause: error });
      const reason = signal.aborted ? `no answer within ${this.#timeoutMs / 1000} s` : (error as Error).message;
      throw new NotariumError('IPFS_FAILED', `${where}: cannot reach the pinning service (${reason})`, { cause: error, details: { endpoint: this.endpoint } });
    }
    const text = await response.text().catch(() => '');
    if (response.status !== options.expect) throw failure(where, response.status, text);
    if (options.schema === undefined) return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new NotariumError('IPFS_FAILED', `${where}: the pinning service answered ${response.status} with a body that is not JSON`, { cause: error });
    }
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) throw new NotariumError('IPFS_FAILED', `${where}: the pinning service's answer does not follow the Pinning Service API: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }
}

function failure(where: string, status: number, text: string): NotariumError {
  let reason = 'HTTP_ERROR';
  let details: string | undefined;
  try {
    const parsed = failureSchema.safeParse(JSON.parse(text));
    if (parsed.success) ({ reason, details } = parsed.data.error);
  } catch {
    // Not the spec's Failure object: keep the generic reason.
  }
  const code = CODE_BY_STATUS[status] ?? 'IPFS_FAILED';
  const hint = status === 401 ? ' (the access token is missing or invalid)' : status === 409 ? ' (insufficient funds at the pinning service)' : '';
  return new NotariumError(code, `${where}: the pinning service answered ${status} ${reason}${details === undefined ? '' : `: ${details}`}${hint}`, { details: { status, reason } });
}

function validPin(pin: Pin): Pin {
  const parsed = pinSchema.safeParse(pin);
  if (!parsed.success) throw new NotariumError('INVALID_INPUT', `invalid pin request: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function checkCid(status: PinStatus, cid: string): PinStatus {
  if (status.pin.cid !== cid) {
    throw new NotariumError('IPFS_FAILED', `the pinning service acknowledged ${status.pin.cid} instead of ${cid}`, { details: { requested: cid, acknowledged: status.pin.cid } });
  }
  return status;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new NotariumError('CANCELLED', 'waiting for the pin was cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new NotariumError('CANCELLED', 'waiting for the pin was cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
