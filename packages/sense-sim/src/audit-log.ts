import type { Clock } from './clock.js';

/** Why the simulator refused a request or a websocket. Stable strings tests can assert. */
export type RejectReason =
  | 'no-credentials'
  | 'unknown-session'
  | 'ended-session'
  | 'bad-authorization-scheme'
  | 'token-malformed'
  | 'token-too-large'
  | 'alg-not-allowed'
  | 'bad-signature'
  | 'token-expired'
  | 'token-not-yet-valid'
  | 'missing-claim'
  | 'wrong-audience'
  | 'wrong-issuer'
  | 'wrong-kid'
  | 'wrong-subtype'
  | 'lifetime-too-long'
  | 'jti-replayed'
  | 'origin-not-allowed'
  | 'origin-missing'
  | 'csrf-token-missing'
  | 'csrf-token-mismatch'
  | 'authorization-on-upgrade'
  | 'xrfkey-missing'
  | 'xrfkey-mismatch'
  | 'xrfkey-invalid'
  | 'web-integration-unknown'
  | 'not-found';

/** Why a proxy session ended. */
export type SessionEndReason = 'logout' | 'timeout' | 'expired' | 'restart';

/** Who a session belongs to. */
export interface AuditUser {
  userDirectory: string;
  userId: string;
}

interface AuditBase {
  /** Simulator clock time (ms since epoch). */
  at: number;
  /** Virtual proxy prefix, or `'cloud'` for the tenant. */
  proxy: string;
}

/** One line of the simulator's audit trail. */
export type AuditEntry =
  | (AuditBase & { type: 'session-created'; user: AuditUser; session: number })
  | (AuditBase & { type: 'session-ended'; user: AuditUser; session: number; reason: SessionEndReason })
  | (AuditBase & { type: 'licence-allocated'; user: AuditUser; session: number })
  | (AuditBase & {
      type: 'usage-denied';
      user: AuditUser;
      session: number;
      sessionCount: number;
      /** The repository's audit line, as Qlik Sense logs it. */
      line: string;
    })
  | (AuditBase & {
      type: 'rejected';
      status: number;
      reason: RejectReason;
      method: string;
      path: string;
      detail?: string;
    })
  | (AuditBase & { type: 'websocket-opened'; user: AuditUser; session: number; path: string })
  | (AuditBase & { type: 'websocket-closed'; user: AuditUser; session: number; code: number });

/** Type of an audit entry. */
export type AuditEntryType = AuditEntry['type'];

/** A distributive Omit, so each union member keeps its own fields. */
type WithoutStamp<T> = T extends unknown ? Omit<T, 'at'> : never;

/**
 * What happened on the simulator, in order: sessions created and ended per user, licence
 * decisions, websockets and every reject with its reason. Tests read it to assert exactly
 * what a client did (e.g. "100 jobs created one proxy session"). Holds no secrets: sessions are
 * numbered, never identified by their cookie.
 */
export class AuditLog {
  readonly #entries: AuditEntry[] = [];
  readonly #clock: Clock;
  readonly #limit: number;

  constructor(clock: Clock, limit = 100_000) {
    this.#clock = clock;
    this.#limit = limit;
  }

  /** @internal */
  record(entry: WithoutStamp<AuditEntry>): void {
    if (this.#entries.length >= this.#limit) this.#entries.splice(0, this.#entries.length - this.#limit + 1);
    this.#entries.push({ ...entry, at: this.#clock.now() } as AuditEntry);
  }

  /** All entries, or those of one type. */
  entries<T extends AuditEntryType>(type?: T): Extract<AuditEntry, { type: T }>[] {
    const all = type ? this.#entries.filter((e) => e.type === type) : [...this.#entries];
    return all as Extract<AuditEntry, { type: T }>[];
  }

  /** Number of proxy sessions created, optionally for one user (`'DIR\\id'` or `{userDirectory, userId}`). */
  sessionsCreated(user?: string | AuditUser): number {
    const key = user === undefined ? undefined : typeof user === 'string' ? user : userKey(user);
    return this.entries('session-created').filter((e) => key === undefined || userKey(e.user) === key).length;
  }

  /** Rejects, optionally only those with one reason. */
  rejects(reason?: RejectReason): Extract<AuditEntry, { type: 'rejected' }>[] {
    return this.entries('rejected').filter((e) => reason === undefined || e.reason === reason);
  }

  /** Forgets everything recorded so far. */
  clear(): void {
    this.#entries.length = 0;
  }
}

/** `'DIRECTORY\\userId'`, the way Qlik Sense writes a user. */
export function userKey(user: AuditUser): string {
  return `${user.userDirectory}\\${user.userId}`;
}
