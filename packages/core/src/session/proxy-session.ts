import { randomBytes } from 'node:crypto';
import { signCloudJwt, signProxyJwt } from '../auth/sign-jwt.js';
import { QixflowError } from '../errors.js';
import type { SiteCookies } from '../http/cookie-jar.js';
import { type HttpClient, type HttpResponse, withoutQuery } from '../http/http-client.js';
import type { ResolvedSite } from '../internal/resolve-site-options.js';
import { redact } from '../redact.js';
import type { SessionBudget } from './session-budget.js';
import type { SessionCookie, StoredSession } from './stored-session.js';

/** What the handshake established. Secret values stay inside the site. */
export interface SessionCredentials {
  /** Name of the proxy's session cookie (e.g. X-Qlik-Session-jwt), or undefined for a bare engine. */
  cookieName: string | undefined;
  /** The CSRF token for websocket URLs, when the server hands one out. */
  csrfToken: string | undefined;
  /** Whether the server speaks the pre-November-2024 protocol (no /qps/csrftoken). */
  legacy: boolean;
}

/** What the proxy session counts (users can check it through `site.stats()`). */
export interface SessionCounters {
  handshakes: number;
  proxySessionsCreated: number;
  /** Sessions taken over from the session store (made by an earlier process) instead of a handshake. */
  proxySessionsReused: number;
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
  readonly #counters: SessionCounters = { handshakes: 0, proxySessionsCreated: 0, proxySessionsReused: 0 };
  readonly #onCreated: () => void;
  #current: Promise<SessionCredentials> | undefined;
  #generation = 0;

  constructor(
    site: ResolvedSite,
    deps: {
      http: HttpClient;
      cookies: SiteCookies;
      budget: SessionBudget;
      onCreated: () => void;
    },
  ) {
    this.#site = site;
    this.#http = deps.http;
    this.#cookies = deps.cookies;
    this.#budget = deps.budget;
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

  /** Handshakes done and proxy sessions created so far (a copy). */
  get counters(): SessionCounters {
    return { ...this.#counters };
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

  /**
   * Ends the proxy session (frees its licence slot): `DELETE /qps/user` on Qlik Sense, `POST /logout`
   * on Qlik Cloud. With a session store, a session stored by an earlier process is ended too (no
   * handshake needed) and forgotten.
   */
  async logout(): Promise<void> {
    if (this.#site.auth.kind === 'none') return;
    const kept = this.#site.sessionStore;
    if (kept === undefined) {
      if (!this.#current) return;
      await this.#endSession(await this.#cookies.header(this.#logoutUrl()));
    } else {
      await kept.store.withLock(kept.site, kept.user, async () => {
        const own = this.#current ? await this.#cookies.header(this.#logoutUrl()) : '';
        const stored = await kept.store.get(kept.site, kept.user);
        const storedHeader = stored === undefined ? '' : cookieHeaderOf(stored.cookies);
        await this.#endSession(own !== '' ? own : storedHeader);
        // Another process may have stored a newer session meanwhile: forget only the one ended here.
        if (stored !== undefined && (own === '' || sameCookies(own, storedHeader))) {
          await kept.store.delete(kept.site, kept.user);
        }
      });
    }
    this.#current = undefined;
    await this.#cookies.clear();
  }

  /**
   * What is known of the session without asking the server: whether one is stored (and since
   * when) — never its cookie or token.
   */
  async stored(): Promise<{ createdAt: number; lastSeenAt: number } | undefined> {
    const kept = this.#site.sessionStore;
    if (kept === undefined) return undefined;
    const stored = await kept.store.get(kept.site, kept.user);
    return stored === undefined ? undefined : { createdAt: stored.createdAt, lastSeenAt: stored.lastSeenAt };
  }

  /** Records that the stored session was used until now (`qixflow status` shows its age and last use). */
  async touch(): Promise<void> {
    const kept = this.#site.sessionStore;
    if (kept === undefined || !this.#current) return;
    await kept.store.touch(kept.site, kept.user, this.#site.clock.now()).catch(() => undefined);
  }

  #logoutUrl(): string {
    return this.#site.auth.kind === 'cloud-jwt' ? `${this.#site.httpBase}/logout` : `${this.#site.proxyBase}/qps/user`;
  }

  /** Ends the session the cookie header names; a server that cannot be reached leaves it to its inactivity timeout. */
  async #endSession(cookie: string): Promise<void> {
    if (cookie === '') return;
    await this.#http
      .request({
        method: this.#site.auth.kind === 'cloud-jwt' ? 'POST' : 'DELETE',
        url: this.#logoutUrl(),
        headers: { cookie },
        timeoutMs: this.#site.timeouts.requestMs,
      })
      .catch(() => undefined);
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
    const kept = this.#site.sessionStore;
    if (kept === undefined) return this.#newSession();
    // Held across processes while one of them checks or replaces the session: parallel processes
    // of one site and user make one handshake between them.
    return kept.store.withLock(kept.site, kept.user, async () => {
      const stored = await kept.store.get(kept.site, kept.user);
      if (stored !== undefined) {
        const restored = await this.#restore(stored);
        if (restored !== undefined) {
          await kept.store.touch(kept.site, kept.user, this.#site.clock.now());
          this.#generation++;
          this.#counters.proxySessionsReused++;
          return restored;
        }
        await this.#cookies.clear();
        await kept.store.delete(kept.site, kept.user);
      }
      const credentials = await this.#newSession();
      const now = this.#site.clock.now();
      await kept.store.set({
        site: kept.site,
        user: kept.user,
        cookies: await this.#cookies.pairs(this.#site.proxyBase),
        ...(credentials.csrfToken === undefined ? {} : { csrfToken: credentials.csrfToken }),
        createdAt: now,
        lastSeenAt: now,
      });
      return credentials;
    });
  }

  /**
   * Takes over a stored session if the proxy still accepts it for the same user: one cheap request
   * (`GET /qps/user`, or `GET /api/v1/users/me` on Qlik Cloud). Gone (401, a login page, another
   * user) → undefined. Network and TLS errors are thrown: an unreachable server says nothing about
   * the session, which stays stored.
   */
  async #restore(stored: StoredSession): Promise<SessionCredentials | undefined> {
    const cloud = this.#site.auth.kind === 'cloud-jwt';
    await this.#cookies.clear();
    await this.#cookies.seed(this.#site.httpBase, cookieHeaderOf(stored.cookies));
    const url = cloud ? `${this.#site.httpBase}/api/v1/users/me` : `${this.#site.proxyBase}/qps/user`;
    const answer = await this.#request('GET', url, { cookie: await this.#cookies.header(url) });
    const type = String(answer.headers['content-type'] ?? '');
    if (answer.status !== 200 || !type.includes('json')) return undefined;
    let who: { userId?: unknown; userDirectory?: unknown; subject?: unknown };
    try {
      who = JSON.parse(answer.body) as typeof who;
    } catch {
      return undefined;
    }
    const user = cloud ? String(who.subject ?? '') : `${String(who.userDirectory ?? '')}\\${String(who.userId ?? '')}`;
    if (user.toLowerCase() !== this.#site.sessionStore?.user.toLowerCase()) return undefined;
    const names = stored.cookies.map((c) => c.name);
    return {
      cookieName: cloud ? 'eas.sid' : (names.find((n) => /^X-Qlik-Session/i.test(n)) ?? names[0]),
      csrfToken: stored.csrfToken,
      legacy: !cloud && stored.csrfToken === undefined,
    };
  }

  /** A new proxy session through the JWT handshake, within the budget. */
  async #newSession(): Promise<SessionCredentials> {
    const { auth } = this.#site;
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
  return redact(text).slice(0, 200).trim();
}

function cookieHeaderOf(cookies: readonly SessionCookie[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Whether two Cookie headers carry the same cookies (order aside). */
function sameCookies(a: string, b: string): boolean {
  const set = (header: string): string =>
    header
      .split(';')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .sort()
      .join(';');
  return set(a) === set(b);
}
