import { redact as redactText } from '@qixflow/core';
import type { OpenLineageRunEvent } from './openlineage-types.js';

/** Options of {@link postOpenLineage}. */
export interface PostOpenLineageOptions {
  /** Extra headers (e.g. `authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** The fetch to use (tests, proxies); default the global fetch. */
  readonly fetch?: typeof fetch;
  /** Per request, milliseconds. Default 30 000. */
  readonly timeoutMs?: number;
}

/** What {@link postOpenLineage} did. */
export interface PostOpenLineageResult {
  readonly posted: number;
  readonly failures: readonly { readonly index: number; readonly status?: number; readonly message: string }[];
}

/**
 * POSTs events one by one to an OpenLineage HTTP endpoint, Marquez style: `POST <url>/api/v1/lineage`
 * with a JSON body (a `url` whose path already ends in `/api/v1/lineage` is used as is; its query is
 * kept). Credentials in the URL (`https://user:pass@host`) are sent as a Basic `authorization`
 * header unless `headers` has one; messages never show them, nor the query. A refused event
 * (non-2xx, network error) is recorded in `failures` and the others are still sent; an aborted
 * signal stops and rejects.
 *
 * @example
 * ```ts
 * const { posted, failures } = await postOpenLineage('http://localhost:5000', events);
 * ```
 */
export async function postOpenLineage(
  url: string,
  events: readonly OpenLineageRunEvent[],
  options: PostOpenLineageOptions = {},
): Promise<PostOpenLineageResult> {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url))
    throw new TypeError('postOpenLineage: url must be an http(s) URL');
  if (!Array.isArray(events)) throw new TypeError('postOpenLineage: events must be an array');
  const target = new URL(url);
  if (!/\/api\/v1\/lineage\/?$/.test(target.pathname))
    target.pathname = `${target.pathname.replace(/\/+$/, '')}/api/v1/lineage`;
  // Credentials in the URL become a Basic authorization header (fetch refuses them in the URL),
  // unless the caller gave an authorization header of its own.
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.username || target.password)
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
  Object.assign(headers, options.headers);
  target.username = '';
  target.password = '';
  const endpoint = target.href;
  // Messages name the endpoint without its query (it may hold an API key).
  const shown = `${target.origin}${target.pathname}`;
  // The receiver's answer may echo the request (headers, an API key) back: credentials masked too.
  const redact = (message: string): string => redactText(message.split(endpoint).join(shown));
  const doFetch = options.fetch ?? fetch;
  const failures: { index: number; status?: number; message: string }[] = [];
  let posted = 0;
  for (const [index, event] of events.entries()) {
    options.signal?.throwIfAborted();
    const signals = [AbortSignal.timeout(options.timeoutMs ?? 30_000), ...(options.signal ? [options.signal] : [])];
    try {
      const res = await doFetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(event),
        signal: AbortSignal.any(signals),
      });
      const text = await res.text().catch(() => '');
      if (res.ok) posted++;
      else
        failures.push({
          index,
          status: res.status,
          message: `${shown} answered ${res.status}${text ? `: ${redact(text.slice(0, 200))}` : ''}`,
        });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      failures.push({ index, message: `${shown}: ${redact(error instanceof Error ? error.message : String(error))}` });
    }
  }
  return { posted, failures };
}
