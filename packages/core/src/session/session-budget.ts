import { randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import { QixflowError } from '../errors.js';

/** Default number of new proxy sessions per user and window (the identified-user licence limit). */
export const DEFAULT_BUDGET_MAX_SESSIONS = 5;
/** Default window: a licence slot stays taken 5 minutes after its session ends. */
export const DEFAULT_BUDGET_WINDOW_MS = 300_000;

/** A source of the current time in ms since the epoch (injectable for tests). */
interface BudgetClock {
  now(): number;
}

/** What {@link SessionBudget.peek} reports for one key. */
export interface SessionBudgetUsage {
  /** New sessions recorded inside the current window. */
  used: number;
  /** The configured maximum per window. */
  limit: number;
  /** When the next slot frees up (ms since epoch); `undefined` while a slot is free now. */
  retryAt: number | undefined;
}

/**
 * A sliding-window limiter on new proxy sessions (JWT handshakes) per user key, such as
 * `https://host|prefix|DIR\user`. Keys are not secrets: never put a cookie or token in one.
 */
export interface SessionBudget {
  /**
   * Records a new session for `key` now, or throws `QixflowError` `ERR_SESSION_BUDGET_EXHAUSTED`
   * (with `retryAt`) when the window is full. Call it right before a handshake.
   */
  acquire(key: string): Promise<void>;
  /** How much of the budget `key` has used, without recording anything. */
  peek(key: string): Promise<SessionBudgetUsage>;
}

/** Options of {@link createSessionBudget}. */
export interface SessionBudgetOptions {
  /** New sessions allowed per key within `windowMs`. Default 5. */
  maxSessions?: number;
  /** Length of the sliding window in ms. Default 300 000. */
  windowMs?: number;
  /**
   * A JSON file shared by every process using the same budget (locked while updated). All
   * processes sharing it should use the same `windowMs`: each prunes with its own window.
   */
  stateFile?: string;
  /**
   * What a state file that is not a valid budget state means: `'error'` (default) fails every
   * `acquire`/`peek` with `ERR_BUDGET_STATE_CORRUPT` naming the file, because an empty budget would
   * let new sessions past the licence limit; `'reset'` starts it afresh (the recorded sessions are
   * forgotten). An empty file counts as a fresh one either way.
   */
  onCorruptState?: 'error' | 'reset';
  /** Defaults to `Date`. */
  clock?: BudgetClock;
}

/** Version 1 of the state file: timestamps (ms since epoch) of the sessions created per key. */
interface BudgetState {
  version: 1;
  keys: Record<string, number[]>;
}

// Stale after 10 s: a process that died holding the lock must not block the others for long,
// while a live holder keeps the lock fresh (proper-lockfile touches it every stale/2).
const LOCK_STALE_MS = 10_000;
// A few short retries (~0.5 s in total): the critical section is a few ms; if the lock is still
// held after that, something is wrong and failing loudly beats hanging a handshake.
const LOCK_RETRIES = { retries: 8, factor: 1.6, minTimeout: 10, maxTimeout: 120, randomize: true };

/**
 * Creates a session budget: in memory, or shared across processes through `stateFile`.
 *
 * @example
 * ```ts
 * const budget = createSessionBudget({ maxSessions: 5, windowMs: 300_000, stateFile: '/var/tmp/qixflow-budget.json' });
 * await budget.acquire('https://sense.example.com|jwt|CORP\\alice'); // throws ERR_SESSION_BUDGET_EXHAUSTED when full
 * const { used, limit, retryAt } = await budget.peek('https://sense.example.com|jwt|CORP\\alice');
 * ```
 */
export function createSessionBudget(options: SessionBudgetOptions = {}): SessionBudget {
  const limit = options.maxSessions ?? DEFAULT_BUDGET_MAX_SESSIONS;
  const windowMs = options.windowMs ?? DEFAULT_BUDGET_WINDOW_MS;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`options.maxSessions must be an integer >= 1 (got ${String(limit)})`);
  }
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new TypeError(`options.windowMs must be a number > 0 (got ${String(windowMs)})`);
  }
  if (options.stateFile !== undefined && (typeof options.stateFile !== 'string' || options.stateFile === '')) {
    throw new TypeError('options.stateFile must be a non-empty string');
  }
  const onCorrupt = options.onCorruptState ?? 'error';
  if (onCorrupt !== 'error' && onCorrupt !== 'reset') {
    throw new TypeError(`options.onCorruptState must be 'error' or 'reset' (got ${String(onCorrupt)})`);
  }
  const window: Window = { limit, windowMs, clock: options.clock ?? Date };
  return options.stateFile === undefined
    ? memoryBudget(window)
    : fileBudget(window, resolve(options.stateFile), onCorrupt);
}

interface Window {
  limit: number;
  windowMs: number;
  clock: BudgetClock;
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError('session budget key must be a non-empty string');
}

/** Timestamps still inside the window at `now`, oldest first. A slot taken at t frees at t + windowMs. */
function live(stamps: readonly number[], now: number, windowMs: number): number[] {
  return stamps.filter((t) => now - t < windowMs).sort((a, b) => a - b);
}

function usage(stamps: readonly number[], w: Window): SessionBudgetUsage {
  const used = stamps.length;
  // When full, enough of the oldest must expire to bring `used` below the limit (more than one
  // if the limit was lowered since they were recorded).
  const blocking = used >= w.limit ? stamps[used - w.limit] : undefined;
  return { used, limit: w.limit, retryAt: blocking === undefined ? undefined : blocking + w.windowMs };
}

function exhausted(key: string, u: SessionBudgetUsage, w: Window, now: number): QixflowError {
  const retryAt = u.retryAt ?? now;
  const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000));
  return new QixflowError(
    'ERR_SESSION_BUDGET_EXHAUSTED',
    `Session budget exhausted for ${key}: ${u.used} of ${u.limit} new sessions used in the last ` +
      `${formatWindow(w.windowMs)}; the next slot frees up at ${new Date(retryAt).toISOString()} (in ${seconds} s). ` +
      'Re-use the site (one session per user) or raise budget.maxSessions if the licence allows it.',
    { retryAt },
  );
}

function formatWindow(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function memoryBudget(w: Window): SessionBudget {
  const byKey = new Map<string, number[]>();
  return {
    // No await before the check-and-append: concurrent acquires in one process cannot interleave.
    async acquire(key) {
      checkKey(key);
      const now = w.clock.now();
      const stamps = live(byKey.get(key) ?? [], now, w.windowMs);
      const u = usage(stamps, w);
      if (u.retryAt !== undefined) {
        byKey.set(key, stamps);
        throw exhausted(key, u, w, now);
      }
      stamps.push(now);
      byKey.set(key, stamps);
    },
    async peek(key) {
      checkKey(key);
      return usage(live(byKey.get(key) ?? [], w.clock.now(), w.windowMs), w);
    },
  };
}

// proper-lockfile answers ELOCKED to a second lock attempt from the same process as it would to
// another process, so acquires in one process queue here first; only one per process then competes
// for the file lock. Keyed by real path so two budgets on the same file share the queue.
const processQueues = new Map<string, Promise<unknown>>();

function serialize<T>(file: string, task: () => Promise<T>): Promise<T> {
  const previous = processQueues.get(file) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  processQueues.set(file, tail);
  void tail.then(() => {
    if (processQueues.get(file) === tail) processQueues.delete(file);
  });
  return run;
}

function fileBudget(w: Window, stateFile: string, onCorrupt: 'error' | 'reset'): SessionBudget {
  let ready: Promise<string> | undefined;
  // The lock is taken on the real path, so symlinks to one file share one lock; created once.
  const target = (): Promise<string> => {
    ready ??= prepareStateFile(stateFile).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };

  return {
    async acquire(key) {
      checkKey(key);
      const file = await target();
      await serialize(file, async () => {
        const release = await lockStateFile(file, stateFile);
        try {
          const { state, clean } = await readState(file, stateFile, onCorrupt);
          const now = w.clock.now();
          const pruned = prune(state, now, w.windowMs);
          const stamps = pruned.state.keys[key] ?? [];
          const u = usage(stamps, w);
          if (u.retryAt !== undefined) {
            // Rewrite only to repair a corrupt file or drop expired entries; the answer is the same.
            if (!clean || pruned.changed) await writeState(file, stateFile, pruned.state);
            throw exhausted(key, u, w, now);
          }
          pruned.state.keys[key] = [...stamps, now];
          await writeState(file, stateFile, pruned.state);
        } finally {
          await release();
        }
      });
    },
    async peek(key) {
      checkKey(key);
      // No lock: writes are atomic renames, so a reader sees the old or the new state, never half.
      const { state } = await readState(ready === undefined ? stateFile : await ready, stateFile, onCorrupt);
      return usage(live(state.keys[key] ?? [], w.clock.now(), w.windowMs), w);
    },
  };
}

async function prepareStateFile(stateFile: string): Promise<string> {
  try {
    // It names hosts and users: private, like the session store beside it.
    await mkdir(dirname(stateFile), { recursive: true, mode: 0o700 });
    // proper-lockfile resolves the real path of the file it locks, so the file must exist;
    // 'wx' makes creation race-free between processes starting together.
    await writeFile(stateFile, `${JSON.stringify(emptyState())}\n`, { flag: 'wx', mode: 0o600 }).catch(
      (error: unknown) => {
        if (errnoCode(error) !== 'EEXIST') throw error;
      },
    );
    return await realpath(stateFile);
  } catch (error) {
    throw fileError(stateFile, 'prepare', error);
  }
}

type Release = () => Promise<void>;

async function lockStateFile(file: string, stateFile: string): Promise<Release> {
  let compromised: Error | undefined;
  let release: Release;
  try {
    release = await lock(file, {
      realpath: false,
      stale: LOCK_STALE_MS,
      retries: LOCK_RETRIES,
      // The default rethrows from a timer, crashing the process; our section is short, so a
      // compromised lock only means the release fails, which we tolerate.
      onCompromised: (error) => {
        compromised = error;
      },
    });
  } catch (error) {
    if (errnoCode(error) === 'ELOCKED') {
      throw new QixflowError(
        'ERR_TIMEOUT',
        `Could not lock the session budget file ${stateFile}: another process holds ${file}.lock ` +
          `(a lock left by a crashed process counts as stale after ${LOCK_STALE_MS / 1000} s).`,
        { cause: error },
      );
    }
    throw fileError(stateFile, 'lock', error);
  }
  return async () => {
    try {
      await release();
    } catch (error) {
      // Released already or taken over as stale: nothing left to clean up.
      if (compromised === undefined && errnoCode(error) !== 'ERELEASED') throw fileError(stateFile, 'unlock', error);
    }
  };
}

function emptyState(): BudgetState {
  return { version: 1, keys: {} };
}

/**
 * Reads the state. A missing or empty file is an empty state (an empty file is what a process sees
 * between another's create and its first write). A corrupt one throws `ERR_BUDGET_STATE_CORRUPT`,
 * or with `'reset'` is an empty state and `clean: false` (the next acquire rewrites it).
 */
async function readState(
  file: string,
  stateFile: string,
  onCorrupt: 'error' | 'reset',
): Promise<{ state: BudgetState; clean: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { state: emptyState(), clean: true };
    throw fileError(stateFile, 'read', error);
  }
  if (text.trim() === '') return { state: emptyState(), clean: true };
  const state = parseState(text);
  if (typeof state !== 'string') return { state, clean: true };
  if (onCorrupt === 'reset') return { state: emptyState(), clean: false };
  throw new QixflowError(
    'ERR_BUDGET_STATE_CORRUPT',
    `The session budget state file ${stateFile} is corrupt (${state}); not treating it as empty, which would ` +
      "let new sessions past the licence limit. Repair or remove it, or reset it with budget onCorruptState 'reset' " +
      '(qixflow: --reset-budget-state).',
  );
}

/** The state in `text`, or what is wrong with it. */
function parseState(text: string): BudgetState | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (!isRecord(value) || value.version !== 1 || !isRecord(value.keys)) return 'not a version 1 budget state';
  const keys: Record<string, number[]> = {};
  for (const [key, stamps] of Object.entries(value.keys)) {
    if (!Array.isArray(stamps) || !stamps.every((t) => typeof t === 'number' && Number.isFinite(t))) {
      return 'a key without a list of timestamps';
    }
    keys[key] = stamps as number[];
  }
  return { version: 1, keys };
}

/** Drops expired timestamps of every key (and empty keys) so the file does not grow forever. */
function prune(state: BudgetState, now: number, windowMs: number): { state: BudgetState; changed: boolean } {
  const keys: Record<string, number[]> = {};
  let changed = false;
  for (const [key, stamps] of Object.entries(state.keys)) {
    const kept = live(stamps, now, windowMs);
    if (kept.length !== stamps.length) changed = true;
    if (kept.length > 0) keys[key] = kept;
  }
  return { state: { version: 1, keys }, changed };
}

/** Write a sibling temp file, then rename over the state: readers never see a partial file. */
async function writeState(file: string, stateFile: string, state: BudgetState): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fileError(stateFile, 'write', error);
  }
}

function fileError(stateFile: string, action: string, error: unknown): QixflowError {
  const code = errnoCode(error);
  return new QixflowError(
    'ERR_OPTIONS_INVALID',
    `budget.stateFile: cannot ${action} ${stateFile}${code === undefined ? '' : ` (${code})`}`,
    { cause: error },
  );
}

function errnoCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
