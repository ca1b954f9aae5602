import { QixflowError } from '../errors.js';
import type { SiteCookies } from '../http/cookie-jar.js';
import { type HttpClient, withoutQuery } from '../http/http-client.js';
import type { ResolvedSite } from '../internal/resolve-site-options.js';
import type { ProxySession } from '../session/proxy-session.js';
import type { QrsCallOptions, QrsQuery } from './qrs-client.js';
import { sessionRequest } from './session-request.js';

/**
 * Qlik Cloud REST (`/api/v1/…`) with the tenant session's cookies: the CSRF token in
 * `qlik-csrf-token` on writes, JSON in and out, one new login if the session was rejected (401).
 * Paths are relative to `/api/v1/` (`items`, `reloads/{id}`) or a `links.next.href` the tenant gave.
 *
 * @example
 * ```ts
 * const page = await cloud.get<{ data: unknown[] }>('items', { query: { resourceType: 'app' } });
 * ```
 */
export class CloudRestClient {
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

  /** GET a JSON answer. */
  get<T = unknown>(path: string, options?: QrsCallOptions): Promise<T> {
    return this.#call<T>('GET', path, undefined, options);
  }

  /** POST a JSON body; the JSON answer. */
  post<T = unknown>(path: string, body?: unknown, options?: QrsCallOptions): Promise<T> {
    return this.#call<T>('POST', path, body, options);
  }

  /** DELETE; the JSON answer (undefined for 204). */
  delete<T = unknown>(path: string, options?: QrsCallOptions): Promise<T> {
    return this.#call<T>('DELETE', path, undefined, options);
  }

  /** The session generation (grows with each new login). */
  get generation(): number {
    return this.#proxy.generation;
  }

  #call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, options: QrsCallOptions = {}): Promise<T> {
    const url = this.#url(path, options.query ?? {});
    return sessionRequest<T>(
      { site: this.#site, http: this.#http, proxy: this.#proxy, cookies: this.#cookies },
      {
        method,
        describe: `${method} ${withoutQuery(url)}`,
        // Writes carry the tenant session's CSRF token.
        prepare: (credentials) => {
          const headers: Record<string, string> = {};
          if (method !== 'GET' && credentials.csrfToken !== undefined)
            headers['qlik-csrf-token'] = credentials.csrfToken;
          return { url, headers };
        },
        body,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  }

  #url(path: string, query: QrsQuery): string {
    const base = this.#site.httpBase;
    const url = path.startsWith('/') || /^https?:/.test(path) ? new URL(path, base) : new URL(`/api/v1/${path}`, base);
    if (url.origin !== new URL(base).origin) throw new QixflowError('ERR_HTTP', `${url.origin} is not the tenant`);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, String(value));
    return url.href;
  }
}
