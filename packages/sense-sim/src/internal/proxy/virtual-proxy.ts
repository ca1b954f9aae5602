import { createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { WebSocket, WebSocketServer } from 'ws';
import type { AuditLog, RejectReason } from '../../audit-log.js';
import type { Clock } from '../../clock.js';
import type { ResolvedVirtualProxy } from '../../options.js';
import type { Engine } from '../engine/engine.js';
import { parseAppPath } from '../engine/engine.js';
import { bearerToken, originHost, refuseUpgrade, sendJson, sendText } from '../http/respond.js';
import type { QrsRouter } from '../qrs/qrs-router.js';
import type { LicencePool } from '../session/licence-pool.js';
import { type ProxySession, type ProxySessionStore, publicUser } from '../session/proxy-session-store.js';
import type { ProxyFaults } from './proxy-faults.js';
import { type ProxyNotificationMethod, proxyNotification } from './proxy-notification.js';
import { verifyProxyJwt } from './verify-proxy-jwt.js';

/** Collaborators a virtual proxy receives from the composition root. */
export interface VirtualProxyDeps {
  https: boolean;
  clock: Clock;
  audit: AuditLog;
  sessions: ProxySessionStore;
  licences: LicencePool;
  engine: Engine;
  wss: WebSocketServer;
  qrs: QrsRouter;
  faults: ProxyFaults;
  fatalCloseCode: number;
  /** Key that verifies JWTs when the proxy has no certificate of its own. */
  defaultKey: KeyObject;
}

interface Reject {
  status: 401 | 403 | 404;
  reason: RejectReason;
  detail: string;
}

type Auth = { session: ProxySession; setCookie: string | undefined } | { reject: Reject };

const endNotice: Record<string, ProxyNotificationMethod> = {
  logout: 'OnSessionLoggedOut',
  timeout: 'OnSessionTimedOut',
  expired: 'OnSessionTimedOut',
  restart: 'OnSessionClosed',
};

/**
 * One JWT virtual proxy: authenticates requests by Bearer JWT or session cookie, hands out
 * the session cookie and CSRF token, serves the Personal API and QRS, and guards the engine
 * websocket (cookie, Origin, CSRF, licence) before handing it to the engine.
 */
export class VirtualProxy {
  readonly config: ResolvedVirtualProxy;
  /** The session cookie name as sent (with '-HTTP' over plain HTTP). */
  readonly cookieName: string;
  readonly #deps: VirtualProxyDeps;
  readonly #key: KeyObject;

  constructor(config: ResolvedVirtualProxy, deps: VirtualProxyDeps) {
    this.config = config;
    this.#deps = deps;
    this.cookieName = deps.https ? config.cookieBaseName : `${config.cookieBaseName}-HTTP`;
    this.#key = config.jwt.certificate ? createPublicKey(config.jwt.certificate) : deps.defaultKey;
  }

  /** Handles an HTTP request whose path starts with this proxy's prefix; `segments` follow the prefix. */
  async handleRequest(req: IncomingMessage, res: ServerResponse, segments: string[], url: URL): Promise<void> {
    const path = segments.join('/');
    if (path === 'internal_forms_authentication/' || path === 'internal_forms_authentication') {
      this.#sendLoginPage(res);
      return;
    }
    if (this.#deps.faults.takeLoginPage(this.config.prefix)) {
      res.writeHead(302, {
        location: `${this.#base()}/internal_forms_authentication/?targetId=${randomUUID()}`,
        'content-length': 0,
      });
      res.end();
      return;
    }
    const origin = this.#checkOrigin(req, false);
    if (origin) return this.#refuse(req, res, origin);

    const auth = await this.#authenticate(req, true);
    if ('reject' in auth) return this.#refuse(req, res, auth.reject);
    const { session } = auth;
    const headers: Record<string, string> = auth.setCookie ? { 'set-cookie': auth.setCookie } : {};

    if (path === 'qps/csrftoken' && req.method === 'GET') {
      if (this.config.csrf === 'legacy') return this.#notFound(req, res, headers);
      sendText(res, 200, 'OK', { ...headers, 'qlik-csrf-token': session.csrfToken });
      return;
    }
    if (path === 'qps/user') {
      if (req.method === 'GET') {
        sendJson(
          res,
          200,
          {
            userId: session.user.userId,
            userDirectory: session.user.userDirectory,
            userName: session.user.userId,
            logoutUri: `${this.#base()}/qps/user`,
            attributes: session.user.attributes,
          },
          headers,
        );
        return;
      }
      if (req.method === 'DELETE') {
        this.#deps.sessions.end(session, 'logout');
        res.writeHead(204, {
          'set-cookie': stringifySetCookie({
            ...this.#cookieAttributes(),
            name: this.cookieName,
            value: '',
            expires: new Date(0),
          }),
        });
        res.end();
        return;
      }
    }
    if (segments[0] === 'qrs') {
      await this.#deps.qrs.handle(req, res, segments.slice(1), url, { proxy: this.config.prefix, session, headers });
      return;
    }
    if (path === 'hub' || path === 'hub/') {
      const body = `<!doctype html><title>Qlik Sense hub (simulated)</title><p>Signed in as ${escapeHtml(session.user.userDirectory)}\\${escapeHtml(session.user.userId)}</p>`;
      res.writeHead(200, {
        ...headers,
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    this.#notFound(req, res, headers);
  }

  /** Handles a websocket upgrade under this proxy. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, segments: string[], url: URL): Promise<void> {
    const app = parseAppPath(segments);
    if (!app) return this.#refuseUpgrade(req, socket, { status: 404, reason: 'not-found', detail: 'no such endpoint' });
    const strict = this.config.csrf === 'strict';
    const origin = this.#checkOrigin(req, strict);
    if (origin) return this.#refuseUpgrade(req, socket, origin);
    if (strict && req.headers.authorization !== undefined) {
      return this.#refuseUpgrade(req, socket, {
        status: 403,
        reason: 'authorization-on-upgrade',
        detail: 'Cross-Site Websocket Hijacking attack prevention check failed: Authorization header on the upgrade',
      });
    }
    const auth = await this.#authenticate(req, !strict);
    if ('reject' in auth) return this.#refuseUpgrade(req, socket, auth.reject);
    const { session } = auth;
    if (strict) {
      const token = url.searchParams.get('qlik-csrf-token');
      if (token === null || token === '') {
        return this.#refuseUpgrade(req, socket, {
          status: 403,
          reason: 'csrf-token-missing',
          detail: 'Cross-Site Websocket Hijacking attack prevention check failed: no qlik-csrf-token',
        });
      }
      if (token !== session.csrfToken) {
        return this.#refuseUpgrade(req, socket, {
          status: 403,
          reason: 'csrf-token-mismatch',
          detail:
            'Cross-Site Websocket Hijacking attack prevention check failed: qlik-csrf-token does not match the session',
        });
      }
    }
    const wss = this.#deps.wss;
    const addCookie = (headers: string[]) => {
      if (auth.setCookie) headers.push(`Set-Cookie: ${auth.setCookie}`);
    };
    wss.once('headers', addCookie);
    wss.handleUpgrade(req, socket, head, (ws) => {
      wss.off('headers', addCookie);
      this.#accept(ws, session, { ...app, path: segments.join('/') });
    });
  }

  /** Called by the composition root when one of this proxy's sessions ended. */
  sessionEnded(session: ProxySession): void {
    this.#deps.licences.release(session);
    const method = endNotice[session.ended?.reason ?? 'restart'] ?? 'OnSessionClosed';
    for (const ws of session.sockets) this.#fatal(ws, method);
  }

  #accept(
    ws: WebSocket,
    session: ProxySession,
    app: NonNullable<ReturnType<typeof parseAppPath>> & { path: string },
  ): void {
    const { audit, sessions, licences } = this.#deps;
    const user = publicUser(session.user);
    if (session.ended) {
      this.#fatal(ws, endNotice[session.ended.reason] ?? 'OnSessionClosed');
      return;
    }
    session.sockets.add(ws);
    audit.record({ type: 'websocket-opened', proxy: this.config.prefix, user, session: session.ref, path: app.path });
    ws.on('close', (code) => {
      session.sockets.delete(ws);
      audit.record({ type: 'websocket-closed', proxy: this.config.prefix, user, session: session.ref, code });
    });
    ws.on('error', () => ws.terminate());

    const decision = licences.allocate(session, this.config.licence);
    if (!decision.granted) {
      audit.record({
        type: 'usage-denied',
        proxy: this.config.prefix,
        user,
        session: session.ref,
        sessionCount: decision.sessionCount,
        line:
          `Access was denied for User: '${user.userDirectory}\\${user.userId}', with AccessID: '${randomUUID()}', ` +
          `SessionID: '#${session.ref}', SessionCount: '${decision.sessionCount}', Hostname: '::ffff:127.0.0.1', ` +
          `OperationType: 'UsageDenied'`,
      });
      this.#fatal(ws, 'OnMaxParallelSessionsExceeded');
      return;
    }
    audit.record({ type: 'licence-allocated', proxy: this.config.prefix, user, session: session.ref });

    let first = true;
    ws.on('message', () => {
      sessions.touch(session);
      if (first) {
        first = false;
        // QPS sends this after the client's first message on a new websocket.
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            method: 'OnAuthenticationInformation',
            params: {
              userId: session.user.userId,
              userDirectory: session.user.userDirectory,
              logoutUri: `${this.#base()}/qps/user`,
              mustAuthenticate: false,
            },
          }),
        );
      }
    });
    this.#deps.engine.accept(ws, {
      proxy: this.config.prefix,
      user: session.user,
      appId: app.appId,
      identity: app.identity,
      ttlSeconds: app.ttlSeconds,
      path: app.path,
    });
  }

  #fatal(ws: WebSocket, method: ProxyNotificationMethod): void {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(proxyNotification(method, this.#deps.clock.now()));
    ws.close(this.#deps.fatalCloseCode, method);
  }

  /**
   * Authenticates by Bearer JWT (validated even when a cookie is present; another user than the
   * cookie's gets a new session) or by session cookie.
   */
  async #authenticate(req: IncomingMessage, acceptBearer: boolean): Promise<Auth> {
    const { sessions, clock } = this.#deps;
    const cookieValue = readCookie(req, this.cookieName);
    const found = sessions.lookup(this.config.prefix, cookieValue);
    const bearer = bearerToken(req);
    if (bearer.token === undefined && bearer.scheme === 'other') {
      return {
        reject: { status: 401, reason: 'bad-authorization-scheme', detail: 'Authorization must be Bearer <jwt>' },
      };
    }
    if (bearer.token !== undefined && acceptBearer) {
      const checked = await verifyProxyJwt(bearer.token, this.#key, this.config, clock);
      if (!checked.ok) return { reject: { status: 401, reason: checked.reason, detail: checked.detail } };
      const current = found.session;
      if (current && sameUser(current.user, checked.user)) {
        sessions.touch(current);
        return { session: current, setCookie: undefined };
      }
      const session = sessions.create(this.config.prefix, checked.user, this.config.inactivityMs);
      return { session, setCookie: this.#setCookie(session) };
    }
    if (found.session) {
      sessions.touch(found.session);
      return { session: found.session, setCookie: undefined };
    }
    if (cookieValue === undefined) {
      return { reject: { status: 401, reason: 'no-credentials', detail: 'no session cookie and no Bearer token' } };
    }
    return {
      reject: {
        status: 401,
        reason: found.why,
        detail: found.why === 'ended-session' ? 'the session has ended' : 'unknown session cookie',
      },
    };
  }

  #checkOrigin(req: IncomingMessage, required: boolean): Reject | undefined {
    const host = originHost(req);
    if (host === undefined) {
      return required ? { status: 403, reason: 'origin-missing', detail: 'Origin header required' } : undefined;
    }
    if (host === null || !this.config.hostAllowList.includes(host)) {
      return { status: 403, reason: 'origin-not-allowed', detail: 'Origin is not in the host allow list' };
    }
    return undefined;
  }

  #cookieAttributes(): { path: string; httpOnly: boolean; secure: boolean; sameSite?: 'lax' | 'strict' | 'none' } {
    const sameSite = this.config.sameSite?.toLowerCase() as 'lax' | 'strict' | 'none' | undefined;
    return {
      path: '/',
      httpOnly: true,
      secure: this.#deps.https || this.config.secureOverHttp,
      ...(sameSite ? { sameSite } : {}),
    };
  }

  #setCookie(session: ProxySession): string {
    return stringifySetCookie({ ...this.#cookieAttributes(), name: this.cookieName, value: session.token });
  }

  #base(): string {
    return this.config.prefix === '' ? '' : `/${this.config.prefix}`;
  }

  #refuse(req: IncomingMessage, res: ServerResponse, reject: Reject): void {
    this.#record(req, reject);
    sendText(res, reject.status, `${reject.status} ${statusText(reject.status)}: ${reject.detail}`);
  }

  #refuseUpgrade(req: IncomingMessage, socket: Duplex, reject: Reject): void {
    this.#record(req, reject);
    refuseUpgrade(socket, reject.status, `${reject.status} ${statusText(reject.status)}: ${reject.detail}`);
  }

  #notFound(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
    this.#record(req, { status: 404, reason: 'not-found', detail: 'no such endpoint' });
    sendText(res, 404, '404 Not Found', headers);
  }

  #record(req: IncomingMessage, reject: Reject): void {
    this.#deps.audit.record({
      type: 'rejected',
      proxy: this.config.prefix,
      status: reject.status,
      reason: reject.reason,
      method: req.method ?? 'GET',
      path: (req.url ?? '').split('?')[0] ?? '',
      detail: reject.detail,
    });
  }

  #sendLoginPage(res: ServerResponse): void {
    const body =
      '<!DOCTYPE html><html><head><title>Qlik Sense Login</title></head><body>' +
      '<form method="post"><input name="username"><input name="pwd" type="password"><button>Log in</button></form>' +
      '</body></html>';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  try {
    return parseCookie(header)[name];
  } catch {
    return undefined;
  }
}

function sameUser(a: { userDirectory: string; userId: string }, b: { userDirectory: string; userId: string }): boolean {
  return (
    a.userDirectory.toLowerCase() === b.userDirectory.toLowerCase() && a.userId.toLowerCase() === b.userId.toLowerCase()
  );
}

function statusText(status: number): string {
  return status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
