import { QixflowError } from '../errors.js';
import type { SiteCookies } from '../http/cookie-jar.js';
import type { HttpClient } from '../http/http-client.js';
import type { ResolvedSite } from '../internal/resolve-site-options.js';
import { type ProxySession, xrfkey } from '../session/proxy-session.js';
import { sessionRequest } from './session-request.js';

/** Query parameters of a QRS call. */
export type QrsQuery = Record<string, string | number | boolean | undefined>;

/** Options of a QRS call. */
export interface QrsCallOptions {
  query?: QrsQuery;
  signal?: AbortSignal;
}

/**
 * QRS (repository) REST through the virtual proxy with the site's session cookie: a fresh
 * xrfkey per call (query and header), JSON in and out, one re-handshake if the cookie was
 * rejected.
 *
 * @example
 * ```ts
 * const apps = await site.qrs.get<{ id: string; name: string }[]>('/app/full', { query: { filter: "stream.name eq 'Sales'" } });
 * ```
 */
export class QrsClient {
  readonly #site: ResolvedSite;
  readonly #http: HttpClient;
  readonly #proxy: ProxySession;
  readonly #cookies: SiteCookies;

  /** @internal */
  constructor(site: ResolvedSite, deps: { http: HttpClient; proxy: ProxySession; cookies: SiteCookies }) {
    this.#site = site;
    this.#http = deps.http;
    this.#proxy = deps.proxy;
    this.#cookies = deps.cookies;
  }

  get<T = unknown>(path: string, options?: QrsCallOptions): Promise<T> {
    return this.#call<T>('GET', path, undefined, options);
  }

  /**
   * A QRS answer that is not JSON, as text: a file QRS lets you download (a reload task's script
   * log at `/download/reloadtask/<reference>/scriptlog.txt`).
   *
   * @example
   * ```ts
   * const { value } = await site.qrs.get<{ value: string }>(`/reloadtask/${taskId}/scriptlog`, { query: { fileReferenceId } });
   * const log = await site.qrs.getText(`/download/reloadtask/${value}/scriptlog.txt`);
   * ```
   */
  getText(path: string, options?: QrsCallOptions): Promise<string> {
    return this.#call<string>('GET', path, undefined, options, 'text');
  }

  post<T = unknown>(path: string, body?: unknown, options?: QrsCallOptions): Promise<T> {
    return this.#call<T>('POST', path, body, options);
  }

  put<T = unknown>(path: string, body?: unknown, options?: QrsCallOptions): Promise<T> {
    return this.#call<T>('PUT', path, body, options);
  }

  delete<T = unknown>(path: string, options?: QrsCallOptions): Promise<T> {
    return this.#call<T>('DELETE', path, undefined, options);
  }

  /**
   * Every entity of a list endpoint, page by page (`skip`/`take`), in a stable order
   * (`orderby`, default `id`). Stops at the first short page.
   *
   * @example
   * ```ts
   * for await (const app of site.qrs.pages<{ id: string }>('/app/full', { pageSize: 100 })) console.log(app.id);
   * ```
   */
  async *pages<T = unknown>(
    path: string,
    options: { pageSize?: number; filter?: string; orderby?: string; signal?: AbortSignal } = {},
  ): AsyncGenerator<T, void, undefined> {
    const take = options.pageSize ?? 200;
    for (let skip = 0; ; skip += take) {
      const page = await this.get<T[]>(path, {
        query: { filter: options.filter, orderby: options.orderby ?? 'id', skip, take },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!Array.isArray(page)) throw new QixflowError('ERR_HTTP', `QRS ${path} did not answer a list`);
      yield* page;
      if (page.length < take) return;
    }
  }

  #call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    options: QrsCallOptions = {},
    as: 'json' | 'text' = 'json',
  ): Promise<T> {
    return sessionRequest<T>(
      { site: this.#site, http: this.#http, proxy: this.#proxy, cookies: this.#cookies },
      {
        method,
        describe: `QRS ${method} ${path}`,
        // A fresh xrfkey per attempt, in the query and the header.
        prepare: () => {
          const key = xrfkey();
          return { url: this.#url(path, { ...options.query, xrfkey: key }), headers: { 'x-qlik-xrfkey': key } };
        },
        body,
        as,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  }

  #url(path: string, query: QrsQuery): string {
    const clean = path.replace(/^\/+/, '').replace(/^qrs\//, '');
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    return `${this.#site.proxyBase}/qrs/${clean}?${params.toString()}`;
  }
}
