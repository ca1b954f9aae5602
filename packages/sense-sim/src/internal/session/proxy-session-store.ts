import { randomBytes, randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { AuditLog, SessionEndReason } from '../../audit-log.js';
import type { Clock } from '../../clock.js';

/** The user a proxy session is for, with the attributes mapped from the token. */
export interface SessionUser {
  userDirectory: string;
  userId: string;
  /** Session attributes (from the virtual proxy's attribute mapping or Cloud claims). */
  attributes: Record<string, string[]>;
}

/** A proxy session: one cookie on one virtual proxy (or the tenant). */
export interface ProxySession {
  /** Public sequence number (audit trail, tests); never the cookie. */
  readonly ref: number;
  /** The cookie value. Secret. */
  readonly token: string;
  /** The CSRF token handed out by /qps/csrftoken or /api/v1/csrf-token. Secret. */
  readonly csrfToken: string;
  /** Virtual proxy prefix, or 'cloud'. */
  readonly proxy: string;
  readonly user: SessionUser;
  readonly createdAt: number;
  readonly inactivityMs: number;
  lastSeen: number;
  ended: { at: number; reason: SessionEndReason } | undefined;
  /** Open websockets riding on this session. */
  readonly sockets: Set<WebSocket>;
}

/** What looking a cookie up found. */
export type SessionLookup =
  | { session: ProxySession }
  | { session: undefined; why: 'unknown-session' | 'ended-session' };

type EndListener = (session: ProxySession) => void;

/**
 * All proxy sessions of the simulator, keyed by cookie value. Sliding inactivity timeout,
 * checked on every lookup and by `sweep()`.
 */
export class ProxySessionStore {
  readonly #byToken = new Map<string, ProxySession>();
  /** Tokens of ended sessions, remembered (bounded) to tell "ended" from "never existed". */
  readonly #endedTokens = new Set<string>();
  readonly #listeners: EndListener[] = [];
  readonly #clock: Clock;
  readonly #audit: AuditLog;
  #nextRef = 1;

  constructor(clock: Clock, audit: AuditLog) {
    this.#clock = clock;
    this.#audit = audit;
  }

  /** Called after a session ended, whatever the reason. */
  onEnded(listener: EndListener): void {
    this.#listeners.push(listener);
  }

  create(proxy: string, user: SessionUser, inactivityMs: number): ProxySession {
    const now = this.#clock.now();
    const session: ProxySession = {
      ref: this.#nextRef++,
      token: randomUUID(),
      csrfToken: randomBytes(24).toString('base64url'),
      proxy,
      user,
      createdAt: now,
      inactivityMs,
      lastSeen: now,
      ended: undefined,
      sockets: new Set(),
    };
    this.#byToken.set(session.token, session);
    this.#audit.record({ type: 'session-created', proxy, user: publicUser(user), session: session.ref });
    return session;
  }

  /** Finds the live session of a cookie value on one proxy; ends it first if it timed out. */
  lookup(proxy: string, token: string | undefined): SessionLookup {
    if (token === undefined) return { session: undefined, why: 'unknown-session' };
    const session = this.#byToken.get(token);
    if (!session || session.proxy !== proxy) {
      return { session: undefined, why: this.#endedTokens.has(token) ? 'ended-session' : 'unknown-session' };
    }
    if (this.#timedOut(session)) {
      this.end(session, 'timeout');
      return { session: undefined, why: 'ended-session' };
    }
    return { session };
  }

  /** Records activity (sliding timeout). */
  touch(session: ProxySession): void {
    session.lastSeen = this.#clock.now();
  }

  end(session: ProxySession, reason: SessionEndReason): void {
    if (session.ended) return;
    session.ended = { at: this.#clock.now(), reason };
    this.#byToken.delete(session.token);
    this.#endedTokens.add(session.token);
    if (this.#endedTokens.size > 50_000) {
      const oldest = this.#endedTokens.values().next().value;
      if (oldest !== undefined) this.#endedTokens.delete(oldest);
    }
    this.#audit.record({
      type: 'session-ended',
      proxy: session.proxy,
      user: publicUser(session.user),
      session: session.ref,
      reason,
    });
    for (const listener of this.#listeners) listener(session);
  }

  /** Ends every session whose inactivity timeout passed. Returns how many ended. */
  sweep(): number {
    let ended = 0;
    for (const session of [...this.#byToken.values()]) {
      if (this.#timedOut(session)) {
        this.end(session, 'timeout');
        ended++;
      }
    }
    return ended;
  }

  /** Live sessions, optionally of one proxy. */
  live(proxy?: string): ProxySession[] {
    return [...this.#byToken.values()].filter((s) => proxy === undefined || s.proxy === proxy);
  }

  #timedOut(session: ProxySession): boolean {
    // An open websocket does not keep a session alive by itself: only traffic does (the proxy
    // pushes OnSessionTimedOut on sockets of sessions that timed out).
    return this.#clock.now() - session.lastSeen >= session.inactivityMs;
  }
}

/** The user without attributes, as the audit trail records it. */
export function publicUser(user: SessionUser): { userDirectory: string; userId: string } {
  return { userDirectory: user.userDirectory, userId: user.userId };
}
