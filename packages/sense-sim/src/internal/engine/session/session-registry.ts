import type { Clock } from '../../../clock.js';
import type { EngineConnectionContext } from '../engine.js';
import { EngineSession, type EngineUser } from './engine-session.js';

/** Where a new socket landed. */
export interface SessionJoin {
  session: EngineSession;
  state: 'SESSION_CREATED' | 'SESSION_ATTACHED';
}

/** Engine sessions by user + app + identity. */
export class SessionRegistry {
  readonly #sessions = new Map<string, EngineSession>();
  readonly #onCreated: (session: EngineSession) => void;
  readonly #sessionAppGraceSeconds: number;
  readonly #clock: Clock;

  constructor(onCreated: (session: EngineSession) => void, options: { sessionAppGraceSeconds?: number; clock: Clock }) {
    this.#onCreated = onCreated;
    this.#sessionAppGraceSeconds = options.sessionAppGraceSeconds ?? 0;
    this.#clock = options.clock;
  }

  /** Finds the session a new socket belongs to, or creates it. */
  join(context: EngineConnectionContext): SessionJoin {
    const user: EngineUser = context.user;
    const key = [
      `${user.userDirectory}\\${user.userId}`.toLowerCase(),
      context.proxy,
      context.appId ?? 'engineData',
      context.identity ?? '',
    ].join('|');
    const existing = this.#sessions.get(key);
    if (existing && !existing.ended) {
      if (context.ttlSeconds !== undefined) existing.ttlSeconds = context.ttlSeconds;
      return { session: existing, state: 'SESSION_ATTACHED' };
    }
    const session = new EngineSession(
      key,
      {
        user,
        identity: context.identity,
        urlAppId: context.appId,
        ttlSeconds: context.ttlSeconds ?? 0,
        sessionAppGraceSeconds: this.#sessionAppGraceSeconds,
        clock: this.#clock,
      },
      (s) => this.end(s),
    );
    this.#sessions.set(key, session);
    this.#onCreated(session);
    return { session, state: 'SESSION_CREATED' };
  }

  end(session: EngineSession): void {
    session.end();
    if (this.#sessions.get(session.key) === session) this.#sessions.delete(session.key);
  }

  /** Ends every session whose linger without a socket is over by the clock. Returns how many ended. */
  sweep(): number {
    let ended = 0;
    for (const session of [...this.#sessions.values()]) if (session.expireIfDue()) ended++;
    return ended;
  }

  endAll(): void {
    for (const session of [...this.#sessions.values()]) this.end(session);
  }

  list(): EngineSession[] {
    return [...this.#sessions.values()];
  }
}
