import { createHmac, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { WebSocket, WebSocketServer } from 'ws';
import type { AuditLog, RejectReason } from '../../audit-log.js';
import type { Clock } from '../../clock.js';
import type { ResolvedTenant } from '../../options.js';
import type { Engine } from '../engine/engine.js';
import { parseAppPath } from '../engine/engine.js';
import { bearerToken, originHost, refuseUpgrade, sendJson } from '../http/respond.js';
import { type ProxySession, type ProxySessionStore, publicUser } from '../session/proxy-session-store.js';
import { type CloudApiDeps, handleCloudApi } from './cloud-api-routes.js';
import { verifyCloudJwt } from './verify-cloud-jwt.js';

/** Collaborators of the tenant. */
export interface CloudTenantDeps {
  https: boolean;
  clock: Clock;
  audit: AuditLog;
  sessions: ProxySessionStore;
  engine: Engine;
  wss: WebSocketServer;
  key: KeyObject;
  /** Host names of the tenant itself (same-origin requests). */
  ownHosts: string[];
  /** The REST listings (items, reloads, webhooks). */
  api: CloudApiDeps;
}

const PROXY = 'cloud';

/** Qlik Cloud websocket close codes (4001 idle timeout …). */
const IDLE_TIMEOUT_CLOSE = 4001;

interface CloudError {
  status: 400 | 401 | 403 | 404;
  reason: RejectReason;
  code: string;
  title: string;
  detail: string;
}

/**
 * Qlik Cloud tenant mode: `POST /login/jwt-session` (JWT identity provider rules, `jti` replay
 * check), the `eas.sid`/`_csrfToken` cookies with their `.sig` companions, `GET /api/v1/csrf-token`,
 * `GET /api/v1/users/me`, and `wss://tenant/app/{id}?qlik-csrf-token=…` guarded by cookie + CSRF
 * (+ web integration for browser origins). Errors use Qlik's `{"errors":[…]}` JSON.
 */
export class CloudTenant {
  readonly config: ResolvedTenant;
  readonly #deps: CloudTenantDeps;
  /** jti → exp (s), kept until the token would have expired anyway. */
  readonly #seenJti = new Map<string, number>();
  readonly #secret = randomBytes(32);

  constructor(config: ResolvedTenant, deps: CloudTenantDeps) {
    this.config = config;
    this.#deps = deps;
  }

  /** True when the path belongs to the tenant. */
  owns(segments: readonly string[]): boolean {
    const first = segments[0];
    return first === 'login' || first === 'logout' || first === 'api' || first === 'app';
  }

  async handleRequest(req: IncomingMessage, res: ServerResponse, segments: string[]): Promise<void> {
    const path = segments.join('/');
    if (path === 'login/jwt-session') {
      if (req.method !== 'POST') return this.#error(req, res, notFound());
      return this.#login(req, res);
    }
    const session = this.#sessionOf(req);
    if (path === 'api/v1/csrf-token' && req.method === 'GET') {
      if (!session) return this.#error(req, res, unauthorized());
      res.writeHead(204, { 'qlik-csrf-token': session.csrfToken });
      res.end();
      return;
    }
    // Ends the session (what a client's logout does). The real endpoint an API client should call is
    // unverified: this answers POST and GET /logout, the browser's logout address.
    if (path === 'logout' && (req.method === 'POST' || req.method === 'GET')) {
      if (session) this.#deps.sessions.end(session, 'logout');
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === 'api/v1/users/me' && req.method === 'GET') {
      if (!session) return this.#error(req, res, unauthorized());
      sendJson(res, 200, {
        id: session.user.userId,
        subject: session.user.userId,
        name: session.user.attributes.name?.[0] ?? session.user.userId,
        email: session.user.attributes.email?.[0] ?? '',
        status: 'active',
      });
      return;
    }
    if (segments[0] === 'api') return this.#api(req, res, segments, session);
    this.#error(req, res, notFound());
  }

  /** Items, reloads and webhooks; writes need the session's CSRF token in `qlik-csrf-token`. */
  async #api(req: IncomingMessage, res: ServerResponse, segments: string[], session: ProxySession | undefined) {
    if (!session) return this.#error(req, res, unauthorized());
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const csrf = headerValue(req, 'qlik-csrf-token');
      if (csrf !== session.csrfToken) {
        return this.#error(req, res, {
          status: 403,
          reason: csrf ? 'csrf-token-mismatch' : 'csrf-token-missing',
          code: 'CSRF-TOKEN-2',
          title: 'Forbidden',
          detail: 'a valid qlik-csrf-token header is required',
        });
      }
    }
    const reject = (status: 400 | 403 | 404, detail: string): void => {
      if (status === 404) this.#error(req, res, { ...notFound(), detail });
      else {
        const title = status === 403 ? 'Forbidden' : 'Bad Request';
        sendJson(res, status, { errors: [{ code: `HTTP-${status}`, title, detail, status: String(status) }] });
      }
    };
    const handled = await handleCloudApi(req, res, segments, session, this.#deps.api, reject);
    if (!handled) this.#error(req, res, notFound());
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, segments: string[], url: URL): Promise<void> {
    const app = parseAppPath(segments);
    if (!app) return this.#refuseUpgrade(req, socket, notFound());
    const integration = url.searchParams.get('qlik-web-integration-id');
    const originProblem = this.#checkOrigin(req, integration);
    if (originProblem) return this.#refuseUpgrade(req, socket, originProblem);
    const session = this.#sessionOf(req);
    if (!session) return this.#refuseUpgrade(req, socket, unauthorized());
    const csrf = url.searchParams.get('qlik-csrf-token');
    if (csrf === null || csrf === '' || csrf !== session.csrfToken) {
      return this.#refuseUpgrade(req, socket, {
        status: 403,
        reason: csrf ? 'csrf-token-mismatch' : 'csrf-token-missing',
        code: 'CSRF-TOKEN-2',
        title: 'Forbidden',
        detail: 'a valid qlik-csrf-token query parameter is required',
      });
    }
    this.#deps.wss.handleUpgrade(req, socket, head, (ws) =>
      this.#accept(ws, session, { ...app, path: segments.join('/') }),
    );
  }

  /** Stops the webhooks (no more deliveries). */
  close(): void {
    this.#deps.api.webhooks.close();
  }

  /** Closes the sockets of an ended session the way Qlik Cloud does (4001 on idle timeout). */
  sessionEnded(session: ProxySession): void {
    for (const ws of session.sockets) {
      if (ws.readyState === ws.OPEN) ws.close(IDLE_TIMEOUT_CLOSE, 'Session timed out');
    }
  }

  #accept(
    ws: WebSocket,
    session: ProxySession,
    app: NonNullable<ReturnType<typeof parseAppPath>> & { path: string },
  ): void {
    const user = publicUser(session.user);
    session.sockets.add(ws);
    this.#deps.audit.record({ type: 'websocket-opened', proxy: PROXY, user, session: session.ref, path: app.path });
    ws.on('close', (code) => {
      session.sockets.delete(ws);
      this.#deps.audit.record({ type: 'websocket-closed', proxy: PROXY, user, session: session.ref, code });
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', () => this.#deps.sessions.touch(session));
    this.#deps.engine.accept(ws, {
      proxy: PROXY,
      user: session.user,
      appId: app.appId,
      identity: app.identity,
      ttlSeconds: app.ttlSeconds,
      path: app.path,
    });
  }

  async #login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume(); // the body is not used; drain it
    const integration = headerValue(req, 'qlik-web-integration-id');
    const originProblem = this.#checkOrigin(req, integration);
    if (originProblem) return this.#error(req, res, originProblem);
    const bearer = bearerToken(req);
    if (bearer.token === undefined) {
      return this.#error(req, res, {
        ...unauthorized(),
        reason: bearer.scheme === 'none' ? 'no-credentials' : 'bad-authorization-scheme',
        detail: 'Authorization: Bearer <jwt> required',
      });
    }
    const { clock, sessions } = this.#deps;
    const checked = await verifyCloudJwt(bearer.token, this.#deps.key, this.config, clock);
    if (!checked.ok) {
      return this.#error(req, res, {
        status: checked.status,
        reason: checked.reason,
        code: checked.status === 400 ? 'INTERNAL-TOKEN-1' : 'LOGIN-2',
        title: checked.status === 400 ? 'Invalid token request' : 'Unauthorized',
        detail: checked.detail,
      });
    }
    const nowSeconds = clock.now() / 1000;
    for (const [jti, exp] of this.#seenJti)
      if (exp + this.config.clockToleranceSeconds < nowSeconds) this.#seenJti.delete(jti);
    if (this.#seenJti.has(checked.jti)) {
      return this.#error(req, res, {
        status: 401,
        reason: 'jti-replayed',
        code: 'LOGIN-2',
        title: 'Unauthorized',
        detail: 'JWT_LOGIN_VALIDATIONS jti has already been used',
      });
    }
    this.#seenJti.set(checked.jti, checked.exp);
    const session = sessions.create(PROXY, checked.user, this.config.inactivityMs);
    const attrs = { path: '/', httpOnly: true, secure: this.#deps.https, sameSite: 'none' as const };
    const cookies = [
      stringifySetCookie({ ...attrs, name: 'eas.sid', value: session.token }),
      stringifySetCookie({ ...attrs, name: 'eas.sid.sig', value: this.#sign('eas.sid', session.token) }),
      stringifySetCookie({ ...attrs, httpOnly: false, name: '_csrfToken', value: session.csrfToken }),
      stringifySetCookie({ ...attrs, name: '_csrfToken.sig', value: this.#sign('_csrfToken', session.csrfToken) }),
    ];
    const body = 'OK';
    res.writeHead(200, { 'set-cookie': cookies, 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  }

  /** The session of a request: `eas.sid` with a matching `eas.sid.sig`. */
  #sessionOf(req: IncomingMessage): ProxySession | undefined {
    const header = req.headers.cookie;
    if (!header) return undefined;
    let cookies: Record<string, string | undefined>;
    try {
      cookies = parseCookie(header);
    } catch {
      return undefined;
    }
    const sid = cookies['eas.sid'];
    const sig = cookies['eas.sid.sig'];
    if (!sid || !sig || !safeEqual(sig, this.#sign('eas.sid', sid))) return undefined;
    const found = this.#deps.sessions.lookup(PROXY, sid).session;
    if (found) this.#deps.sessions.touch(found);
    return found;
  }

  /**
   * Browser origins must come with a known web integration that lists them; server-side callers
   * send no Origin.
   */
  #checkOrigin(req: IncomingMessage, integrationId: string | null | undefined): CloudError | undefined {
    const origin = req.headers.origin;
    if (integrationId) {
      const integration = this.config.webIntegrations.find((w) => w.id === integrationId);
      if (!integration) {
        return {
          status: 403,
          reason: 'web-integration-unknown',
          code: 'LOGIN-4',
          title: 'Forbidden',
          detail: 'unknown qlik-web-integration-id',
        };
      }
      if (origin !== undefined && !integration.origins.includes(origin)) return originNotAllowed();
      return undefined;
    }
    if (origin === undefined) return undefined;
    // Same-origin callers (the tenant's own host) need no web integration.
    const host = originHost(req);
    return host && this.#deps.ownHosts.includes(host) ? undefined : originNotAllowed();
  }

  #sign(name: string, value: string): string {
    return createHmac('sha1', this.#secret).update(`${name}=${value}`).digest('base64url');
  }

  #error(req: IncomingMessage, res: ServerResponse, error: CloudError): void {
    this.#record(req, error);
    sendJson(res, error.status, {
      errors: [{ code: error.code, title: error.title, detail: error.detail, status: String(error.status) }],
      traceId: randomBytes(8).toString('hex'),
    });
  }

  #refuseUpgrade(req: IncomingMessage, socket: Duplex, error: CloudError): void {
    this.#record(req, error);
    refuseUpgrade(socket, error.status, `${error.title}: ${error.detail}`);
  }

  #record(req: IncomingMessage, error: CloudError): void {
    this.#deps.audit.record({
      type: 'rejected',
      proxy: PROXY,
      status: error.status,
      reason: error.reason,
      method: req.method ?? 'GET',
      path: (req.url ?? '').split('?')[0] ?? '',
      detail: error.detail,
    });
  }
}

function unauthorized(): CloudError {
  return { status: 401, reason: 'no-credentials', code: 'LOGIN-1', title: 'Unauthorized', detail: 'not logged in' };
}

function notFound(): CloudError {
  return { status: 404, reason: 'not-found', code: 'HTTP-404', title: 'Not Found', detail: 'no such endpoint' };
}

function originNotAllowed(): CloudError {
  return {
    status: 403,
    reason: 'origin-not-allowed',
    code: 'LOGIN-4',
    title: 'Forbidden',
    detail: 'the Origin is not allowed by a web integration of this tenant',
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
