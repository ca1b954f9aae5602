import { createHash, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { chmod, type FileHandle, lstat, mkdir, open, realpath, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock } from 'proper-lockfile';
import { QixflowError, type QixflowErrorCode } from '../errors.js';
import { KeyedLock, type ReleaseLock } from '../internal/keyed-lock.js';
import {
  checkSiteUser,
  checkTime,
  copySession,
  sameOwner,
  sortSessions,
  storedSessionProblem,
  toStoredSession,
  validOwner,
} from '../internal/stored-session.js';
import { currentSessionOwner, type SessionStore, type SessionStoreClock } from './session-store.js';
import { defaultStateDir } from './state-dir.js';
import type { SessionOwner, StoredSession, StoredSessionInput } from './stored-session.js';

/** Options of {@link createFileSessionStore}. */
export interface FileSessionStoreOptions {
  /**
   * The store's directory, default {@link defaultStateDir}. It is the store's own: created, or
   * narrowed, to mode 0700; it must be a real directory (not a symbolic link) owned by the user.
   */
  dir?: string;
  /** The store file, instead of `sessions.json` in `dir`. Its directory is treated as `dir` is. */
  file?: string;
  /** Defaults to `Date`. */
  clock?: SessionStoreClock;
  /** Who this process is. Default {@link currentSessionOwner}. */
  owner?: SessionOwner;
  /**
   * What to do with a file that is not a valid store (bad JSON, wrong shape or version): `throw`
   * (default) an `ERR_SESSION_STORE_CORRUPT` error, or `reset`: read it as empty and replace it at
   * the next write (its sessions are forgotten; they end at the proxy's inactivity timeout).
   */
  onCorrupt?: 'throw' | 'reset';
  /**
   * A lock whose holder has not refreshed it for this long is taken over (ms, at least 2000;
   * default 10 000): how long a killed process can block the others.
   */
  lockStaleMs?: number;
  /**
   * How long `withLock` waits for another process's handshake before failing with `ERR_TIMEOUT`
   * (ms; default 120 000 — a handshake and a check may take several HTTP timeouts).
   */
  lockWaitMs?: number;
}

/** A {@link SessionStore} in a private file; `file` is its path (not a secret). */
export interface FileSessionStore extends SessionStore {
  readonly file: string;
}

/** Version 1 of the file: `{ "version": 1, "sessions": [StoredSession, …] }`. */
interface StoreFile {
  version: 1;
  sessions: StoredSession[];
}

const DEFAULT_LOCK_STALE_MS = 10_000;
const DEFAULT_LOCK_WAIT_MS = 120_000;
// The file lock guards a read-modify-write of a few ms; waiting longer than this means a holder
// that is alive but stuck, and an error beats hanging.
const FILE_LOCK_WAIT_MS = 10_000;
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

// Keyed by lock path, module-wide: two stores on one file in one process share the queues.
const processLocks = new KeyedLock();

/**
 * A session store in a private JSON file shared by every process of the user on this host:
 * created 0600 in a 0700 directory (narrowed if wider), refused when it is a symbolic link or
 * owned by someone else, written atomically (temp file + rename), changed under a lock file, and
 * never quoted in errors or logs — they name the path and what is wrong, never a cookie or token.
 *
 * Two kinds of cross-process locks: `withLock(site, user)` holds a lock of its own per
 * (site, user) for as long as the caller validates or replaces the session (seconds), so that
 * processes of other sites or users are not held up; every write holds the file's lock for the
 * few ms of its read-modify-write. The first is never needed for the second, so writes inside
 * `withLock` cannot deadlock. A live holder refreshes its locks; a killed one's go stale after
 * `lockStaleMs`.
 *
 * @example
 * ```ts
 * const store = createFileSessionStore();               // ~/.local/state/qixflow/sessions.json on Linux
 * const session = await store.withLock(site, user, async () => {
 *   const stored = await store.get(site, user);
 *   if (stored && (await stillAccepted(stored))) return stored; // e.g. GET /{prefix}/qps/user → 200
 *   const fresh = await handshake();
 *   await store.set({ site, user, cookies: fresh.cookies, csrfToken: fresh.csrfToken });
 *   return fresh;
 * });
 * ```
 */
export function createFileSessionStore(options: FileSessionStoreOptions = {}): FileSessionStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createFileSessionStore: options must be an object');
  }
  for (const name of ['dir', 'file'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new TypeError(`createFileSessionStore: options.${name} must be a non-empty string`);
    }
  }
  if (options.dir !== undefined && options.file !== undefined) {
    throw new TypeError('createFileSessionStore: give options.dir or options.file, not both');
  }
  if (options.onCorrupt !== undefined && options.onCorrupt !== 'throw' && options.onCorrupt !== 'reset') {
    throw new TypeError(`createFileSessionStore: options.onCorrupt must be 'throw' or 'reset'`);
  }
  const lockStaleMs = positive(options.lockStaleMs, DEFAULT_LOCK_STALE_MS, 'lockStaleMs', 2000);
  const lockWaitMs = positive(options.lockWaitMs, DEFAULT_LOCK_WAIT_MS, 'lockWaitMs', 0);
  const file = resolve(options.file ?? join(options.dir ?? defaultStateDir(), 'sessions.json'));
  const settings: Settings = {
    file,
    clock: options.clock ?? Date,
    owner: validOwner(options.owner ?? currentSessionOwner(), 'createFileSessionStore: options.owner'),
    reset: options.onCorrupt === 'reset',
    lockStaleMs,
    lockWaitMs,
  };
  return new FileStore(settings);
}

interface Settings {
  /** The path as configured (resolved): what messages name. */
  file: string;
  clock: SessionStoreClock;
  owner: SessionOwner;
  reset: boolean;
  lockStaleMs: number;
  lockWaitMs: number;
}

/** The real paths the store works on, known once its directory is checked. */
interface Paths {
  dir: string;
  file: string;
}

class FileStore implements FileSessionStore {
  readonly file: string;
  readonly #s: Settings;

  constructor(settings: Settings) {
    this.#s = settings;
    this.file = settings.file;
  }

  async get(site: string, user: string): Promise<StoredSession | undefined> {
    checkSiteUser(site, user);
    // No lock: writes are atomic renames, so a reader sees the old or the new file, never half.
    const state = await this.#read(await this.#paths());
    const found = state.sessions.find((s) => this.#mine(s, site, user));
    return found === undefined ? undefined : copySession(found);
  }

  async set(input: StoredSessionInput): Promise<void> {
    const session = toStoredSession(input, this.#s.owner, this.#s.clock.now());
    await this.#update((state) => {
      state.sessions = state.sessions.filter((s) => !this.#mine(s, session.site, session.user));
      state.sessions.push(session);
      return true;
    });
  }

  async touch(site: string, user: string, at?: number): Promise<void> {
    checkSiteUser(site, user);
    const when = checkTime(at ?? this.#s.clock.now(), 'at');
    await this.#update((state) => {
      const found = state.sessions.find((s) => this.#mine(s, site, user));
      if (found === undefined || found.lastSeenAt >= when) return false;
      found.lastSeenAt = when;
      return true;
    });
  }

  async delete(site: string, user: string): Promise<boolean> {
    checkSiteUser(site, user);
    let deleted = false;
    await this.#update((state) => {
      const kept = state.sessions.filter((s) => !this.#mine(s, site, user));
      deleted = kept.length !== state.sessions.length;
      state.sessions = kept;
      return deleted;
    });
    return deleted;
  }

  async list(): Promise<StoredSession[]> {
    const state = await this.#read(await this.#paths());
    return sortSessions(state.sessions.filter((s) => sameOwner(s.owner, this.#s.owner)).map(copySession));
  }

  async withLock<T>(site: string, user: string, fn: () => Promise<T>): Promise<T> {
    checkSiteUser(site, user);
    if (typeof fn !== 'function') throw new TypeError('withLock: fn must be a function');
    const paths = await this.#paths();
    // Hashed: user names hold characters no file name may (`CORP\alice`); not a secret either way.
    const id = createHash('sha256')
      .update(JSON.stringify([site, user]))
      .digest('hex')
      .slice(0, 32);
    const target = join(paths.dir, `session-${id}`);
    return processLocks.run(
      target,
      () =>
        acquire(
          target,
          this.#s,
          this.#s.lockWaitMs,
          (waitedMs) =>
            new QixflowError(
              'ERR_TIMEOUT',
              `Waited ${Math.round(waitedMs / 1000)} s for the session lock of ${user} on ${site} (${target}.lock): ` +
                `another process is signing in or checking that session. A lock left by a killed process ` +
                `counts as stale after ${this.#s.lockStaleMs / 1000} s.`,
            ),
        ),
      fn,
    );
  }

  #mine(session: StoredSession, site: string, user: string): boolean {
    return session.site === site && session.user === user && sameOwner(session.owner, this.#s.owner);
  }

  /** Checked on every operation, not once: the directory may be removed or opened up while a service runs. */
  #paths(): Promise<Paths> {
    return preparePaths(this.#s.file);
  }

  /** Read-modify-write under the file lock; `change` returns whether anything changed. */
  async #update(change: (state: StoreFile) => boolean): Promise<void> {
    const paths = await this.#paths();
    await processLocks.run(
      paths.file,
      () =>
        acquire(
          paths.file,
          this.#s,
          FILE_LOCK_WAIT_MS,
          (waitedMs) =>
            new QixflowError(
              'ERR_TIMEOUT',
              `Waited ${Math.round(waitedMs / 1000)} s for the lock of the session store ${this.#s.file} ` +
                `(${paths.file}.lock). A lock left by a killed process counts as stale after ${this.#s.lockStaleMs / 1000} s.`,
            ),
        ),
      async () => {
        const { state, clean } = await this.#readChecked(paths);
        if (change(state) || !clean) await writeStore(paths, this.#s.file, state);
      },
    );
  }

  async #read(paths: Paths): Promise<StoreFile> {
    return (await this.#readChecked(paths)).state;
  }

  /** The file's sessions; `clean: false` when a corrupt file was read as empty (`onCorrupt: 'reset'`). */
  async #readChecked(paths: Paths): Promise<{ state: StoreFile; clean: boolean }> {
    const text = await readPrivateFile(paths.file, this.#s.file);
    if (text === undefined) return { state: emptyStore(), clean: true };
    const parsed = parseStore(text);
    if (typeof parsed !== 'string') return { state: parsed, clean: true };
    if (this.#s.reset) return { state: emptyStore(), clean: false };
    // No cause: JSON.parse quotes the text around the error, and the text holds secrets.
    throw storeError(
      'ERR_SESSION_STORE_CORRUPT',
      `The session store ${this.#s.file} is corrupt (${parsed}). Delete it or run \`qixflow logout --all\`: ` +
        'the sessions it held are forgotten and end at the proxy’s inactivity timeout.',
    );
  }
}

type SessionStoreErrorCode = Extract<QixflowErrorCode, `ERR_SESSION_STORE_${string}`>;

function storeError(code: SessionStoreErrorCode, message: string, cause?: unknown): QixflowError {
  return new QixflowError(code, message, cause === undefined ? {} : { cause });
}

/** An errno failure: the path and the errno code (whose message names only the path). */
function ioError(action: string, path: string, error: unknown): QixflowError {
  const code = errnoCode(error);
  return storeError('ERR_SESSION_STORE_IO', `Cannot ${action} ${path}${code === undefined ? '' : ` (${code})`}`, error);
}

function insecure(what: string, path: string, problem: string, fix: string): QixflowError {
  return storeError(
    'ERR_SESSION_STORE_INSECURE',
    `The session store ${what} ${path} ${problem}: qixflow keeps sessions only in a private file of yours. ${fix}`,
  );
}

function positive(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`createFileSessionStore: options.${name} must be a number >= ${min} (got ${String(value)})`);
  }
  return value;
}

const myUid = (): number | undefined => process.getuid?.();

/** Creates or checks the store's directory (0700, a real directory of the user's) and returns real paths. */
async function preparePaths(file: string): Promise<Paths> {
  const dir = dirname(file);
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  } catch (error) {
    throw ioError('create the session store directory', dir, error);
  }
  let stats: Stats;
  try {
    stats = await lstat(dir);
  } catch (error) {
    throw ioError('inspect the session store directory', dir, error);
  }
  if (stats.isSymbolicLink()) {
    throw insecure('directory', dir, 'is a symbolic link', 'Replace it with a directory, or choose another one.');
  }
  if (!stats.isDirectory()) throw insecure('directory', dir, 'is not a directory', 'Choose another directory.');
  const uid = myUid();
  if (uid !== undefined) {
    if (stats.uid !== uid) {
      throw insecure(
        'directory',
        dir,
        `is owned by uid ${stats.uid}, not by you (uid ${uid})`,
        'Choose a directory of your own.',
      );
    }
    if ((stats.mode & 0o077) !== 0) {
      try {
        await chmod(dir, PRIVATE_DIR);
      } catch (error) {
        throw ioError('make private (chmod 700)', dir, error);
      }
    }
  }
  try {
    // Parents may be links (a dotfiles manager's ~/.local): lock files must be named identically by every process.
    const real = await realpath(dir);
    return { dir: real, file: join(real, basename(file)) };
  } catch (error) {
    throw ioError('resolve', dir, error);
  }
}

/**
 * The file's text, or `undefined` when it does not exist. Refuses a link or another user's file;
 * narrows a wider mode to 0600. Opened without following links and checked on the open handle,
 * so the file cannot be swapped between the check and the read.
 */
async function readPrivateFile(real: string, shown: string): Promise<string | undefined> {
  let stats: Stats;
  try {
    stats = await lstat(real);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw ioError('inspect the session store', shown, error);
  }
  if (stats.isSymbolicLink()) throw symlinkFile(shown);
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK') throw symlinkFile(shown);
    throw ioError('open the session store', shown, error);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw insecure('file', shown, 'is not a regular file', 'Remove it.');
    const uid = myUid();
    if (uid !== undefined) {
      if (st.uid !== uid) {
        throw insecure('file', shown, `is owned by uid ${st.uid}, not by you (uid ${uid})`, 'Remove it.');
      }
      if ((st.mode & 0o077) !== 0) await handle.chmod(PRIVATE_FILE);
    }
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof QixflowError) throw error;
    throw ioError('read the session store', shown, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function symlinkFile(shown: string): QixflowError {
  return insecure('file', shown, 'is a symbolic link', 'Remove the link.');
}

/** A sibling temp file created 0600 (exclusive, so never through a planted link), synced, renamed over the store. */
async function writeStore(paths: Paths, shown: string, state: StoreFile): Promise<void> {
  const temp = join(paths.dir, `.${basename(paths.file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', PRIVATE_FILE);
    await handle.writeFile(`${JSON.stringify(state)}\n`, 'utf8');
    // Without it a crash right after the rename can leave an empty file on some file systems.
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, paths.file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw ioError('write the session store', shown, error);
  }
}

function emptyStore(): StoreFile {
  return { version: 1, sessions: [] };
}

/** The parsed file, or what is wrong with it (a reason that quotes no content). */
function parseStore(text: string): StoreFile | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a session store object';
  const record = value as Record<string, unknown>;
  if (record.version !== 1) {
    return typeof record.version === 'number' && record.version > 1
      ? `format version ${record.version}, written by a newer qixflow`
      : 'no supported format version';
  }
  if (!Array.isArray(record.sessions)) return 'no sessions list';
  const sessions: StoredSession[] = [];
  for (const [i, entry] of record.sessions.entries()) {
    const problem = storedSessionProblem(entry);
    if (problem !== undefined) return `sessions[${i}]: ${problem}`;
    sessions.push(copySession(entry as StoredSession));
  }
  return { version: 1, sessions };
}

/**
 * Takes the cross-process lock on `target` (`<target>.lock`, a directory), polling until
 * `waitMs` has passed: a live holder keeps it fresh, a dead one's goes stale after `lockStaleMs`.
 */
async function acquire(
  target: string,
  s: Settings,
  waitMs: number,
  timedOut: (waitedMs: number) => QixflowError,
): Promise<ReleaseLock> {
  const started = Date.now();
  let delay = 10;
  for (;;) {
    let compromised = false;
    try {
      const release = await lock(target, {
        realpath: false,
        stale: s.lockStaleMs,
        retries: 0,
        // The default throws from a timer and crashes the process; the holder's work is done by
        // then or nearly, and the worst outcome is one extra handshake.
        onCompromised: () => {
          compromised = true;
        },
      });
      return async () => {
        try {
          await release();
        } catch (error) {
          if (!compromised && errnoCode(error) !== 'ERELEASED') throw ioError('unlock', `${target}.lock`, error);
        }
      };
    } catch (error) {
      if (errnoCode(error) !== 'ELOCKED') throw ioError('lock', `${target}.lock`, error);
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw timedOut(waited);
    // Jittered so that processes released together do not collide again in step.
    await sleep(Math.min(delay * (0.5 + Math.random()), Math.max(1, waitMs - waited)));
    delay = Math.min(delay * 1.5, 200);
  }
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;
}
