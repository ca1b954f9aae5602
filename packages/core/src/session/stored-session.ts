// The data of a proxy session kept across processes: what a session store holds and hands back.
// Its own file so that the stores and their shared validation (internal/stored-session.ts) import it
// without importing each other.

/** One cookie of a proxy session, as sent back in a `Cookie` header (`name=value`). */
export interface SessionCookie {
  name: string;
  /** Secret. */
  value: string;
}

/** Who wrote a stored session: only the same user on the same host may use it. */
export interface SessionOwner {
  /** POSIX user id; absent on Windows. */
  uid?: number;
  host: string;
}

/**
 * A proxy session kept across processes. `cookies` and `csrfToken` are secrets: never log them;
 * `site`, `user`, the timestamps and `owner` are not.
 */
export interface StoredSession {
  /** A stable key of the site and virtual proxy, e.g. `https://sense.example.com:443|jwt`, or a Qlik Cloud tenant URL. */
  site: string;
  /** Who the session belongs to, e.g. `CORP\alice`, or the Qlik Cloud subject. */
  user: string;
  /** The proxy session cookie(s): one on Qlik Sense Enterprise, several on Qlik Cloud. */
  cookies: SessionCookie[];
  /** The CSRF token for websocket URLs, when the server handed one out. */
  csrfToken?: string;
  /** When the session was created (ms since epoch). */
  createdAt: number;
  /** When the proxy last accepted it (ms since epoch). */
  lastSeenAt: number;
  /** Stamped by the store that wrote it. */
  owner: SessionOwner;
}

/** What a caller hands to `SessionStore.set`: the store stamps the owner, timestamps default to now. */
export interface StoredSessionInput {
  site: string;
  user: string;
  cookies: SessionCookie[];
  csrfToken?: string;
  createdAt?: number;
  lastSeenAt?: number;
}
