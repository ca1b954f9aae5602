import { homedir } from 'node:os';
import { posix, resolve, win32 } from 'node:path';

/** Where {@link defaultStateDir} looks; every field defaults to the running process (injectable for tests). */
export interface StateDirOptions {
  /** Environment variables. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** The user's home directory. Default `os.homedir()`. */
  homedir?: string;
}

/**
 * The directory where qixflow keeps per-user state that must survive a process (stored sessions,
 * the session budget): `$QIXFLOW_STATE_DIR` when set, else the platform's per-user state directory —
 * `$XDG_STATE_HOME/qixflow` or `~/.local/state/qixflow` (Linux and other POSIX systems),
 * `~/Library/Application Support/qixflow` (macOS), `%LOCALAPPDATA%\qixflow` (Windows).
 * Only computes the path: the stores create it (mode 0700) when they first write.
 *
 * @example
 * ```ts
 * defaultStateDir();                                                       // '/home/alice/.local/state/qixflow'
 * defaultStateDir({ platform: 'linux', env: { XDG_STATE_HOME: '/srv/state' } }); // '/srv/state/qixflow'
 * ```
 */
export function defaultStateDir(options: StateDirOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.homedir ?? homedir();
  // An explicit override wins on every platform: CI jobs and test suites must not touch the real home.
  const override = nonEmpty(env.QIXFLOW_STATE_DIR);
  if (override !== undefined) return resolve(override);
  if (platform === 'win32') {
    const local = nonEmpty(env.LOCALAPPDATA);
    return local !== undefined ? win32.join(local, 'qixflow') : win32.join(home, 'AppData', 'Local', 'qixflow');
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'qixflow');
  // The XDG spec says a relative $XDG_STATE_HOME is invalid and must be ignored.
  const xdg = nonEmpty(env.XDG_STATE_HOME);
  return xdg !== undefined && posix.isAbsolute(xdg)
    ? posix.join(xdg, 'qixflow')
    : posix.join(home, '.local', 'state', 'qixflow');
}

/**
 * The default file of the file session store: `sessions.json` in {@link defaultStateDir}.
 *
 * @example
 * ```ts
 * defaultSessionStoreFile(); // '/home/alice/.local/state/qixflow/sessions.json'
 * ```
 */
export function defaultSessionStoreFile(options: StateDirOptions = {}): string {
  return joinFor(options, defaultStateDir(options), 'sessions.json');
}

/**
 * The default state file of the session budget, beside the stored sessions so that every process
 * of the user shares one budget without a flag: `budget.json` in {@link defaultStateDir}.
 *
 * @example
 * ```ts
 * const budget = createSessionBudget({ stateFile: defaultBudgetStateFile() });
 * ```
 */
export function defaultBudgetStateFile(options: StateDirOptions = {}): string {
  return joinFor(options, defaultStateDir(options), 'budget.json');
}

function joinFor(options: StateDirOptions, dir: string, name: string): string {
  return (options.platform ?? process.platform) === 'win32' ? win32.join(dir, name) : posix.join(dir, name);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
