import { QixflowError } from '../errors.js';
import type { SiteCookies } from '../http/cookie-jar.js';
import { type HttpClient, type HttpResponse, withoutQuery } from '../http/http-client.js';
import type { ResolvedSite } from '../internal/resolve-site-options.js';
import { type ProxySession, type SessionCredentials, shortReason } from '../session/proxy-session.js';

/** What a REST call with the site's session needs. */
export interface SessionRequestDeps {
  readonly site: ResolvedSite;
  readonly http: HttpClient;
  readonly proxy: ProxySession;
  readonly cookies: SiteCookies;
}

/** One REST call: the URL and extra headers are made anew for each attempt (a fresh xrfkey …). */
export interface SessionRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** How messages name the call, e.g. `QRS GET /app/full`. */
  readonly describe: string;
  readonly prepare: (credentials: SessionCredentials) => { url: string; headers: Record<string, string> };
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  readonly as?: 'json' | 'text';
}

/**
 * A REST call with the site's session (QRS through the proxy, Qlik Cloud's `/api/v1`): the
 * session cookie, JSON in and out (or text), one new handshake when the session
 * was rejected (401), and typed errors (`ERR_FORBIDDEN`, `ERR_HANDSHAKE_REJECTED`, `ERR_HTTP`)
 * with the server's one-line reason, never its whole body.
 */
export async function sessionRequest<T>(deps: SessionRequestDeps, request: SessionRequest): Promise<T> {
  const { site, http, proxy, cookies } = deps;
  const { method, body } = request;
  for (let attempt = 0; ; attempt++) {
    const credentials = await proxy.ensure();
    const generation = proxy.generation;
    const { url, headers: extra } = request.prepare(credentials);
    const headers: Record<string, string> = {
      accept: request.as === 'text' ? 'text/plain, */*' : 'application/json',
      ...extra,
    };
    const cookie = await cookies.header(url);
    if (cookie !== '') headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const shownUrl = withoutQuery(url);
    const answer: HttpResponse = await http.request({
      method,
      url,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      timeoutMs: site.timeouts.requestMs,
    });
    if (answer.status === 401 && attempt === 0 && site.auth.kind !== 'none') {
      await proxy.invalidate(generation);
      continue;
    }
    if (answer.status >= 200 && answer.status < 300) {
      if (request.as === 'text') return answer.body as T;
      if (answer.body === '') return undefined as T;
      try {
        return JSON.parse(answer.body) as T;
      } catch {
        throw new QixflowError(
          'ERR_HTTP',
          `${request.describe} answered ${answer.status} with a body that is not JSON`,
          { status: answer.status, url: shownUrl },
        );
      }
    }
    const reason = shortReason(answer);
    throw new QixflowError(
      answer.status === 403 ? 'ERR_FORBIDDEN' : answer.status === 401 ? 'ERR_HANDSHAKE_REJECTED' : 'ERR_HTTP',
      `${request.describe} answered ${answer.status}${reason ? `: ${reason}` : ''}`,
      { status: answer.status, url: shownUrl },
    );
  }
}
