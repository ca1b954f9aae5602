import { hostname } from 'node:os';
import { KeyedLock } from '../internal/keyed-lock.js';
import {
  checkSiteUser,
  checkTime,
  copySession,
  sessionKey,
  sortSessions,
  toStoredSession,
  validOwner,
} from '../internal/stored-session.js';
import type { SessionOwner, StoredSession, StoredSessionInput } from './stored-session.js';

/**
 * Where proxy sessions outlive a process, one per (site, user) and owner. A session written by
 * another user or host is never returned: it is as if absent.
 *
 * The intended use, so that parallel processes of one (site, user) make one handshake:
 * `withLock(site, user, async () => { get → validate (GET /qps/user) → re-use, or handshake → set })`.
 */
export interface SessionStore {
  /** The session of (site, user) written by this user on this host, or `undefined`. */
  get(site: string, user: string): Promise<StoredSession | undefined>;
  /** Stores (replaces) the session of (site, user), stamped with this store's owner. */
  set(session: StoredSessionInput): Promise<void>;
  /** Records that the proxy accepted the session at `at` (default now); no-op when absent. Never moves backwards. */
  touch(site: string, user: string, at?: number): Promise<void>;
  /** Forgets the session of (site, user); `true` when there was one. */
  delete(site: string, user: string): Promise<boolean>;
  /** Every session of this owner, sorted by site then user (for `status` and `logout --all`). */
  list(): Promise<StoredSession[]>;
  /**
   * Runs `fn` while holding the lock of (site, user) — across processes for a file store — so
   * that only one of several parallel callers validates or replaces the session. Calls from
   * inside `fn` for the same (site, user) run at once (re-entrant); other stored operations
   * may be called from `fn`.
   */
  withLock<T>(site: string, user: string, fn: () => Promise<T>): Promise<T>;
}

/** A source of the current time in ms since the epoch (injectable for tests). */
export interface SessionStoreClock {
  now(): number;
}

/** Options of {@link createMemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** Defaults to `Date`. */
  clock?: SessionStoreClock;
  /** Who this process is. Default {@link currentSessionOwner}. */
  owner?: SessionOwner;
}

/**
 * The owner of sessions written by this process: its uid (POSIX) and host name.
 *
 * @example
 * ```ts
 * currentSessionOwner(); // { uid: 1000, host: 'build-01' }
 * ```
 */
export function currentSessionOwner(): SessionOwner {
  const uid = process.getuid?.();
  return uid === undefined ? { host: hostname() } : { uid, host: hostname() };
}

/**
 * A session store in the memory of one process: for tests, and for long-running services that
 * need no persistence but want the same code path as the CLI.
 *
 * @example
 * ```ts
 * const store = createMemorySessionStore();
 * await store.set({ site: 'https://sense.example.com:443|jwt', user: 'CORP\\alice', cookies: [{ name: 'X-Qlik-Session-jwt', value }] });
 * const session = await store.get('https://sense.example.com:443|jwt', 'CORP\\alice');
 * ```
 */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const clock = options.clock ?? Date;
  const owner = validOwner(options.owner ?? currentSessionOwner(), 'createMemorySessionStore: options.owner');
  const sessions = new Map<string, StoredSession>();
  const locks = new KeyedLock();
  const noLock = async (): Promise<() => Promise<void>> => async () => undefined;

  return {
    async get(site, user) {
      checkSiteUser(site, user);
      const found = sessions.get(sessionKey(site, user, owner));
      return found === undefined ? undefined : copySession(found);
    },
    async set(input) {
      const session = toStoredSession(input, owner, clock.now());
      sessions.set(sessionKey(session.site, session.user, owner), session);
    },
    async touch(site, user, at) {
      checkSiteUser(site, user);
      const when = checkTime(at ?? clock.now(), 'at');
      const found = sessions.get(sessionKey(site, user, owner));
      if (found !== undefined) found.lastSeenAt = Math.max(found.lastSeenAt, when);
    },
    async delete(site, user) {
      checkSiteUser(site, user);
      return sessions.delete(sessionKey(site, user, owner));
    },
    async list() {
      return sortSessions([...sessions.values()].map(copySession));
    },
    async withLock(site, user, fn) {
      checkSiteUser(site, user);
      if (typeof fn !== 'function') throw new TypeError('withLock: fn must be a function');
      return locks.run(JSON.stringify([site, user]), noLock, fn);
    },
  };
}
