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
  /** API key sent as `Authorization: Bearer <key>`; default `OPENLINEAGE_API_KEY`. */
  readonly apiKey?: string;
  /** Endpoint path (default `OPENLINEAGE_ENDPOINT`, else `api/v1/lineage`), relative to the URL. */
  readonly endpoint?: string;
  /** Retries of an event answered 429/5xx or lost to a network error. Default 3. */
  readonly retries?: number;
  /** First retry delay, doubled at each retry (a `Retry-After` in seconds is honoured up to 30 s). Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Runs sent at once (the events of one run go in order). Default 4. */
  readonly concurrency?: number;
  /** The environment read for `OPENLINEAGE_*` (tests); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What {@link postOpenLineage} did. */
export interface PostOpenLineageResult {
  readonly posted: number;
  readonly failures: readonly { readonly index: number; readonly status?: number; readonly message: string }[];
}

type Failure = { index: number; status?: number; message: string };

/** The endpoint to POST to, its headers, and how to show it in messages (no credentials, no query). */
function target(url: string, options: PostOpenLineageOptions, env: PostOpenLineageOptions['env'] = {}) {
  const t = new URL(url);
  const endpoint = (options.endpoint ?? env.OPENLINEAGE_ENDPOINT ?? 'api/v1/lineage').replace(/^\/+/, '');
  if (!t.pathname.replace(/\/+$/, '').endsWith(`/${endpoint.replace(/\/+$/, '')}`))
    t.pathname = `${t.pathname.replace(/\/+$/, '')}/${endpoint}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // Credentials in the URL become a Basic authorization header (fetch refuses them in the URL).
  if (t.username || t.password)
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(t.username)}:${decodeURIComponent(t.password)}`).toString('base64')}`;
  const apiKey = options.apiKey ?? env.OPENLINEAGE_API_KEY;
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  Object.assign(headers, options.headers);
  t.username = '';
  t.password = '';
  return { href: t.href, shown: `${t.origin}${t.pathname}`, headers, secrets: apiKey ? [apiKey] : [] };
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

const retryable = (status: number) => status === 429 || status >= 500;

/**
 * POSTs events to an OpenLineage HTTP endpoint (Marquez style, one event per request; the spec
 * folder documents no batch endpoint): `POST <url>/api/v1/lineage` with a JSON body. `url` defaults
 * to `OPENLINEAGE_URL`; `OPENLINEAGE_ENDPOINT` replaces the path `api/v1/lineage`;
 * `OPENLINEAGE_API_KEY` is sent as `Authorization: Bearer …` (a URL whose path already ends in the
 * endpoint is used as is; its query is kept; URL credentials become a Basic header). An event
 * answered 429/5xx or lost to a network error is retried with exponential backoff (`retries`,
 * `retryDelayMs`); `concurrency` runs are sent at once, the events of a run in order. A refused event is recorded in
 * `failures` and the others are still sent; messages never show the API key, URL credentials or
 * the query. An aborted signal stops and rejects.
 *
 * @example
 * ```ts
 * const { posted, failures } = await postOpenLineage('http://localhost:5000', events);
 * ```
 */
export async function postOpenLineage(
  url: string | undefined,
  events: readonly OpenLineageRunEvent[],
  options: PostOpenLineageOptions = {},
): Promise<PostOpenLineageResult> {
  const env = options.env ?? process.env;
  const base = url ?? env.OPENLINEAGE_URL;
  if (typeof base !== 'string' || !/^https?:\/\//i.test(base))
    throw new TypeError('postOpenLineage: url (or OPENLINEAGE_URL) must be an http(s) URL');
  if (!Array.isArray(events)) throw new TypeError('postOpenLineage: events must be an array');
  const t = target(base, options, env);
  // The receiver's answer may echo the request (headers, the API key) back: all masked.
  const redact = (message: string): string => {
    let m = message.split(t.href).join(t.shown);
    for (const s of t.secrets) m = m.split(s).join('***');
    return redactText(m);
  };
  const doFetch = options.fetch ?? fetch;
  const retries = Math.max(0, options.retries ?? 3);
  const delay = options.retryDelayMs ?? 500;
  const failures: Failure[] = [];
  let posted = 0;
  const postOne = async (index: number, event: OpenLineageRunEvent): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      options.signal?.throwIfAborted();
      const signals = [AbortSignal.timeout(options.timeoutMs ?? 30_000), ...(options.signal ? [options.signal] : [])];
      let failure: Failure;
      let wait = delay * 2 ** attempt;
      try {
        const res = await doFetch(t.href, {
          method: 'POST',
          headers: t.headers,
          body: JSON.stringify(event),
          signal: AbortSignal.any(signals),
        });
        const text = await res.text().catch(() => '');
        if (res.ok) {
          posted++;
          return;
        }
        failure = {
          index,
          status: res.status,
          message: `${t.shown} answered ${res.status}${text ? `: ${redact(text.slice(0, 200))}` : ''}`,
        };
        const after = Number(res.headers.get('retry-after'));
        if (Number.isFinite(after) && after > 0) wait = Math.min(after * 1000, 30_000);
        if (!retryable(res.status)) return void failures.push(failure);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        failure = { index, message: `${t.shown}: ${redact(error instanceof Error ? error.message : String(error))}` };
      }
      if (attempt >= retries) return void failures.push(failure);
      await sleep(wait, options.signal);
    }
  };
  // The events of one run go in order (START before COMPLETE/FAIL); runs go in parallel.
  const runs = new Map<string, number[]>();
  for (const [index, event] of events.entries()) {
    const key = typeof event?.run?.runId === 'string' ? event.run.runId : `#${index}`;
    runs.set(key, [...(runs.get(key) ?? []), index]);
  }
  const queue = [...runs.values()];
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      for (const index of queue[next++] ?? []) {
        const event = events[index];
        if (event !== undefined) await postOne(index, event);
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, queue.length));
  await Promise.all(Array.from({ length: workers }, worker));
  failures.sort((a, b) => a.index - b.index);
  return { posted, failures };
}
