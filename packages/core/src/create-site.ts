import { EventEmitter } from 'node:events';
import type { Doc, Global } from '@qixflow/qix';
import { SiteChangeFeed, type SiteChangesOptions } from './changes/site-change-feed.js';
import { AppConnection } from './engine/app-connection.js';
import type { ConnectionApi, ConnectionTarget, OpenAppOptions } from './engine/connection-types.js';
import { QixflowError } from './errors.js';
import { SiteCookies } from './http/cookie-jar.js';
import { createHttpClient, type HttpClient } from './http/http-client.js';
import { type ResolvedSite, resolveSiteOptions } from './internal/resolve-site-options.js';
import { CloudRestClient } from './qrs/cloud-rest-client.js';
import { QrsClient } from './qrs/qrs-client.js';
import { ProxySession } from './session/proxy-session.js';
import type { SessionBudgetUsage } from './session/session-budget.js';
import type { SiteOptions } from './site-options.js';

/** Figures a user can check: how many proxy sessions this site created (the licence cost). */
export interface SiteStats {
  /** JWT handshakes done (each one creates a proxy session). */
  handshakes: number;
  /** Proxy sessions created by this site. */
  proxySessionsCreated: number;
  /** Proxy sessions taken over from the session store (created by an earlier process), without a handshake. */
  proxySessionsReused: number;
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
  /**
   * A connection to an app; `open()` gives its `Doc` (typed from the engine schema). Nothing happens on the
   * network until `open()`.
   */
  openApp(appId: string, options?: OpenAppOptions): AppConnection<Doc>;
  /** A connection whose `open()` creates a session app and gives its `Doc`. */
  openSessionApp(options?: Omit<OpenAppOptions, 'noData'>): AppConnection<Doc>;
  /** A connection without an app (`/app/engineData`); `open()` gives `Global`. */
  openGlobal(options?: Omit<OpenAppOptions, 'noData'>): AppConnection<Global>;
  /**
   * Opens an app, runs `job` with its Doc, and closes the connection — always, even when the
   * job throws. For scripts: the site's one proxy session is re-used by every job.
   */
  withApp<T>(
    appId: string,
    job: (doc: Doc, connection: AppConnection<Doc>) => Promise<T>,
    options?: OpenAppOptions,
  ): Promise<T>;
  /** Does the handshake if needed; tells what the site established (no secret values). */
  connect(): Promise<{ cookieName: string | undefined; csrfToken: boolean; legacy: boolean }>;
  /** Who the proxy thinks this site is (GET /qps/user, or /api/v1/users/me on Qlik Cloud). */
  whoAmI(): Promise<Record<string, unknown>>;
  stats(): SiteStats;
  /**
   * The site's changes as they happen — apps created, updated, published, deleted, reloaded;
   * reloads failed; tasks started — by QRS polling over this site's proxy session, or (`source:
   * 'notifications'`) by QRS change subscriptions with a callback receiver that trigger those polls
   * (see {@link SiteChangeFeed}). Pass `cursor` (from `feed.cursor()`) to go on where a feed left off.
   */
  changes(options?: SiteChangesOptions): SiteChangeFeed;
  /**
   * What is known of the site's proxy session without contacting the server: whether the session
   * store holds one (and since when) and how much of the session budget is used — no secret.
   */
  sessionInfo(): Promise<SiteSessionInfo>;
  /**
   * Closes every connection of the site; `logout` (or `logoutOnClose`) ends the proxy session too —
   * with a session store, also a session an earlier process left there.
   */
  close(options?: { logout?: boolean }): Promise<void>;
}

/** What {@link Site.sessionInfo} reports. */
export interface SiteSessionInfo {
  /** The site and virtual proxy, e.g. `https://sense.example.com|jwt`. */
  site: string;
  /** The user sessions are counted for, e.g. `CORP\\alice`. */
  user: string;
  /** The session in the store, when there is a store and it holds one (ms since epoch). */
  stored: { createdAt: number; lastSeenAt: number } | undefined;
  /** Whether a session store is configured at all. */
  persistent: boolean;
  /** New sessions in the budget's window, its limit, and when the next slot frees (undefined: one is free now). */
  budget: SessionBudgetUsage;
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
  readonly #feeds = new Set<SiteChangeFeed>();
  readonly #feedsClosing = new Set<Promise<void>>();
  readonly #cookies = new SiteCookies();
  readonly #proxy: ProxySession;
  /** Qlik Cloud REST, on a cloud-jwt site. */
  readonly #cloud: CloudRestClient | undefined;
  /** Socket figures; the proxy session counts handshakes itself. */
  readonly #sockets = { open: 0, opened: 0, reconnects: 0 };
  readonly #connections = new Set<AppConnection>();
  #closed = false;

  constructor(site: ResolvedSite, http: HttpClient | undefined) {
    super();
    this.#site = site;
    this.#ownsHttp = http === undefined;
    const base = limitedHttp(http ?? createHttpClient(site.tls, site.limits), site);
    this.#http = site.onTraffic ? tracedHttp(base, site) : base;
    this.#proxy = new ProxySession(site, {
      http: this.#http,
      cookies: this.#cookies,
      budget: site.budget,
      onCreated: () => {
        site.logger.info('proxy session created', { handshakes: this.#proxy.counters.handshakes });
        this.emit('session-created');
      },
    });
    this.qrs = new QrsClient(site, { http: this.#http, proxy: this.#proxy, cookies: this.#cookies });
    this.#cloud =
      site.auth.kind === 'cloud-jwt'
        ? new CloudRestClient(site, { http: this.#http, proxy: this.#proxy, cookies: this.#cookies })
        : undefined;
  }

  openApp(appId: string, options: OpenAppOptions = {}): AppConnection<Doc> {
    if (typeof appId !== 'string' || appId === '') throw new TypeError('openApp: appId must be a non-empty string');
    return this.#connection<Doc>({ kind: 'app', appId }, options);
  }

  openSessionApp(options: Omit<OpenAppOptions, 'noData'> = {}): AppConnection<Doc> {
    return this.#connection<Doc>({ kind: 'session-app' }, options);
  }

  openGlobal(options: Omit<OpenAppOptions, 'noData'> = {}): AppConnection<Global> {
    return this.#connection<Global>({ kind: 'global' }, options);
  }

  async withApp<T>(
    appId: string,
    job: (doc: Doc, connection: AppConnection<Doc>) => Promise<T>,
    options: OpenAppOptions = {},
  ): Promise<T> {
    const connection = this.openApp(appId, options);
    try {
      const doc = await connection.open();
      return await job(doc, connection);
    } finally {
      // close() never throws, so the job's (or the open's) error is the one the caller sees.
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
      return parseUser(answer.body, url, answer.status);
    }
  }

  changes(options: SiteChangesOptions = {}): SiteChangeFeed {
    const feed = new SiteChangeFeed(this.qrs, options, this, this.#cloud);
    this.#feeds.add(feed);
    feed.once('close', () => {
      this.#feeds.delete(feed);
      // A closing feed may still be removing its QRS subscriptions: close() waits for that.
      const closing = feed.close();
      this.#feedsClosing.add(closing);
      void closing.finally(() => this.#feedsClosing.delete(closing));
    });
    return feed;
  }

  stats(): SiteStats {
    const { handshakes, proxySessionsCreated, proxySessionsReused } = this.#proxy.counters;
    const { open, opened, reconnects } = this.#sockets;
    return {
      handshakes,
      proxySessionsCreated,
      proxySessionsReused,
      socketsOpen: open,
      socketsOpened: opened,
      reconnects,
    };
  }

  async sessionInfo(): Promise<SiteSessionInfo> {
    const kept = this.#site.sessionStore;
    const [site = '', prefix = '', user = ''] = this.#site.budgetKey.split('|');
    return {
      site: kept?.site ?? `${site}|${prefix}`,
      user: kept?.user ?? user,
      stored: await this.#proxy.stored(),
      persistent: kept !== undefined,
      budget: await this.#site.budget.peek(this.#site.budgetKey),
    };
  }

  async close(options: { logout?: boolean } = {}): Promise<void> {
    await Promise.all([...this.#feeds].map((feed) => feed.close()));
    await Promise.all([...this.#feedsClosing]);
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#connections].map((c) => c.close()));
    if (options.logout ?? this.#site.logoutOnClose) await this.#proxy.logout();
    else await this.#proxy.touch();
    if (this.#ownsHttp) await this.#http.close();
  }

  #connection<T extends ConnectionApi>(target: ConnectionTarget, options: OpenAppOptions): AppConnection<T> {
    this.#assertOpen();
    const sockets = this.#sockets;
    const connection = new AppConnection<T>(
      {
        site: this.#site,
        proxy: this.#proxy,
        hooks: {
          socketOpened: () => {
            sockets.open++;
            sockets.opened++;
          },
          socketClosed: () => {
            sockets.open = Math.max(0, sockets.open - 1);
          },
          resumed: () => {
            sockets.reconnects++;
          },
          closed: (closed) => this.#connections.delete(closed),
        },
      },
      target,
      options,
    );
    this.#connections.add(connection);
    connection.on('notification', (method, params) => this.emit('notification', method, params));
    return connection;
  }

  #assertOpen(): void {
    if (this.#closed) throw new QixflowError('ERR_CLOSED', 'the site is closed: create a new one');
  }
}

/** The proxy's user record; anything else is an HTTP error (the parser's message would quote the body). */
function parseUser(body: string, url: string, status: number): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new QixflowError('ERR_HTTP', `${url} answered ${status} with a body that is not a JSON object`, {
      status,
      url,
    });
  }
  return parsed as Record<string, unknown>;
}

/** Applies the site's body cap to every request that does not set its own (also for an injected client). */
function limitedHttp(http: HttpClient, site: ResolvedSite): HttpClient {
  return {
    request: (req) => http.request({ maxResponseBytes: site.limits.maxResponseBytes, ...req }),
    close: () => http.close(),
  };
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
