import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Simulator, SimulatorReloadInfo } from './create-simulator.js';

/** The files a client needs to talk to a running simulator. */
export interface SimulatorFiles {
  /** The JWT signing key (PKCS#8 PEM), mode 0600. */
  key: string;
  /** The key's self-signed certificate: what a QMC's "JWT certificate" field would hold. */
  certificate: string;
  /** The TLS CA to trust; undefined over plain HTTP. */
  ca: string | undefined;
}

/** A file that must not be written: a symbolic link (or not a regular file) where a file goes. */
export class UnsafeFileError extends Error {
  readonly code = 'ERR_UNSAFE_FILE';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path} ${reason}: not writing through it`);
    this.name = 'UnsafeFileError';
  }
}

/**
 * Writes the simulator's JWT private key (mode 0600 whatever existed before), its certificate and
 * the TLS CA into `dir` — the start-up files of both command lines (`qixflow sim`, `qixflow-sim`).
 * Never through a symbolic link: a link where a file goes is refused, and each file is written to
 * a new exclusive file in the same folder then renamed over the target, so a link planted after the
 * check is replaced, not followed.
 *
 * @throws UnsafeFileError when a target is a symbolic link or not a regular file.
 *
 * @example
 * ```ts
 * const files = await writeSimulatorFiles(sim, '.qixflow-sim');
 * console.log(`sign JWTs with ${files.key}`);
 * ```
 */
export async function writeSimulatorFiles(sim: Pick<Simulator, 'keys' | 'ca'>, dir: string): Promise<SimulatorFiles> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const files: SimulatorFiles = {
    key: join(out, 'jwt-private-key.pem'),
    certificate: join(out, 'jwt-certificate.pem'),
    ca: sim.ca === undefined ? undefined : join(out, 'ca.pem'),
  };
  await writeFileSafely(files.key, sim.keys.privateKey, 0o600);
  await writeFileSafely(files.certificate, sim.keys.certificate, 0o644);
  if (files.ca !== undefined && sim.ca !== undefined) await writeFileSafely(files.ca, sim.ca, 0o644);
  return files;
}

/**
 * The apps of a site for a start-up banner: every name when there are a few, the first ones and a
 * count when there are many (a 300-app site must not print one 300-name line).
 *
 * @example
 * ```ts
 * describeApps(sim.apps); // '5 apps: Sales Extract, Sales Transform, Sales Dashboard, Finance, HR Overview'
 * ```
 */
export function describeApps(apps: readonly { name: string }[], shown = 8): string {
  if (apps.length === 0) return 'no apps';
  const names = apps.slice(0, shown).map((a) => a.name);
  const more = apps.length - names.length;
  return `${apps.length} app${apps.length === 1 ? '' : 's'}: ${names.join(', ')}${more > 0 ? `, … and ${more} more` : ''}`;
}

/**
 * One line per app whose last reload failed, for the start-up output of both command lines
 * (stderr): the app's name and id, the line of the script where it stopped and the message —
 * `reload of "Sales" (<id>) failed at line 12: Field 'X' not found`. A few lines at most: the rest
 * are counted (QRS `/qrs/reloadtask/full` and `GetProgress` have them all). Names and messages are
 * kept to one line each, with control characters made visible.
 *
 * @example
 * ```ts
 * for (const line of describeReloadFailures(sim.reloads())) console.error(line);
 * ```
 */
export function describeReloadFailures(
  reloads: readonly Pick<SimulatorReloadInfo, 'appId' | 'appName' | 'status' | 'error'>[],
  shown = 20,
): string[] {
  const failed = reloads.filter((r) => r.status === 'failed');
  const lines = failed.slice(0, shown).map((r) => {
    const where = r.error && r.error.line > 0 ? ` at line ${r.error.line}` : '';
    const message = oneLine(r.error?.message ?? 'unknown error', MAX_MESSAGE_LENGTH);
    return `reload of "${oneLine(r.appName, MAX_NAME_LENGTH)}" (${oneLine(r.appId, MAX_NAME_LENGTH)}) failed${where}: ${message}`;
  });
  const more = failed.length - lines.length;
  if (more > 0) lines.push(`… and ${more} more failed reload${more === 1 ? '' : 's'}`);
  return lines;
}

// A message quotes file names and statements: long enough for those, short enough for a terminal line.
const MAX_MESSAGE_LENGTH = 300;
const MAX_NAME_LENGTH = 120;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` on one line: line breaks as spaces, other control characters visible (`\u001b`), cut to `max`. */
function oneLine(text: string, max: number): string {
  const flat = text
    .replace(/\s*\r?\n\s*/g, ' ')
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

async function writeFileSafely(path: string, content: string, mode: number): Promise<void> {
  const existing = await lstat(path).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isSymbolicLink() === true) throw new UnsafeFileError(path, 'is a symbolic link');
  if (existing !== undefined && !existing.isFile()) throw new UnsafeFileError(path, 'exists and is not a regular file');
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content, { mode, flag: 'wx' });
    // The umask may have taken bits away from a public file's mode; a private one must be exact.
    await chmod(temporary, mode);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
