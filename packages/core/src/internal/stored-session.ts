import type { SessionOwner, StoredSession, StoredSessionInput } from '../session/stored-session.js';

// What both session stores share: keys, owner checks, and the validation of what is stored and
// read back. Messages name fields, never values: the values are secrets.

/** The map key of a session: (site, user) per owner, so hosts sharing a home directory never overwrite each other. */
export function sessionKey(site: string, user: string, owner: SessionOwner): string {
  return JSON.stringify([site, user, owner.uid ?? null, owner.host]);
}

/** Same user on the same host. */
export function sameOwner(a: SessionOwner, b: SessionOwner): boolean {
  return a.host === b.host && a.uid === b.uid;
}

/** TypeError unless both are non-empty strings (they are keys, not secrets). */
export function checkSiteUser(site: unknown, user: unknown): asserts site is string {
  if (typeof site !== 'string' || site === '') throw new TypeError('session store: site must be a non-empty string');
  if (typeof user !== 'string' || user === '') throw new TypeError('session store: user must be a non-empty string');
}

/** The value, or a TypeError naming `name` unless it is a time in ms since the epoch. */
export function checkTime(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`session store: ${name} must be a time in ms since the epoch`);
  }
  return value;
}

/** A copy of a valid owner, or a TypeError prefixed with `name` (the option it came from). */
export function validOwner(owner: unknown, name: string): SessionOwner {
  const problem = ownerProblem(owner);
  if (problem !== undefined) throw new TypeError(`${name}: ${problem}`);
  return copyOwner(owner as SessionOwner);
}

/**
 * Validates what a caller wants stored (TypeError naming the field — never its value, which may
 * be a secret) and builds a fresh object, so later changes to the caller's object change nothing.
 */
export function toStoredSession(input: StoredSessionInput, owner: SessionOwner, now: number): StoredSession {
  if (typeof input !== 'object' || input === null) throw new TypeError('session store: session must be an object');
  checkSiteUser(input.site, input.user);
  const problem = cookiesProblem(input.cookies, 'session.cookies');
  if (problem !== undefined) throw new TypeError(`session store: ${problem}`);
  if (input.csrfToken !== undefined && !isToken(input.csrfToken)) {
    throw new TypeError('session store: session.csrfToken must be a non-empty string without line breaks');
  }
  const createdAt = checkTime(input.createdAt ?? now, 'session.createdAt');
  const lastSeenAt = checkTime(input.lastSeenAt ?? now, 'session.lastSeenAt');
  return {
    site: input.site,
    user: input.user,
    cookies: input.cookies.map((c) => ({ name: c.name, value: c.value })),
    ...(input.csrfToken === undefined ? {} : { csrfToken: input.csrfToken }),
    createdAt,
    lastSeenAt,
    owner: copyOwner(owner),
  };
}

/**
 * What is wrong with a value read back as a stored session, as a path (`cookies[0].value`) and a
 * reason, or `undefined` when it is one. Never quotes a value: the file holds secrets.
 */
export function storedSessionProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'is not an object';
  if (typeof value.site !== 'string' || value.site === '') return 'site is not a non-empty string';
  if (typeof value.user !== 'string' || value.user === '') return 'user is not a non-empty string';
  const cookies = cookiesProblem(value.cookies, 'cookies');
  if (cookies !== undefined) return cookies;
  if (value.csrfToken !== undefined && !isToken(value.csrfToken)) return 'csrfToken is not a valid token';
  for (const field of ['createdAt', 'lastSeenAt'] as const) {
    const t = value[field];
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) return `${field} is not a time`;
  }
  const owner = ownerProblem(value.owner);
  return owner === undefined ? undefined : `owner: ${owner}`;
}

/** A fresh copy of a value that passed {@link storedSessionProblem} (extra fields dropped). */
export function copySession(session: StoredSession): StoredSession {
  return {
    site: session.site,
    user: session.user,
    cookies: session.cookies.map((c) => ({ name: c.name, value: c.value })),
    ...(session.csrfToken === undefined ? {} : { csrfToken: session.csrfToken }),
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    owner: copyOwner(session.owner),
  };
}

/** Sorts in place by site, then user: stable output for `status`. */
export function sortSessions(sessions: StoredSession[]): StoredSession[] {
  return sessions.sort((a, b) => compare(a.site, b.site) || compare(a.user, b.user));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function copyOwner(owner: SessionOwner): SessionOwner {
  return owner.uid === undefined ? { host: owner.host } : { uid: owner.uid, host: owner.host };
}

function ownerProblem(owner: unknown): string | undefined {
  if (!isRecord(owner)) return 'is not an object';
  if (typeof owner.host !== 'string' || owner.host === '') return 'host is not a non-empty string';
  if (owner.uid !== undefined && (!Number.isInteger(owner.uid) || (owner.uid as number) < 0)) {
    return 'uid is not a user id';
  }
  return undefined;
}

// RFC 6265 cookie-name characters are a subset of this; the checks only keep a stored cookie from
// breaking the Cookie header it is put into (`;`, `=`, line breaks).
const COOKIE_NAME = /^[^\s=;,]+$/;
const COOKIE_VALUE = /^[^;\r\n]*$/;

function cookiesProblem(cookies: unknown, path: string): string | undefined {
  if (!Array.isArray(cookies) || cookies.length === 0) return `${path} is not a non-empty array`;
  for (const [i, cookie] of cookies.entries()) {
    if (!isRecord(cookie)) return `${path}[${i}] is not an object`;
    if (typeof cookie.name !== 'string' || !COOKIE_NAME.test(cookie.name))
      return `${path}[${i}].name is not a cookie name`;
    if (typeof cookie.value !== 'string' || !COOKIE_VALUE.test(cookie.value)) {
      return `${path}[${i}].value is not a cookie value`;
    }
  }
  return undefined;
}

function isToken(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !/[\r\n]/.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
