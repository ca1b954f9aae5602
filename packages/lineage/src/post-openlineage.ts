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
 * with a JSON body (a `url` that already ends in `/api/v1/lineage` is used as is). A refused event
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
    throw new TypeError(`postOpenLineage: url must be an http(s) URL, got ${String(url)}`);
  if (!Array.isArray(events)) throw new TypeError('postOpenLineage: events must be an array');
  const endpoint = /\/api\/v1\/lineage\/?$/.test(url) ? url : `${url.replace(/\/+$/, '')}/api/v1/lineage`;
  const doFetch = options.fetch ?? fetch;
  const failures: { index: number; status?: number; message: string }[] = [];
  let posted = 0;
  for (const [index, event] of events.entries()) {
    options.signal?.throwIfAborted();
    const signals = [AbortSignal.timeout(options.timeoutMs ?? 30_000), ...(options.signal ? [options.signal] : [])];
    try {
      const res = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(event),
        signal: AbortSignal.any(signals),
      });
      const text = await res.text().catch(() => '');
      if (res.ok) posted++;
      else
        failures.push({
          index,
          status: res.status,
          message: `${endpoint} answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
        });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      failures.push({ index, message: `${endpoint}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return { posted, failures };
}
