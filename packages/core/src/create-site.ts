import { EventEmitter } from 'node:events';
import { AppConnection, type ConnectionTarget, type EnigmaApi, type OpenAppOptions } from './engine/app-connection.js';
import { QixflowError } from './errors.js';
import { SiteCookies } from './http/cookie-jar.js';
import { createHttpClient, type HttpClient } from './http/http-client.js';
import { type ResolvedSite, resolveSiteOptions } from './internal/resolve-site-options.js';
import { QrsClient } from './qrs/qrs-client.js';
import { ProxySession, type SessionCounters } from './session/proxy-session.js';
import type { SiteOptions } from './site-options.js';

/** Figures a user can check: how many proxy sessions this site created (the licence cost). */
export interface SiteStats {
  /** JWT handshakes done (each one creates a proxy session). */
  handshakes: number;
  /** Proxy sessions created by this site. */
  proxySessionsCreated: number;
  /** Engine websockets open now. */
  socketsOpen: number;
  /** Engine websockets opened since the start. */
  socketsOpened: number;
  /** Successful automatic resumes. */
  reconnects: number;
}

/** Events of a site. */
export interface SiteEvents {
  /** A new proxy session was created (a handshake succeeded). */
  'session-created': [];
  /** A notification on any of the site's connections. */
  notification: [method: string, params: unknown];
}

/** A Qlik Sense site for one (host, virtual proxy, user): one proxy session shared by every socket and REST call. */
export interface Site extends EventEmitter<SiteEvents> {
  /** QRS REST with the site's session. */
  readonly qrs: QrsClient;
  /** A connection to an app; `open()` gives the Doc. Nothing happens on the network until `open()`. */
  openApp(appId: string, options?: OpenAppOptions): AppConnection;
  /** A connection whose `open()` creates a session app and gives its Doc. */
  openSessionApp(options?: Omit<OpenAppOptions, 'noData'>): AppConnection;
  /** A connection without an app (`/app/engineData`); `open()` gives Global. */
  openGlobal(options?: Omit<OpenAppOptions, 'noData'>): AppConnection;
  /**
   * Opens an app, runs `job` with its Doc, and closes the connection — always, even when the
   * job throws. For scripts: the site's one proxy session is re-used by every job.
   */
  withApp<T>(
    appId: string,
    job: (doc: EnigmaApi, connection: AppConnection) => Promise<T>,
    options?: OpenAppOptions,
  ): Promise<T>;
  /** Does the handshake if needed; tells what the site established (no secret values). */
  connect(): Promise<{ cookieName: string | undefined; csrfToken: boolean; legacy: boolean }>;
  /** Who the proxy thinks this site is (GET /qps/user, or /api/v1/users/me on Qlik Cloud). */
  whoAmI(): Promise<Record<string, unknown>>;
  stats(): SiteStats;
  /** Closes every connection of the site; `logout` (or `logoutOnClose`) ends the proxy session too. */
  close(options?: { logout?: boolean }): Promise<void>;
}

/**
 * The composition root of qixflow for one (host, virtual proxy, user): validates the options
 * once, then every websocket and QRS call re-uses one proxy session (one JWT handshake), within
 * the session budget.
 *
 * @example
 * ```ts
 * import { createSite } from '@qixflow/core';
 * const site = createSite({
 *   host: 'https://sense.example.com', prefix: 'jwt',
 *   auth: { kind: 'jwt', privateKeyFile: 'key.pem', userId: 'svc', userDirectory: 'CORP' },
 * });
 * const title = await site.withApp(appId, async (doc) => (await doc.getAppLayout()).qTitle);
 * await site.close();
 * ```
 */
export function createSite(options: SiteOptions): Site {
  return new QixSite(resolveSiteOptions(options), options.io?.http);
}

class QixSite extends EventEmitter<SiteEvents> implements Site {
  readonly qrs: QrsClient;
  readonly #site: ResolvedSite;
  readonly #http: HttpClient;
  readonly #ownsHttp: boolean;
  readonly #cookies = new SiteCookies();
  readonly #proxy: ProxySession;
  readonly #counters: SessionCounters & SiteStats;
  readonly #connections = new Set<AppConnection>();
  #closed = false;

  constructor(site: ResolvedSite, http: HttpClient | undefined) {
    super();
    this.#site = site;
    this.#ownsHttp = http === undefined;
    const base = http ?? createHttpClient(site.tls);
    this.#http = site.onTraffic ? tracedHttp(base, site) : base;
    this.#counters = { handshakes: 0, proxySessionsCreated: 0, socketsOpen: 0, socketsOpened: 0, reconnects: 0 };
    this.#proxy = new ProxySession(site, {
      http: this.#http,
      cookies: this.#cookies,
      budget: site.budget,
      counters: this.#counters,
      onCreated: () => {
        site.logger.info('proxy session created', { handshakes: this.#counters.handshakes });
        this.emit('session-created');
      },
    });
    this.qrs = new QrsClient(site, { http: this.#http, proxy: this.#proxy, cookies: this.#cookies });
  }

  openApp(appId: string, options: OpenAppOptions = {}): AppConnection {
    if (typeof appId !== 'string' || appId === '') throw new TypeError('openApp: appId must be a non-empty string');
    return this.#connection({ kind: 'app', appId }, options);
  }

  openSessionApp(options: Omit<OpenAppOptions, 'noData'> = {}): AppConnection {
    return this.#connection({ kind: 'session-app' }, options);
  }

  openGlobal(options: Omit<OpenAppOptions, 'noData'> = {}): AppConnection {
    return this.#connection({ kind: 'global' }, options);
  }

  async withApp<T>(
    appId: string,
    job: (doc: EnigmaApi, connection: AppConnection) => Promise<T>,
    options: OpenAppOptions = {},
  ): Promise<T> {
    const connection = this.openApp(appId, options);
    try {
      const doc = await connection.open();
      return await job(doc, connection);
    } finally {
      await connection.close();
    }
  }

  async connect(): Promise<{ cookieName: string | undefined; csrfToken: boolean; legacy: boolean }> {
    this.#assertOpen();
    const credentials = await this.#proxy.ensure();
    return {
      cookieName: credentials.cookieName,
      csrfToken: credentials.csrfToken !== undefined,
      legacy: credentials.legacy,
    };
  }

  async whoAmI(): Promise<Record<string, unknown>> {
    this.#assertOpen();
    const cloud = this.#site.auth.kind === 'cloud-jwt';
    for (let attempt = 0; ; attempt++) {
      await this.#proxy.ensure();
      const generation = this.#proxy.generation;
      const url = cloud ? `${this.#site.httpBase}/api/v1/users/me` : `${this.#site.proxyBase}/qps/user`;
      const cookie = await this.#cookies.header(url);
      const answer = await this.#http.request({
        method: 'GET',
        url,
        headers: cookie === '' ? {} : { cookie },
        timeoutMs: this.#site.timeouts.requestMs,
      });
      if (answer.status === 401 && attempt === 0) {
        await this.#proxy.invalidate(generation);
        continue;
      }
      if (answer.status !== 200) {
        throw new QixflowError('ERR_HTTP', `${url} answered ${answer.status}`, { status: answer.status, url });
      }
      return JSON.parse(answer.body) as Record<string, unknown>;
    }
  }

  stats(): SiteStats {
    const { handshakes, proxySessionsCreated, socketsOpen, socketsOpened, reconnects } = this.#counters;
    return { handshakes, proxySessionsCreated, socketsOpen, socketsOpened, reconnects };
  }

  async close(options: { logout?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#connections].map((c) => c.close()));
    if (options.logout ?? this.#site.logoutOnClose) await this.#proxy.logout();
    if (this.#ownsHttp) await this.#http.close();
  }

  #connection(target: ConnectionTarget, options: OpenAppOptions): AppConnection {
    this.#assertOpen();
    const connection = new AppConnection(
      { site: this.#site, proxy: this.#proxy, counters: this.#counters },
      target,
      options,
    );
    this.#connections.add(connection);
    connection.on('notification', (method, params) => this.emit('notification', method, params));
    connection.on('closed', () => this.#connections.delete(connection));
    const close = connection.close.bind(connection);
    connection.close = async () => {
      await close();
      this.#connections.delete(connection);
    };
    return connection;
  }

  #assertOpen(): void {
    if (this.#closed) throw new QixflowError('ERR_CLOSED', 'the site is closed: create a new one');
  }
}

/** Wraps the HTTP client so the traffic hook sees requests and answers (URLs without query strings). */
function tracedHttp(http: HttpClient, site: ResolvedSite): HttpClient {
  const hook = site.onTraffic;
  if (!hook) return http;
  return {
    async request(req) {
      const url = req.url.split('?')[0] ?? req.url;
      hook({ kind: 'http', direction: 'sent', method: req.method, url });
      const answer = await http.request(req);
      hook({ kind: 'http', direction: 'received', method: req.method, url, status: answer.status });
      return answer;
    },
    close: () => http.close(),
  };
}
