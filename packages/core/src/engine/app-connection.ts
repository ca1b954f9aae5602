import { EventEmitter } from 'node:events';
import { ENGINE_ERRORS, type EnigmaSession, type Global } from '@qixflow/qix';
import enigma from 'enigma.js';
import { WebSocket } from 'ws';
import { isQixflowError, QixflowError } from '../errors.js';
import type { ResolvedSite } from '../internal/resolve-site-options.js';
import type { ProxySession, SessionCredentials } from '../session/proxy-session.js';
import { cancellableCall } from './cancellable-call.js';
import { closeCodeEnd, endsProxySession, notificationEnd } from './close-reasons.js';
import type {
  AppConnectionEvents,
  ConnectionApi,
  ConnectionState,
  ConnectionTarget,
  OpenAppOptions,
  RunOptions,
} from './connection-types.js';
import { isNotConnected, toEngineError } from './engine-errors.js';
import { loadEngineSchema } from './engine-schema.js';
import { type EngineTarget, engineUrl, redactUrl } from './engine-url.js';
import { GuardedSocket } from './guarded-socket.js';
import { reconnectLoop } from './reconnect-loop.js';
import { toSocketError, type UpgradeRefusal } from './socket-errors.js';

/** Every allowed move; anything else is a bug and throws. */
const TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ['connecting', 'closing', 'closed'],
  connecting: ['open', 'closing', 'closed'],
  open: ['reconnecting', 'closing', 'closed'],
  reconnecting: ['open', 'closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

/** What the site wants to hear from its connections; the site owns the counters these feed. */
interface ConnectionHooks {
  socketOpened(): void;
  socketClosed(): void;
  resumed(): void;
  /** The connection reached `closed`: the site can forget it. */
  closed(connection: AppConnection): void;
}

/** What an app connection needs from its site. */
export interface ConnectionContext {
  site: ResolvedSite;
  proxy: ProxySession;
  hooks?: Partial<ConnectionHooks>;
}

/** Methods safe to repeat when the engine aborted them (LOCERR_GENERIC_ABORTED). */
const IDEMPOTENT =
  /^(Get|Evaluate|CheckExpression|CheckNumberOrExpression|EngineVersion|ProductVersion|IsDesktopMode|GetActiveDoc)/;

/**
 * One engine websocket, authenticated with the site's proxy session: an enigma.js session whose
 * `open()` gives the Doc (or Global), with typed errors, proxy notifications as events, and
 * automatic resume after network loss (re-attaching when the engine session survived).
 *
 * @typeParam T - What `open()` resolves to: `Doc` for `site.openApp` / `openSessionApp`, `Global` for
 *   `site.openGlobal`.
 */
export class AppConnection<T extends ConnectionApi = ConnectionApi> extends EventEmitter<AppConnectionEvents> {
  /** The same session as {@link session} with enigma.js's own typings, for what only this class calls. */
  #enigma: EnigmaJS.Session;
  readonly target: ConnectionTarget;
  readonly #ctx: ConnectionContext;
  readonly #options: OpenAppOptions;
  readonly #engineTarget: EngineTarget;
  #state: ConnectionState = 'idle';
  #credentials: SessionCredentials | undefined;
  #cookie = '';
  #generation = 0;
  #opened: Promise<T> | undefined;
  #connecting: Promise<Global> | undefined;
  #closingDone: Promise<void> | undefined;
  #global: Global | undefined;
  /** A final end announced by the proxy (licence, session limit, logout): every later failure reports it. */
  #endReason: QixflowError | undefined;
  /** A reconnect-worthy notification came before the socket closed (the close itself may look intentional). */
  #pendingReconnect: string | undefined;
  /** The current socket broke the protocol. */
  #protocolError: QixflowError | undefined;
  #lastSessionState: string | undefined;
  #socket: GuardedSocket | undefined;
  /** The proxy's answer when it refused the last upgrade. */
  #refusal: UpgradeRefusal | undefined;
  /** Ids of objects enigma.js could not restore, collected during one resume. */
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
    if (options.delta !== undefined && typeof options.delta !== 'boolean') {
      throw new TypeError(`openApp: options.delta must be true or false, got ${JSON.stringify(options.delta)}`);
    }
    this.#enigma = this.#createEnigma();
  }

  /**
   * The underlying enigma.js session. A connection whose first upgrade the proxy refused (an
   * expired cookie) makes a new one for its retry: enigma.js keeps a failed first open.
   */
  get session(): EnigmaSession {
    return this.#enigma as unknown as EnigmaSession;
  }

  /** A new enigma.js session for this connection, its events wired to the connection. */
  #createEnigma(): EnigmaJS.Session {
    const { site } = this.#ctx;
    const session = enigma.create({
      schema: loadEngineSchema(site.engineSchemaVersion),
      protocol: { delta: this.#options.delta === true },
      url: engineUrl(this.#wsBase(), this.#engineTarget, {}),
      createSocket: () => this.#createSocket() as unknown as globalThis.WebSocket,
      suspendOnClose: site.reconnect !== false,
      mixins: [this.#trackingMixin()],
      responseInterceptors: [this.#retryInterceptor()],
    });
    session.on('notification:*', (method: string, params: unknown) => {
      if (session === this.#enigma) this.#onNotification(method, params);
    });
    (session as unknown as EventEmitter).on(
      'suspended',
      (info: { initiator: string; code: number; reason: string }) => {
        if (info.initiator === 'network' && session === this.#enigma) void this.#onLost(info.code, info.reason);
      },
    );
    return session;
  }

  /** Where the connection is now (see {@link ConnectionState}). */
  get state(): ConnectionState {
    return this.#state;
  }

  /**
   * Connects (doing the site's handshake if it has no session yet) and opens the target: the
   * Doc of the app (GetActiveDoc when the engine session already has it open), a new session
   * app, or the Global object. Calling it again returns the same object. Bounded by
   * `options.timeoutMs` / `timeouts.openMs`; a failure closes the connection and rejects with
   * the first real error.
   */
  open(): Promise<T> {
    // The site pairs the target with T (openApp → Doc, openGlobal → Global).
    this.#opened ??= this.#openWithin(() => this.#open() as Promise<T>);
    return this.#opened;
  }

  /** The Global object of this connection (connects if needed, bounded like `open()`). */
  async global(): Promise<Global> {
    if (this.#global) return this.#global;
    await (this.#opened ?? this.#openWithin(() => this.#connect()));
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
    if (options.signal?.aborted) throw new QixflowError('ERR_ABORTED', 'the call was aborted before it started');
    return cancellableCall(call(), {
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? this.#ctx.site.timeouts.callMs,
      timers: this.#ctx.site.timers,
      cancelRequest: (requestId) => {
        void this.#global?.cancelRequest(requestId).catch(() => undefined);
      },
    });
  }

  /** The engine session state of the last connect (SESSION_CREATED / SESSION_ATTACHED). */
  get sessionState(): string | undefined {
    return this.#lastSessionState;
  }

  /** Closes the websocket (no reconnect). Never throws: there is nothing a caller could do about it. */
  close(): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    if (this.#state === 'closing' && this.#closingDone) return this.#closingDone;
    this.#transition('closing');
    this.#closingDone = this.#closeSession().then(() => this.#finish({ code: 1000, reason: '' }));
    return this.#closingDone;
  }

  // ------------------------------------------------------------------ state

  /** The one place the state changes; `closed` tells the site and listeners exactly once. */
  #transition(to: ConnectionState, info?: { code: number; reason: string }): void {
    const from = this.#state;
    if (from === to) return;
    if (!TRANSITIONS[from].includes(to)) throw new Error(`AppConnection: no transition from ${from} to ${to}`);
    this.#state = to;
    if (to === 'closed') {
      this.#ctx.hooks?.closed?.(this);
      this.emit('closed', info ?? { code: 1000, reason: '' });
    }
  }

  #finish(info: { code: number; reason: string }): void {
    if (this.#state !== 'closed') this.#transition('closed', info);
  }

  /**
   * Ends the connection with an error: no reconnect, listeners hear it at once. The promise
   * settles when the socket is gone too.
   */
  #fail(error: QixflowError): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'closing') return this.#closingDone ?? Promise.resolve();
    this.#transition('closing');
    this.#closingDone = this.#closeSession();
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.#finish({ code: error.closeCode ?? 1006, reason: error.code });
    return this.#closingDone;
  }

  /** In `#open…` paths nothing else moves the state off `connecting`: only close() does. */
  #closedByCaller(): boolean {
    return this.#state === 'closing' || this.#state === 'closed';
  }

  /** enigma.js cannot close a session it never opened (it throws); cleanup must never mask the real error. */
  async #closeSession(): Promise<void> {
    if (!this.#socket) return;
    try {
      await this.#enigma.close();
    } catch {
      // the socket is gone either way
    }
  }

  // ------------------------------------------------------------------ opening

  /** Runs an opening step under the open deadline; any failure closes the connection with the first real error. */
  async #openWithin<R>(step: () => Promise<R>): Promise<R> {
    const timeoutMs = this.#options.timeoutMs ?? this.#ctx.site.timeouts.openMs;
    const { timers } = this.#ctx.site;
    let timer: unknown;
    const deadline = new Promise<never>((_, reject) => {
      timer = timers.setTimeout(() => reject(this.#openTimeout(timeoutMs)), timeoutMs);
    });
    const opening = step();
    opening.catch(() => undefined); // the deadline may win; its loser must not surface as unhandled
    try {
      const api = await Promise.race([opening, deadline]);
      if (this.#state === 'connecting') this.#transition('open');
      return api;
    } catch (error) {
      const first =
        this.#endReason ??
        (this.#closedByCaller()
          ? new QixflowError('ERR_CLOSED', 'the connection was closed before it was open')
          : isQixflowError(error)
            ? error
            : toEngineError(error, 'open'));
      await this.#fail(first);
      throw first;
    } finally {
      timers.clearTimeout(timer);
    }
  }

  #openTimeout(timeoutMs: number): QixflowError {
    const what = this.target.kind === 'app' ? `app ${this.target.appId}` : this.target.kind;
    return new QixflowError(
      'ERR_TIMEOUT',
      `opening ${what} took longer than ${timeoutMs} ms (websocket, OnConnected, OpenDoc); the connection was closed. ` +
        'Check the engine, or raise timeouts.openMs (or openApp(id, { timeoutMs })).',
      { url: redactUrl(engineUrl(this.#ctx.site.proxyWsBase, this.#engineTarget, {})) },
    );
  }

  async #open(): Promise<ConnectionApi> {
    const global = await this.#connect();
    if (this.target.kind === 'global') return global;
    if (this.target.kind === 'session-app') return await global.createSessionApp();
    const { appId } = this.target;
    try {
      return await global.openDoc(appId, '', '', '', this.#options.noData === true);
    } catch (error) {
      // Another socket of the same engine session (same user + app + identity) has it open.
      if (isQixflowError(error, 'ERR_ENGINE') && error.engineCode === ENGINE_ERRORS.LOCERR_APP_ALREADY_OPEN.code)
        return await global.getActiveDoc();
      throw error;
    }
  }

  #connect(): Promise<Global> {
    if (this.#global) return Promise.resolve(this.#global);
    if (this.#state === 'closing' || this.#state === 'closed')
      return Promise.reject(new QixflowError('ERR_CLOSED', 'the connection is closed'));
    this.#connecting ??= this.#connectOnce();
    return this.#connecting;
  }

  /**
   * Opens the websocket (with one re-handshake if the proxy rejects the cookie). The state stays
   * `connecting` until the target is open too: a loss before that fails the open, never resumes.
   */
  async #connectOnce(): Promise<Global> {
    this.#transition('connecting');
    for (let attempt = 0; ; attempt++) {
      await this.#prepare();
      // close() during the handshake: never create a socket nobody will close.
      if (this.#closedByCaller()) throw new QixflowError('ERR_CLOSED', 'the connection was closed before it was open');
      try {
        const global = (await this.#enigma.open()) as Global;
        this.#global = global;
        return global;
      } catch (error) {
        const mapped = this.#endReason ?? this.#socketError(error);
        if (mapped.status === 401 && attempt === 0 && this.#ctx.site.auth.kind !== 'none') {
          // The cookie died (timeout, logout elsewhere): one new handshake, within the budget.
          await this.#ctx.proxy.invalidate(this.#generation);
          // enigma.js would answer every later open() with this failed one: a fresh session retries.
          this.#enigma = this.#createEnigma();
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

  #wsBase(): string {
    const { site } = this.#ctx;
    return site.auth.kind === 'cloud-jwt' ? site.wsBase : site.proxyWsBase;
  }

  #createSocket(): GuardedSocket {
    const { site } = this.#ctx;
    const url = engineUrl(this.#wsBase(), this.#engineTarget, {
      csrfToken: this.#credentials?.csrfToken,
      webIntegrationId: site.auth.kind === 'cloud-jwt' ? site.auth.webIntegrationId : undefined,
    });
    const headers: Record<string, string> = {};
    if (this.#cookie !== '') headers.cookie = this.#cookie;
    this.#protocolError = undefined;
    this.#refusal = undefined;
    const hooks = this.#ctx.hooks;
    const socket: GuardedSocket = new GuardedSocket({
      url,
      shownUrl: redactUrl(url),
      Socket: site.WebSocket ?? WebSocket,
      clientOptions: {
        headers,
        origin: site.origin,
        handshakeTimeout: site.timeouts.connectMs,
        ...(site.tls.ca !== undefined ? { ca: site.tls.ca } : {}),
        rejectUnauthorized: site.tls.rejectUnauthorized,
        ...(site.tls.cert !== undefined ? { cert: site.tls.cert } : {}),
        ...(site.tls.key !== undefined ? { key: site.tls.key } : {}),
        ...(site.tls.passphrase !== undefined ? { passphrase: site.tls.passphrase } : {}),
      },
      maxPayload: site.limits.maxPayload,
      onTraffic: site.onTraffic,
      hooks: {
        refused: (refusal) => {
          if (socket === this.#socket) this.#refusal = refusal;
        },
        protocolError: (error) => {
          if (socket !== this.#socket) return;
          this.#protocolError = error;
          site.logger.warn('the server broke the engine protocol; closing the socket', { code: error.code });
        },
        opened: () => hooks?.socketOpened?.(),
        closed: (code, reason, wasOpen) => {
          if (wasOpen) hooks?.socketClosed?.();
          if (socket === this.#socket) this.#onSocketClosed(code, reason);
        },
      },
    });
    this.#socket = socket;
    return socket;
  }

  // ------------------------------------------------------------------ enigma.js plumbing

  #trackingMixin(): EnigmaJS.Mixin {
    const onLost = (id: string): void => {
      this.#lostDuringResume?.push(id);
    };
    return {
      types: ['GenericObject', 'GenericDimension', 'GenericMeasure', 'GenericVariable', 'GenericBookmark', 'Field'],
      init({ api }: { api: { id: string; on(event: 'closed', listener: () => void): unknown } }) {
        api.on('closed', () => onLost(api.id));
      },
    } as unknown as EnigmaJS.Mixin;
  }

  #retryInterceptor(): EnigmaJS.ResponseInterceptors {
    return {
      onRejected: (
        _session: EnigmaJS.Session,
        request: EnigmaJS.RpcRequest & { retry?: () => Promise<unknown>; retries?: number },
        error: Error,
      ) => {
        const aborted = (error as { code?: unknown }).code === ENGINE_ERRORS.LOCERR_GENERIC_ABORTED.code;
        if (aborted && IDEMPOTENT.test(request.method) && (request.retries ?? 0) < 3 && request.retry) {
          request.retries = (request.retries ?? 0) + 1;
          return request.retry();
        }
        // A call cut off by a protocol violation reports the violation, not a bare "socket closed".
        const protocol = isNotConnected(error) ? this.#protocolError : undefined;
        throw this.#endReason ?? protocol ?? toEngineError(error, request.method);
      },
    } as unknown as EnigmaJS.ResponseInterceptors;
  }

  #onNotification(method: string, params: unknown): void {
    if (method === 'OnConnected') {
      this.#lastSessionState = (params as { qSessionState?: string } | undefined)?.qSessionState;
    }
    this.emit('notification', method, params);
    const end = notificationEnd(method, params);
    if (!end) return;
    this.#ctx.site.logger.warn(`proxy notification ${method}`, { method });
    if (end.reconnect && this.#ctx.site.reconnect !== false) {
      this.#pendingReconnect = method;
      if (endsProxySession(method)) void this.#ctx.proxy.invalidate(this.#generation);
    } else {
      this.#endReason = new QixflowError(end.code, end.message);
    }
  }

  /** The current socket closed: decide between a reconnect, a typed error, or a plain close. */
  #onSocketClosed(code: number, reason: string): void {
    // While connecting, the pending open fails by itself; while reconnecting, the loop decides.
    if (this.#state !== 'open') return;
    if (this.#endReason) {
      void this.#fail(this.#endReason);
      return;
    }
    const known = closeCodeEnd(code);
    if (known && !known.reconnect) {
      void this.#fail(
        new QixflowError(known.code, `the engine connection closed: ${known.message}`, { closeCode: code }),
      );
      return;
    }
    const reconnect = this.#ctx.site.reconnect !== false;
    if (code === 1000 || code === 4000) {
      // enigma.js treats these as intentional and says nothing: a server-initiated 1000 after a
      // reconnectable notification must still resume.
      if (this.#pendingReconnect && reconnect) {
        void this.#enigma.suspend().then(() => this.#onLost(code, reason));
        return;
      }
      this.#finish({ code, reason });
      return;
    }
    // Anything else is a loss: enigma.js suspends (suspendOnClose) and emits 'suspended', handled
    // by #onLost. Without reconnect the connection ends here.
    if (!reconnect) {
      if (this.#protocolError) void this.#fail(this.#protocolError);
      else this.#finish({ code, reason });
    }
  }

  /** Network loss (or a reconnectable end): resume with backoff and jitter, bounded tries. */
  async #onLost(code: number, reason: string): Promise<void> {
    const policy = this.#ctx.site.reconnect;
    if (policy === false || this.#state !== 'open') return;
    this.#transition('reconnecting');
    const cause = this.#protocolError;
    this.emit('suspended', { code, reason, ...(cause ? { error: cause } : {}) });
    const { timers, random, logger } = this.#ctx.site;
    const outcome = await reconnectLoop({
      policy,
      timers,
      random,
      onAttempt: (info) => this.emit('reconnecting', info),
      shouldContinue: () => this.#state === 'reconnecting',
      attempt: (attempt) => this.#resumeOnce(attempt),
      isFinal: (error) =>
        this.#endReason !== undefined ||
        isQixflowError(error, 'ERR_SESSION_BUDGET_EXHAUSTED', 'ERR_JWT_KEY_INVALID', 'ERR_HANDSHAKE_REJECTED'),
    });
    // close() may have run meanwhile (the state is re-read, not narrowed across the await).
    if (outcome.kind === 'cancelled' || (this.state as ConnectionState) !== 'reconnecting') return;
    if (outcome.kind === 'resumed') {
      const lost = this.#lostDuringResume ?? [];
      this.#lostDuringResume = undefined;
      this.#transition('open');
      this.#ctx.hooks?.resumed?.();
      const attached = this.#lastSessionState === 'SESSION_ATTACHED';
      logger.info('engine connection resumed', { attempt: outcome.attempt, attached, lost: lost.length });
      this.emit('resumed', { attached, lost });
      return;
    }
    const { lastError } = outcome;
    const known = this.#endReason ?? (isQixflowError(lastError) ? lastError : undefined);
    void this.#fail(
      known && known.code !== 'ERR_SOCKET_CLOSED' && known.code !== 'ERR_NETWORK'
        ? known
        : new QixflowError(
            'ERR_RECONNECT_FAILED',
            `the engine connection was lost and could not be resumed after ${policy.maxAttempts} attempts`,
            { cause: lastError },
          ),
    );
  }

  /** One resume: a session (new handshake if the old one died), a new socket, enigma.js restores the objects. */
  async #resumeOnce(attempt: number): Promise<void> {
    try {
      await this.#prepare();
      this.#lostDuringResume = [];
      this.#pendingReconnect = undefined;
      await this.#enigma.resume();
    } catch (error) {
      this.#lostDuringResume = undefined;
      if (isQixflowError(error)) throw error;
      const protocol = this.#protocolError;
      const mapped = this.#socketError(error);
      if (mapped.status === 401) await this.#ctx.proxy.invalidate(this.#generation);
      this.#ctx.site.logger.debug('resume attempt failed', { attempt, code: protocol?.code ?? mapped.code });
      throw protocol ?? error;
    }
  }

  /** What a failed websocket upgrade or open means. */
  #socketError(error: unknown): QixflowError {
    if (this.#protocolError && !(error instanceof QixflowError)) return this.#protocolError;
    const refusal = this.#refusal;
    this.#refusal = undefined;
    const { site } = this.#ctx;
    return toSocketError(error, {
      url: redactUrl(engineUrl(site.proxyWsBase, this.#engineTarget, {})),
      proxyBase: site.proxyBase,
      origin: site.origin,
      csrf: site.csrf,
      connectMs: site.timeouts.connectMs,
      refusal,
    });
  }
}
