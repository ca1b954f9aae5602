import { randomBytes } from 'node:crypto';
import { signCloudJwt, signProxyJwt } from '../auth/sign-jwt.js';
import { QixflowError } from '../errors.js';
import type { SiteCookies } from '../http/cookie-jar.js';
import { type HttpClient, type HttpResponse, withoutQuery } from '../http/http-client.js';
import type { ResolvedSite } from '../internal/resolve-site-options.js';
import type { SessionBudget } from './session-budget.js';

/** What the handshake established. Secret values stay inside the site. */
export interface SessionCredentials {
  /** Name of the proxy's session cookie (e.g. X-Qlik-Session-jwt), or undefined for a bare engine. */
  cookieName: string | undefined;
  /** The CSRF token for websocket URLs, when the server hands one out. */
  csrfToken: string | undefined;
  /** Whether the server speaks the pre-November-2024 protocol (no /qps/csrftoken). */
  legacy: boolean;
}

/** Counters of the site (users can check them). */
export interface SessionCounters {
  handshakes: number;
  proxySessionsCreated: number;
}

/** Random xrfkey: 16 characters [0-9a-zA-Z], new per call. */
export function xrfkey(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let key = '';
  for (const byte of randomBytes(16)) key += alphabet[byte % alphabet.length];
  return key;
}

/**
 * The one proxy session of a site: does the JWT handshake once (concurrent callers share it),
 * keeps the cookie in the jar, re-does the handshake only when the cookie is rejected, and
 * checks the session budget before every new handshake.
 */
export class ProxySession {
  readonly #site: ResolvedSite;
  readonly #http: HttpClient;
  readonly #cookies: SiteCookies;
  readonly #budget: SessionBudget;
  readonly #counters: SessionCounters;
  readonly #onCreated: () => void;
  #current: Promise<SessionCredentials> | undefined;
  #generation = 0;

  constructor(
    site: ResolvedSite,
    deps: {
      http: HttpClient;
      cookies: SiteCookies;
      budget: SessionBudget;
      counters: SessionCounters;
      onCreated: () => void;
    },
  ) {
    this.#site = site;
    this.#http = deps.http;
    this.#cookies = deps.cookies;
    this.#budget = deps.budget;
    this.#counters = deps.counters;
    this.#onCreated = deps.onCreated;
  }

  /** Current credentials, doing the handshake if there are none (one handshake for concurrent callers). */
  ensure(): Promise<SessionCredentials> {
    if (!this.#current) {
      const attempt = this.#handshake();
      this.#current = attempt;
      attempt.catch(() => {
        if (this.#current === attempt) this.#current = undefined;
      });
    }
    return this.#current;
  }

  /** A number that changes with every new session (to tell whether a rejection is stale). */
  get generation(): number {
    return this.#generation;
  }

  /**
   * The server rejected the cookie: forget it so the next `ensure()` does a new handshake.
   * `generation` guards against invalidating a session that was already renewed.
   */
  async invalidate(generation = this.#generation): Promise<void> {
    if (generation !== this.#generation) return;
    this.#current = undefined;
    await this.#cookies.clear();
  }

  /** The Cookie header for a URL of the site. */
  cookieHeader(url: string): Promise<string> {
    return this.#cookies.header(url);
  }

  /** DELETE /qps/user: ends the proxy session (frees its licence slot). */
  async logout(): Promise<void> {
    if (!this.#current || this.#site.auth.kind === 'none') return;
    const url = `${this.#site.proxyBase}/qps/user`;
    const cookie = await this.#cookies.header(url);
    if (cookie !== '') {
      await this.#http
        .request({ method: 'DELETE', url, headers: { cookie }, timeoutMs: this.#site.timeouts.requestMs })
        .catch(() => undefined);
    }
    this.#current = undefined;
    await this.#cookies.clear();
  }

  async #handshake(): Promise<SessionCredentials> {
    const { auth } = this.#site;
    if (auth.kind === 'none') return { cookieName: undefined, csrfToken: undefined, legacy: false };
    if (auth.kind === 'cookie') {
      await this.#cookies.seed(this.#site.httpBase, auth.cookie);
      const cookieName = auth.cookie.split('=')[0]?.trim();
      const csrfToken = auth.csrfToken ?? (await this.#fetchCsrfToken());
      this.#generation++;
      return { cookieName, csrfToken, legacy: csrfToken === undefined };
    }
    await this.#budget.acquire(this.#site.budgetKey);
    this.#counters.handshakes++;
    const result = auth.kind === 'cloud-jwt' ? await this.#cloudHandshake() : await this.#proxyHandshake();
    this.#generation++;
    this.#counters.proxySessionsCreated++;
    this.#onCreated();
    return result;
  }

  async #proxyHandshake(): Promise<SessionCredentials> {
    const { auth } = this.#site;
    if (auth.kind !== 'jwt') throw new Error('unreachable');
    const jwt = await signProxyJwt(auth.key, auth.algorithm, auth.claims, {
      lifetimeSeconds: auth.lifetimeSeconds,
      now: this.#site.clock.now(),
      ...(auth.kid ? { kid: auth.kid } : {}),
    });
    const bearer = { authorization: `Bearer ${jwt}` };
    let legacy = this.#site.csrf === 'legacy';
    let answer: HttpResponse | undefined;
    let url = `${this.#site.proxyBase}/qps/csrftoken`;
    if (!legacy) {
      answer = await this.#request('GET', url, bearer);
      if (answer.status === 404 || answer.status === 405) {
        // The proxy may have accepted the JWT and set the cookie before answering 404: keep it, so
        // the fallback below re-uses that session instead of creating a second one.
        await this.#cookies.store(url, answer.headers['set-cookie']);
        if (this.#site.csrf === 'strict') {
          throw new QixflowError(
            'ERR_HANDSHAKE_FAILED',
            `${withoutQuery(url)} answered ${answer.status}: this server hands out no CSRF token (older than November 2024). Use csrf: 'auto' or 'legacy'.`,
            { status: answer.status, url: withoutQuery(url) },
          );
        }
        legacy = true;
      }
    }
    if (legacy) {
      const key = xrfkey();
      url = `${this.#site.proxyBase}/qrs/about?xrfkey=${key}`;
      const cookie = await this.#cookies.header(url);
      answer = await this.#request('GET', url, { ...(cookie === '' ? bearer : { cookie }), 'x-qlik-xrfkey': key });
    }
    if (!answer) throw new Error('unreachable');
    this.#checkHandshakeAnswer(answer, url);
    await this.#cookies.store(url, answer.headers['set-cookie']);
    const names = await this.#cookies.names(url);
    const cookieName = names.find((n) => /^X-Qlik-Session/i.test(n)) ?? names[0];
    if (!cookieName) {
      throw new QixflowError(
        'ERR_HANDSHAKE_NO_COOKIE',
        `${withoutQuery(url)} accepted the JWT but set no session cookie: is ${this.#site.proxyBase} a JWT virtual proxy?`,
        { status: answer.status, url: withoutQuery(url) },
      );
    }
    const token = answer.headers['qlik-csrf-token'];
    const csrfToken =
      typeof token === 'string' && token !== '' ? token : legacy ? undefined : await this.#fetchCsrfToken();
    return { cookieName, csrfToken, legacy };
  }

  async #cloudHandshake(): Promise<SessionCredentials> {
    const { auth } = this.#site;
    if (auth.kind !== 'cloud-jwt') throw new Error('unreachable');
    const jwt = await signCloudJwt(auth.key, auth.algorithm, auth.claims, {
      lifetimeSeconds: auth.lifetimeSeconds,
      now: this.#site.clock.now(),
      kid: auth.kid,
    });
    const url = `${this.#site.httpBase}/login/jwt-session`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${jwt}`,
      ...(auth.webIntegrationId ? { 'qlik-web-integration-id': auth.webIntegrationId } : {}),
    };
    const answer = await this.#request('POST', url, headers);
    this.#checkHandshakeAnswer(answer, url);
    const names = await this.#cookies.store(url, answer.headers['set-cookie']);
    if (!names.includes('eas.sid')) {
      throw new QixflowError('ERR_HANDSHAKE_NO_COOKIE', `${url} set no eas.sid cookie: is this a Qlik Cloud tenant?`, {
        status: answer.status,
        url,
      });
    }
    const csrfUrl = `${this.#site.httpBase}/api/v1/csrf-token`;
    const csrf = await this.#request('GET', csrfUrl, { cookie: await this.#cookies.header(csrfUrl) });
    const token = csrf.headers['qlik-csrf-token'];
    return { cookieName: 'eas.sid', csrfToken: typeof token === 'string' ? token : undefined, legacy: false };
  }

  /** GET /qps/csrftoken with the cookie (servers from November 2024); undefined when the server has none. */
  async #fetchCsrfToken(): Promise<string | undefined> {
    const url = `${this.#site.proxyBase}/qps/csrftoken`;
    const answer = await this.#request('GET', url, { cookie: await this.#cookies.header(url) });
    if (answer.status === 401) {
      throw new QixflowError(
        'ERR_HANDSHAKE_REJECTED',
        `the proxy rejected the session cookie (401): it has ended or is unknown`,
        {
          status: 401,
          url,
        },
      );
    }
    const token = answer.headers['qlik-csrf-token'];
    return answer.status === 200 && typeof token === 'string' ? token : undefined;
  }

  #request(method: 'GET' | 'POST', url: string, headers: Record<string, string>): Promise<HttpResponse> {
    return this.#http.request({ method, url, headers, timeoutMs: this.#site.timeouts.requestMs });
  }

  /** Turns every way a handshake can fail into an error that says what to do. */
  #checkHandshakeAnswer(answer: HttpResponse, url: string): void {
    const where = withoutQuery(url);
    const reason = shortReason(answer);
    if (answer.status >= 300 && answer.status < 400) {
      const location = answer.headers.location;
      throw new QixflowError(
        'ERR_HANDSHAKE_LOGIN_PAGE',
        `${where} redirected to ${typeof location === 'string' ? withoutQuery(location) : 'another page'} instead of accepting the JWT: ` +
          "the prefix is not a JWT virtual proxy (it asks for an interactive login). Check prefix and the proxy's authentication method.",
        { status: answer.status, url: where },
      );
    }
    if (answer.status === 401) {
      throw new QixflowError(
        'ERR_HANDSHAKE_REJECTED',
        `the proxy rejected the JWT (401${reason ? `: ${reason}` : ''}). Check that the private key matches the proxy's JWT ` +
          'certificate, the claim names (user id / user directory), the algorithm and the clock.',
        { status: 401, url: where },
      );
    }
    if (answer.status === 400 && this.#site.auth.kind === 'cloud-jwt') {
      throw new QixflowError(
        'ERR_HANDSHAKE_REJECTED',
        `the tenant refused the JWT (400${reason ? `: ${reason}` : ''})`,
        {
          status: 400,
          url: where,
        },
      );
    }
    if (answer.status === 403) {
      throw new QixflowError(
        'ERR_FORBIDDEN',
        `the proxy answered 403${reason ? ` (${reason})` : ''}: the request's Origin or host is not allowed. Add the host to the virtual proxy's host allow list.`,
        { status: 403, url: where },
      );
    }
    if (answer.status !== 200 && answer.status !== 204) {
      throw new QixflowError(
        'ERR_HANDSHAKE_FAILED',
        `${where} answered ${answer.status}${reason ? `: ${reason}` : ''}`,
        {
          status: answer.status,
          url: where,
        },
      );
    }
    const type = String(answer.headers['content-type'] ?? '');
    if (type.includes('text/html') && answer.headers['set-cookie'] === undefined) {
      throw new QixflowError(
        'ERR_HANDSHAKE_LOGIN_PAGE',
        `${where} answered with an HTML page instead of a session: the prefix is not a JWT virtual proxy (it shows a login page).`,
        { status: answer.status, url: where },
      );
    }
  }
}

/** The server's short explanation: a text body's first line, or Qlik's JSON `errors[0].detail`. */
export function shortReason(answer: HttpResponse): string {
  const type = String(answer.headers['content-type'] ?? '');
  let text = '';
  if (type.includes('json')) {
    try {
      const parsed = JSON.parse(answer.body) as { errors?: { detail?: string; title?: string }[] };
      text = parsed.errors?.[0]?.detail ?? parsed.errors?.[0]?.title ?? '';
    } catch {
      text = '';
    }
  } else if (type.includes('text/plain')) {
    text = answer.body.split('\n')[0] ?? '';
  }
  // Never echo anything that looks like a token back.
  return text
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<jwt>')
    .slice(0, 200)
    .trim();
}
