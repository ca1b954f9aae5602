import { EventEmitter } from 'node:events';
import enigma from 'enigma.js';
import { WebSocket } from 'ws';
import { isQixflowError, QixflowError } from '../errors.js';
import { toHttpError } from '../http/http-client.js';
import type { ResolvedSite } from '../internal/resolve-site-options.js';
import type { ProxySession, SessionCredentials } from '../session/proxy-session.js';
import { toEngineError } from './engine-errors.js';
import { loadEngineSchema } from './engine-schema.js';
import { type EngineTarget, engineUrl, redactUrl } from './engine-url.js';

/** An enigma.js API object (Global, Doc, GenericObject …): methods are generated from the schema at run time. */
// biome-ignore lint/suspicious/noExplicitAny: enigma.js generates the methods of these objects at run time
export type EnigmaApi = EnigmaJS.QixObject & Record<string, any>;

/** How to open an app. */
export interface OpenAppOptions {
  /** `/identity/<x>`: an engine session of its own (own selections). */
  identity?: string;
  /** `/ttl/<s>`: the engine keeps the session `s` seconds after the socket drops, so a reconnect re-attaches. */
  ttl?: number;
  /** Open without data (faster; layouts have no data). */
  noData?: boolean;
}

/** What an app connection opens. */
export type ConnectionTarget = { kind: 'app'; appId: string } | { kind: 'session-app' } | { kind: 'global' };

/** Events of an {@link AppConnection}. */
export interface AppConnectionEvents {
  /** A push notification from the proxy or the engine (OnConnected, OnSessionTimedOut …). */
  notification: [method: string, params: unknown];
  /** The socket was lost; a reconnect follows (unless reconnect is off). */
  suspended: [info: { code: number; reason: string }];
  reconnecting: [info: { attempt: number; delayMs: number }];
  /** Back: `attached` when the engine session survived (ttl); `lost` = ids of objects that could not be restored. */
  resumed: [info: { attached: boolean; lost: string[] }];
  /** A failure that ends the connection (no reconnect): licence, session limit, logout, reconnect gave up. */
  error: [error: QixflowError];
  closed: [info: { code: number; reason: string }];
}

/** What an app connection needs from its site. */
export interface ConnectionContext {
  site: ResolvedSite;
  proxy: ProxySession;
  counters: { socketsOpen: number; reconnects: number; socketsOpened: number };
}

/** Per-call options of {@link AppConnection.run}. */
export interface RunOptions {
  /** Aborts the call: the engine gets CancelRequest, the promise rejects with ERR_ABORTED. */
  signal?: AbortSignal;
  /** Milliseconds before the call is cancelled (ERR_TIMEOUT). */
  timeoutMs?: number;
}

/** Proxy notifications that end the connection for good, with the error they become. */
const FATAL: Record<string, { code: QixflowError['code']; message: string; reconnect: boolean }> = {
  OnMaxParallelSessionsExceeded: {
    code: 'ERR_SESSION_LIMIT_EXCEEDED',
    message:
      'the proxy refused the engine connection: this user has reached the maximum of parallel sessions (5 for identified-user licences; a slot frees 5 minutes after a session ends). Re-use one session (one site) instead of one per job.',
    reconnect: false,
  },
  OnLicenseAccessDenied: {
    code: 'ERR_LICENSE_DENIED',
    message:
      'the proxy denied licence access for this user: allocate a licence (professional/analyzer access) to the user',
    reconnect: false,
  },
  OnSessionLoggedOut: {
    code: 'ERR_SESSION_LOGGED_OUT',
    message: 'the proxy session was logged out elsewhere (DELETE /qps/user)',
    reconnect: false,
  },
  OnSessionTimedOut: {
    code: 'ERR_SESSION_ENDED',
    message: 'the proxy session timed out: a new session is started',
    reconnect: true,
  },
  OnSessionClosed: { code: 'ERR_SESSION_ENDED', message: 'the proxy closed the session', reconnect: true },
  OnNoEngineAvailable: { code: 'ERR_SOCKET_CLOSED', message: 'the proxy has no engine available', reconnect: true },
  OnEngineWebsocketFailed: {
    code: 'ERR_SOCKET_CLOSED',
    message: 'the proxy lost its engine connection',
    reconnect: true,
  },
};

/** Qlik Cloud close codes; only engine-side ones are worth an automatic reconnect. */
const CLOSE_CODES: Record<number, { code: QixflowError['code']; message: string; reconnect: boolean }> = {
  4001: { code: 'ERR_SESSION_ENDED', message: 'the session ended after inactivity (4001)', reconnect: false },
  4002: { code: 'ERR_LICENSE_DENIED', message: 'no licence for this user (4002)', reconnect: false },
  4003: { code: 'ERR_SOCKET_CLOSED', message: 'the engine is terminating (4003)', reconnect: true },
  4004: { code: 'ERR_SOCKET_CLOSED', message: 'the app was deleted (4004)', reconnect: true },
  4005: { code: 'ERR_SESSION_LIMIT_EXCEEDED', message: 'too many sessions (4005)', reconnect: false },
  4006: { code: 'ERR_HANDSHAKE_REJECTED', message: 'authentication failed (4006)', reconnect: false },
  4007: { code: 'ERR_SOCKET_CLOSED', message: 'the app mode changed (4007)', reconnect: true },
};

/** Methods safe to repeat when the engine aborted them (LOCERR_GENERIC_ABORTED). */
const IDEMPOTENT =
  /^(Get|Evaluate|CheckExpression|CheckNumberOrExpression|EngineVersion|ProductVersion|IsDesktopMode|GetActiveDoc)/;

/**
 * One engine websocket, authenticated with the site's proxy session: an enigma.js session whose
 * `open()` gives the Doc (or Global), with typed errors, proxy notifications as events, and
 * automatic resume after network loss (re-attaching when the engine session survived).
 */
export class AppConnection extends EventEmitter<AppConnectionEvents> {
  /** The underlying enigma.js session. */
  readonly session: EnigmaJS.Session;
  readonly target: ConnectionTarget;
  readonly #ctx: ConnectionContext;
  readonly #options: OpenAppOptions;
  readonly #engineTarget: EngineTarget;
  #credentials: SessionCredentials | undefined;
  #cookie = '';
  #generation = 0;
  #opened: Promise<EnigmaApi> | undefined;
  #global: EnigmaApi | undefined;
  #fatal: QixflowError | undefined;
  #pendingReconnect: { reason: string } | undefined;
  #closing = false;
  #closed = false;
  #reconnecting = false;
  #lastSessionState: string | undefined;
  #socket: WebSocket | undefined;
  readonly #apis = new Map<EnigmaApi, string>();
  /** The proxy's answer when it refused the last upgrade (status and a short body). */
  #refusal: { status: number; body: string } | undefined;
  #lostDuringResume: string[] | undefined;

  constructor(ctx: ConnectionContext, target: ConnectionTarget, options: OpenAppOptions = {}) {
    super();
    this.#ctx = ctx;
    this.target = target;
    this.#options = options;
    this.#engineTarget = {
      appId: target.kind === 'app' ? target.appId : undefined,
      identity: options.identity,
      ttlSeconds: options.ttl,
    };
    const { site } = ctx;
    const tracked = this.#apis;
    const onLost = (id: string): void => {
      this.#lostDuringResume?.push(id);
    };
    this.session = enigma.create({
      schema: loadEngineSchema(site.engineSchemaVersion),
      url: engineUrl(site.auth.kind === 'cloud-jwt' ? site.wsBase : site.proxyWsBase, this.#engineTarget, {}),
      createSocket: () => this.#createSocket() as unknown as globalThis.WebSocket,
      suspendOnClose: site.reconnect !== false,
      mixins: [
        {
          types: ['GenericObject', 'GenericDimension', 'GenericMeasure', 'GenericVariable', 'GenericBookmark', 'Field'],
          init({ api }: { api: EnigmaApi }) {
            tracked.set(api, api.id);
            api.on('closed', () => {
              tracked.delete(api);
              onLost(api.id);
            });
          },
        } as unknown as EnigmaJS.Mixin,
      ],
      responseInterceptors: [
        {
          onRejected: (
            _session: EnigmaJS.Session,
            request: EnigmaJS.RpcRequest & { retry?: () => Promise<unknown>; retries?: number },
            error: Error,
          ) => {
            const code = (error as { code?: unknown }).code;
            if (code === 15 && IDEMPOTENT.test(request.method) && (request.retries ?? 0) < 3 && request.retry) {
              request.retries = (request.retries ?? 0) + 1;
              return request.retry();
            }
            throw this.#fatal ?? toEngineError(error, request.method);
          },
        } as unknown as EnigmaJS.ResponseInterceptors,
      ],
    });
    this.session.on('notification:*', (method: string, params: unknown) => this.#onNotification(method, params));
    (this.session as unknown as EventEmitter).on(
      'suspended',
      (info: { initiator: string; code: number; reason: string }) => {
        if (info.initiator === 'network') void this.#onLost(info.code, info.reason);
      },
    );
  }

  /**
   * Connects (doing the site's handshake if it has no session yet) and opens the target: the
   * Doc of the app (GetActiveDoc when the engine session already has it open), a new session
   * app, or the Global object. Calling it again returns the same object.
   */
  open(): Promise<EnigmaApi> {
    this.#opened ??= this.#open();
    return this.#opened;
  }

  /** The Global object of this connection (connects if needed). */
  async global(): Promise<EnigmaApi> {
    await this.#connect();
    if (!this.#global) throw new QixflowError('ERR_CLOSED', 'the connection is closed');
    return this.#global;
  }

  /**
   * Runs an engine call with a timeout and/or AbortSignal. On abort or timeout the engine gets
   * `CancelRequest` for the call (so it stops computing) and the promise rejects.
   *
   * @example
   * ```ts
   * const layout = await app.run(() => chart.getLayout(), { timeoutMs: 5000 });
   * ```
   */
  async run<T>(call: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.#ctx.site.timeouts.callMs;
    if (options.signal?.aborted) throw new QixflowError('ERR_ABORTED', 'the call was aborted before it started');
    const promise = call();
    const requestId = (promise as { requestId?: number }).requestId;
    if (timeoutMs === undefined && !options.signal) return promise;
    return new Promise<T>((resolve, reject) => {
      const { timers } = this.#ctx.site;
      let timer: unknown;
      const cleanup = (): void => {
        if (timer !== undefined) timers.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const cancel = (error: QixflowError): void => {
        cleanup();
        if (requestId !== undefined && this.#global) {
          void (this.#global.cancelRequest(requestId) as Promise<unknown>).catch(() => undefined);
        }
        reject(error);
      };
      const onAbort = (): void =>
        cancel(new QixflowError('ERR_ABORTED', 'the call was aborted; the engine was asked to cancel it'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = timers.setTimeout(
          () =>
            cancel(
              new QixflowError(
                'ERR_TIMEOUT',
                `the engine did not answer within ${timeoutMs} ms; the call was cancelled`,
              ),
            ),
          timeoutMs,
        );
      }
      promise.then(
        (value) => {
          cleanup();
          resolve(value);
        },
        (error: unknown) => {
          cleanup();
          reject(error);
        },
      );
    });
  }

  /** The engine session state of the last connect (SESSION_CREATED / SESSION_ATTACHED). */
  get sessionState(): string | undefined {
    return this.#lastSessionState;
  }

  /** Closes the websocket (no reconnect). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closing = true;
    await this.session.close().catch(() => undefined);
    this.#closed = true;
  }

  // ------------------------------------------------------------------ internals

  async #open(): Promise<EnigmaApi> {
    const global = await this.#connect();
    if (this.target.kind === 'global') return global;
    if (this.target.kind === 'session-app') return (await global.createSessionApp()) as EnigmaApi;
    const { appId } = this.target;
    try {
      return (await global.openDoc(appId, '', '', '', this.#options.noData === true)) as EnigmaApi;
    } catch (error) {
      // Another socket of the same engine session (same user + app + identity) has it open.
      if (isQixflowError(error, 'ERR_ENGINE') && error.engineCode === 1002)
        return (await global.getActiveDoc()) as EnigmaApi;
      throw error;
    }
  }

  /** Opens the websocket (with one re-handshake if the proxy rejects the cookie). */
  async #connect(): Promise<EnigmaApi> {
    if (this.#global) return this.#global;
    if (this.#closed || this.#closing) throw new QixflowError('ERR_CLOSED', 'the connection is closed');
    for (let attempt = 0; ; attempt++) {
      await this.#prepare();
      try {
        this.#global = (await this.session.open()) as EnigmaApi;
        return this.#global;
      } catch (error) {
        const mapped = this.#fatal ?? this.#socketError(error);
        if (mapped.status === 401 && attempt === 0 && this.#ctx.site.auth.kind !== 'none') {
          // The cookie died (timeout, logout elsewhere): one new handshake, within the budget.
          await this.#ctx.proxy.invalidate(this.#generation);
          continue;
        }
        throw mapped;
      }
    }
  }

  /** Makes sure the site has a session and caches what the (synchronous) socket factory needs. */
  async #prepare(): Promise<void> {
    this.#credentials = await this.#ctx.proxy.ensure();
    this.#generation = this.#ctx.proxy.generation;
    this.#cookie = await this.#ctx.proxy.cookieHeader(this.#ctx.site.proxyBase);
  }

  #createSocket(): WebSocket {
    const { site } = this.#ctx;
    const base = site.auth.kind === 'cloud-jwt' ? site.wsBase : site.proxyWsBase;
    const url = engineUrl(base, this.#engineTarget, {
      csrfToken: this.#credentials?.csrfToken,
      webIntegrationId: site.auth.kind === 'cloud-jwt' ? site.auth.webIntegrationId : undefined,
    });
    const headers: Record<string, string> = {};
    if (this.#cookie !== '') headers.cookie = this.#cookie;
    const Socket = site.WebSocket ?? WebSocket;
    const socket = new Socket(url, {
      headers,
      origin: site.origin,
      handshakeTimeout: site.timeouts.connectMs,
      ...(site.tls.ca !== undefined ? { ca: site.tls.ca } : {}),
      rejectUnauthorized: site.tls.rejectUnauthorized,
      ...(site.tls.cert !== undefined ? { cert: site.tls.cert } : {}),
      ...(site.tls.key !== undefined ? { key: site.tls.key } : {}),
      ...(site.tls.passphrase !== undefined ? { passphrase: site.tls.passphrase } : {}),
    });
    this.#socket = socket;
    // A refused upgrade: keep the status and the proxy's short explanation (it tells an Origin
    // refusal from a CSRF one), then fail the handshake as ws would have.
    socket.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < 2048) chunks.push(chunk);
        size += chunk.length;
      });
      const refuse = (): void => {
        this.#refusal = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 300) };
        socket.terminate();
      };
      res.on('end', refuse);
      res.on('error', refuse);
    });
    const counters = this.#ctx.counters;
    socket.once('open', () => {
      counters.socketsOpen++;
      counters.socketsOpened++;
    });
    socket.once('close', (code, reason) => {
      if (socket.readyState !== socket.CONNECTING) counters.socketsOpen = Math.max(0, counters.socketsOpen - 1);
      this.#onSocketClosed(socket, code, String(reason));
    });
    const traffic = site.onTraffic;
    if (traffic) {
      const shown = redactUrl(url);
      socket.on('message', (data) => traffic({ kind: 'ws', direction: 'received', url: shown, data: String(data) }));
      const send = socket.send.bind(socket);
      socket.send = ((data: string, ...rest: unknown[]) => {
        traffic({ kind: 'ws', direction: 'sent', url: shown, data: String(data) });
        return (send as (...args: unknown[]) => void)(data, ...rest);
      }) as typeof socket.send;
    }
    return socket;
  }

  #onNotification(method: string, params: unknown): void {
    if (method === 'OnConnected') {
      this.#lastSessionState = (params as { qSessionState?: string } | undefined)?.qSessionState;
    }
    this.emit('notification', method, params);
    const fatal = FATAL[method];
    const severity = (params as { severity?: string } | undefined)?.severity;
    if (fatal && (severity === undefined || severity === 'fatal')) {
      this.#ctx.site.logger.warn(`proxy notification ${method}`, { method });
      if (fatal.reconnect && this.#ctx.site.reconnect !== false) {
        this.#pendingReconnect = { reason: method };
        if (method === 'OnSessionTimedOut' || method === 'OnSessionClosed')
          void this.#ctx.proxy.invalidate(this.#generation);
      } else {
        this.#fatal = new QixflowError(fatal.code, fatal.message);
      }
    }
  }

  /** The raw socket closed: decide between a reconnect, a typed error, or a plain close. */
  #onSocketClosed(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.#socket || this.#closing || this.#reconnecting) return;
    if (this.#fatal) {
      this.#fail(this.#fatal);
      return;
    }
    const known = CLOSE_CODES[code];
    if (known && !known.reconnect) {
      this.#fail(new QixflowError(known.code, `the engine connection closed: ${known.message}`, { closeCode: code }));
      return;
    }
    if (code === 1000 || code === 4000) {
      // enigma.js treats these as intentional and says nothing: a server-initiated 1000 after a
      // reconnectable notification must still resume.
      if (this.#pendingReconnect && this.#ctx.site.reconnect !== false) {
        void this.session.suspend().then(() => this.#onLost(code, reason));
        return;
      }
      if (!this.#global) return;
      this.#closed = true;
      this.emit('closed', { code, reason });
    }
    // Anything else: enigma.js suspends (suspendOnClose) and emits 'suspended', handled by #onLost;
    // without reconnect it emits 'closed'.
    if (this.#ctx.site.reconnect === false && code !== 1000 && code !== 4000) {
      this.#closed = true;
      this.emit('closed', { code, reason });
    }
  }

  /** Network loss (or a reconnectable end): resume with backoff and jitter, bounded tries. */
  async #onLost(code: number, reason: string): Promise<void> {
    const policy = this.#ctx.site.reconnect;
    if (policy === false || this.#closing || this.#reconnecting) return;
    this.#reconnecting = true;
    this.emit('suspended', { code, reason });
    const { timers, random, logger } = this.#ctx.site;
    let lastError: unknown;
    try {
      for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
        const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
        const delayMs = Math.round(base * (0.5 + random() * 0.5));
        this.emit('reconnecting', { attempt, delayMs });
        await new Promise<void>((resolve) => timers.setTimeout(resolve, delayMs));
        if (this.#closing) return;
        try {
          await this.#prepare();
          this.#lostDuringResume = [];
          this.#pendingReconnect = undefined;
          await this.session.resume();
          const lost = this.#lostDuringResume;
          this.#lostDuringResume = undefined;
          this.#ctx.counters.reconnects++;
          const attached = this.#lastSessionState === 'SESSION_ATTACHED';
          logger.info('engine connection resumed', { attempt, attached, lost: lost.length });
          this.emit('resumed', { attached, lost });
          return;
        } catch (error) {
          this.#lostDuringResume = undefined;
          lastError = error;
          if (isQixflowError(error, 'ERR_SESSION_BUDGET_EXHAUSTED', 'ERR_JWT_KEY_INVALID', 'ERR_HANDSHAKE_REJECTED'))
            break;
          if (this.#fatal) break;
          const mapped = this.#socketError(error);
          if (mapped.status === 401) await this.#ctx.proxy.invalidate(this.#generation);
          logger.debug('resume attempt failed', { attempt, code: mapped.code });
        }
      }
      const cause = this.#fatal ?? (isQixflowError(lastError) ? lastError : undefined);
      this.#fail(
        cause && cause.code !== 'ERR_SOCKET_CLOSED' && cause.code !== 'ERR_NETWORK'
          ? cause
          : new QixflowError(
              'ERR_RECONNECT_FAILED',
              `the engine connection was lost and could not be resumed after ${policy.maxAttempts} attempts`,
              { cause: lastError },
            ),
      );
    } finally {
      this.#reconnecting = false;
    }
  }

  #fail(error: QixflowError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing = true;
    void this.session.close().catch(() => undefined);
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.emit('closed', { code: error.closeCode ?? 1006, reason: error.code });
  }

  /** What a failed websocket upgrade or open means. */
  #socketError(error: unknown): QixflowError {
    if (error instanceof QixflowError) return error;
    const message = String((error as Error)?.message ?? '');
    const refusal = this.#refusal;
    this.#refusal = undefined;
    const status = refusal?.status ?? Number(/Unexpected server response: (\d{3})/.exec(message)?.[1] ?? Number.NaN);
    const reason = (refusal?.body ?? '').replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<jwt>').trim();
    const url = redactUrl(engineUrl(this.#ctx.site.proxyWsBase, this.#engineTarget, {}));
    if (!Number.isNaN(status)) {
      if (status === 401) {
        return new QixflowError(
          'ERR_HANDSHAKE_REJECTED',
          'the proxy rejected the session cookie on the websocket (401)',
          {
            status: 401,
            url,
          },
        );
      }
      if (status === 403 && /csrf|hijacking|authorization/i.test(reason)) {
        return new QixflowError(
          'ERR_FORBIDDEN_CSRF',
          `the proxy refused the websocket (403: ${reason}): servers from November 2024 need the qlik-csrf-token and ` +
            `refuse an Authorization header on the upgrade; use csrf: 'auto' (now '${this.#ctx.site.csrf}')`,
          { status: 403, url },
        );
      }
      if (status === 403) {
        return new QixflowError(
          'ERR_FORBIDDEN_ORIGIN',
          `the proxy refused the websocket (403${reason ? `: ${reason}` : ''}): add '${new URL(this.#ctx.site.origin).hostname}' ` +
            "to the virtual proxy's host allow list (or set origin)",
          { status: 403, url },
        );
      }
      return new QixflowError(
        'ERR_HANDSHAKE_FAILED',
        `the engine websocket was refused (${status}${reason ? `: ${reason}` : ''}): check the prefix and app id`,
        { status, url },
      );
    }
    if (/handshake has timed out/i.test(message)) {
      return new QixflowError(
        'ERR_TIMEOUT',
        `the engine websocket did not open within ${this.#ctx.site.timeouts.connectMs} ms`,
        {
          url,
        },
      );
    }
    if ((error as { code?: unknown })?.code !== undefined && typeof (error as { code?: unknown }).code === 'string') {
      return toHttpError(error, { url: this.#ctx.site.proxyBase });
    }
    return toEngineError(error, 'connect');
  }
}
