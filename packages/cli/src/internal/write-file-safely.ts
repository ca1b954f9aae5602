import { randomBytes } from 'node:crypto';
import { chmod, lstat, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from '../cli-error.js';

/**
 * Writes `content` to `path` with exactly `mode`, whatever was there before, never through a
 * symbolic link: a link at `path` is refused with a clear error, and the content goes to a new
 * file in the same folder (created exclusively, so it cannot be a planted link) that is renamed
 * over `path` — a link planted after the check is replaced, not followed.
 *
 * @throws CliError `ERR_CONFIG` (exit 2) when `path` is a symbolic link or not a regular file.
 *
 * @example
 * ```ts
 * await writeFileSafely('.qixflow-sim/jwt-private-key.pem', pem, 0o600);
 * ```
 */
export async function writeFileSafely(path: string, content: string, mode: number): Promise<void> {
  const existing = await lstat(path).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isSymbolicLink() === true) {
    throw new CliError('ERR_CONFIG', `${path} is a symbolic link: not writing through it`, {
      fix: 'remove the link, or pick another --out folder',
    });
  }
  if (existing !== undefined && !existing.isFile()) {
    throw new CliError('ERR_CONFIG', `${path} exists and is not a regular file`, {
      fix: 'remove it, or pick another --out folder',
    });
  }
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
