import type { WebSocket } from 'ws';
import type { QixEngine } from './internal/engine/qix-engine.js';
import type { ProxyFaults } from './internal/proxy/proxy-faults.js';
import type { ProxySession, ProxySessionStore } from './internal/session/proxy-session-store.js';

/** Picks proxy sessions: by number (`ref` from the audit trail), by user, by proxy, or all. */
export type SessionSelector =
  | number
  | { user?: string | { userDirectory: string; userId: string }; proxy?: string }
  | 'all';

/**
 * Faults on demand, for reliability tests of clients: expire sessions, drop sockets, make a
 * proxy answer with a login page, fail or delay engine calls, abort running requests, restart
 * the engine. Also reachable over HTTP (`POST /__sim/control/<action>`, see the README).
 */
export class SimulatorControl {
  readonly #sessions: ProxySessionStore;
  readonly #faults: ProxyFaults;
  readonly #engine: QixEngine;

  /** @internal */
  constructor(sessions: ProxySessionStore, faults: ProxyFaults, engine: QixEngine) {
    this.#sessions = sessions;
    this.#faults = faults;
    this.#engine = engine;
  }

  /**
   * Ends proxy sessions as if their inactivity timeout had passed: sockets get
   * `OnSessionTimedOut` and close, the cookie stops working. Returns how many ended.
   */
  expireSessions(selector: SessionSelector = 'all'): number {
    const chosen = this.#select(selector);
    for (const session of chosen) this.#sessions.end(session, 'expired');
    return chosen.length;
  }

  /**
   * Ends proxy sessions as if the user logged out elsewhere (DELETE /qps/user from another
   * tab): sockets get `OnSessionLoggedOut` and close. Returns how many ended.
   */
  logoutSessions(selector: SessionSelector = 'all'): number {
    const chosen = this.#select(selector);
    for (const session of chosen) this.#sessions.end(session, 'logout');
    return chosen.length;
  }

  /**
   * Closes websockets abruptly: those of the selected proxy sessions, or every engine websocket
   * (direct ones included) when no selector is given. With `code`, a close frame with that code is
   * sent; without it the TCP connection is destroyed (what a network loss looks like: the client
   * sees 1006). Returns how many sockets were dropped.
   */
  dropSockets(options: { code?: number; sessions?: SessionSelector } = {}): number {
    const sockets: WebSocket[] =
      options.sessions === undefined
        ? this.#engine.sessions.list().flatMap((s) => [...s.connections].map((c) => c.socket))
        : this.#select(options.sessions).flatMap((s) => [...s.sockets]);
    for (const ws of sockets) {
      if (options.code === undefined) ws.terminate();
      else ws.close(options.code, 'closed by simulator fault');
    }
    return sockets.length;
  }

  /**
   * The next `count` requests to a virtual proxy (`prefix`, or every proxy when omitted) are
   * answered with a redirect to a forms login page instead of being authenticated.
   */
  answerWithLoginPage(options: { prefix?: string; count?: number } = {}): void {
    this.#faults.answerWithLoginPage(options.prefix ?? '*', options.count ?? 1);
  }

  /** The next `count` (1) calls of an engine method fail with this engine error (default -128 Internal error). */
  failNext(
    method: string,
    options: { count?: number; code?: number; message?: string; parameter?: string } = {},
  ): void {
    this.#engine.faults.failNext(method, options);
  }

  /**
   * Holds engine responses (of one method, or all) for `ms` milliseconds, for the next `count`
   * calls (until `reset()` by default). Delaying one method reorders responses to concurrent calls.
   */
  delayResponses(options: { method?: string; ms: number; count?: number }): void {
    this.#engine.faults.delay(options);
  }

  /** Aborts running engine requests (of one method, or all): they answer `LOCERR_GENERIC_ABORTED`. Returns how many. */
  abortRequests(options: { method?: string } = {}): number {
    let aborted = 0;
    for (const session of this.#engine.sessions.list()) {
      for (const connection of session.connections) {
        for (const request of connection.running.values()) {
          if (options.method === undefined || request.method === options.method) {
            request.controller.abort();
            aborted++;
          }
        }
      }
    }
    return aborted;
  }

  /** Restarts the engine: every engine session ends (sockets drop), apps reload from fixtures and saved files. */
  async restartEngine(): Promise<void> {
    await this.#engine.restart();
  }

  /** Switches every fault off. */
  reset(): void {
    this.#faults.clear();
    this.#engine.faults.reset();
  }

  #select(selector: SessionSelector): ProxySession[] {
    const live = this.#sessions.live();
    if (selector === 'all') return live;
    if (typeof selector === 'number') return live.filter((s) => s.ref === selector);
    const user =
      selector.user === undefined
        ? undefined
        : typeof selector.user === 'string'
          ? selector.user.toLowerCase()
          : `${selector.user.userDirectory}\\${selector.user.userId}`.toLowerCase();
    return live.filter(
      (s) =>
        (selector.proxy === undefined || s.proxy === selector.proxy) &&
        (user === undefined || `${s.user.userDirectory}\\${s.user.userId}`.toLowerCase() === user),
    );
  }
}
