import type { WebSocket } from 'ws';
import type { ProxyFaults } from './internal/proxy/proxy-faults.js';
import type { ProxySession, ProxySessionStore } from './internal/session/proxy-session-store.js';

/** Picks proxy sessions: by number (`ref` from the audit trail), by user, by proxy, or all. */
export type SessionSelector =
  | number
  | { user?: string | { userDirectory: string; userId: string }; proxy?: string }
  | 'all';

/**
 * Faults on demand, for reliability tests of clients: expire sessions, drop sockets, make a
 * proxy answer with a login page.
 */
export class SimulatorControl {
  readonly #sessions: ProxySessionStore;
  readonly #faults: ProxyFaults;

  /** @internal */
  constructor(sessions: ProxySessionStore, faults: ProxyFaults) {
    this.#sessions = sessions;
    this.#faults = faults;
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
   * Closes websockets abruptly. With `code`, a close frame with that code is sent; without it the
   * TCP connection is destroyed (what a network loss looks like: the client sees 1006).
   */
  dropSockets(options: { code?: number; sessions?: SessionSelector } = {}): number {
    const sockets: WebSocket[] = this.#select(options.sessions ?? 'all').flatMap((s) => [...s.sockets]);
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

  /** Switches every fault off. */
  reset(): void {
    this.#faults.clear();
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
