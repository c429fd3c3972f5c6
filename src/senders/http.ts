/**
 * The one HTTP call of the REST senders (Twilio, Vonage): a form POST over the global `fetch`,
 * bounded by a timeout and the caller's signal, whose failures to get any answer become a
 * {@link DeliveryError} (`timeout` or `network`) without the URL, the form or the original error.
 * @internal
 * @module
 */
import { DeliveryError } from './delivery-error.js';

/** How long a provider request may take by default before it is abandoned as `timeout`. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A provider's answer: its HTTP status and its body parsed as JSON (`undefined` when it is not JSON). */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** POSTs `form` (application/x-www-form-urlencoded, UTF-8) to `url` and reads the JSON answer. */
export async function postForm(
  provider: string,
  url: string,
  form: Record<string, string>,
  options: { headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<HttpAnswer> {
  const signal = boundedSignal(options.timeoutMs, options.signal);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json', ...options.headers },
      body: new URLSearchParams(form).toString(),
      signal,
      redirect: 'error',
    });
    const text = await res.text();
    return { status: res.status, body: parseJson(text) };
  } catch (err) {
    if (signal.aborted) throw new DeliveryError(provider, 'timeout');
    throw new DeliveryError(provider, 'network', { cause: safeCause(err) });
  }
}

/**
 * A signal that aborts after `timeoutMs` or when `signal` does (`AbortSignal.any` where the
 * runtime has it: Node 20.3 and later).
 */
export function boundedSignal(timeoutMs: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (!signal) return timeout;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([timeout, signal]);
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (signal.aborted) abort();
  signal.addEventListener('abort', abort, { once: true });
  timeout.addEventListener('abort', abort, { once: true });
  return controller.signal;
}

/** HTTP Basic credentials (RFC 7617, UTF-8). */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** Joins a base URL (with or without a trailing slash) and a path. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/** A string field of a JSON object, or `undefined`. */
export function field(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value: unknown = (body as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * A cause that names what went wrong without carrying anything from the request: only the
 * system error code (`ECONNREFUSED`, `ENOTFOUND`, ...) of the original error or its cause.
 */
export function safeCause(err: unknown): Error {
  const code = systemCode(err) ?? systemCode((err as { cause?: unknown } | null)?.cause);
  return new Error(code ?? 'request failed');
}

function systemCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
