import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultStateDir, type SiteChangeCursor } from '@qixflow/core';

/** What a cursor file holds: whose cursor it is, and the cursor (plain JSON from core). */
interface CursorFile {
  readonly version: 1;
  /** `https://sense.example.com|jwt` and `CORP\\alice`, as `site.sessionInfo()` names them. */
  readonly site: string;
  readonly user: string;
  readonly savedAt: string;
  readonly cursor: SiteChangeCursor;
}

/** A stored cursor, or why the file there could not be used. */
export type LoadedCursor =
  | { readonly cursor: SiteChangeCursor; readonly problem?: undefined }
  | { readonly cursor?: undefined; readonly problem: string | undefined };

/**
 * Where `watch --site` keeps its cursor for a site and user: `watch/<hash>.json` in the state folder
 * (`$QIXFLOW_STATE_DIR`, else `$XDG_STATE_HOME/qixflow` or `~/.local/state/qixflow`, where the stored
 * sessions are), the hash over the site (host and virtual proxy) and the user.
 *
 * @example
 * ```ts
 * watchCursorFile(process.env, 'https://sense.example.com|jwt', 'CORP\\alice');
 * // '/home/alice/.local/state/qixflow/watch/3f1c….json'
 * ```
 */
export function watchCursorFile(env: Record<string, string | undefined>, site: string, user: string): string {
  const key = createHash('sha256').update(`${site}\n${user}`).digest('hex').slice(0, 32);
  return join(defaultStateDir({ env }), 'watch', `${key}.json`);
}

/**
 * Reads the cursor stored for the site and user: none when there is no file; a `problem` (and no
 * cursor) when the file is unreadable, not a cursor file, or another site's or user's.
 *
 * @example
 * ```ts
 * const { cursor, problem } = await readWatchCursor(file, 'https://sense.example.com|jwt', 'CORP\\alice');
 * ```
 */
export async function readWatchCursor(path: string, site: string, user: string): Promise<LoadedCursor> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { problem: code === 'ENOENT' ? undefined : `cannot be read (${String(code ?? error)})` };
  }
  let parsed: Partial<CursorFile> | null;
  try {
    parsed = JSON.parse(text) as Partial<CursorFile> | null;
  } catch {
    return { problem: 'is not JSON' };
  }
  const cursor = parsed?.cursor as Partial<SiteChangeCursor> | undefined;
  if (parsed?.version !== 1 || cursor?.version !== 1 || typeof cursor.appsSince !== 'string') {
    return { problem: 'is not a cursor file of this qixflow version' };
  }
  if (parsed.site !== site || parsed.user !== user) return { problem: 'belongs to another site or user' };
  return { cursor: cursor as SiteChangeCursor };
}

/**
 * Stores the cursor atomically (a private temporary file renamed over the old one), mode 0600 in a
 * 0700 folder; refuses to write through a symbolic link.
 *
 * @example
 * ```ts
 * await writeWatchCursor(file, site, user, feed.cursor());
 * ```
 */
export async function writeWatchCursor(
  path: string,
  site: string,
  user: string,
  cursor: SiteChangeCursor,
): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink() === true) throw new Error(`${path} is a symbolic link: not writing through it`);
  const content: CursorFile = { version: 1, site, user, savedAt: new Date().toISOString(), cursor };
  const temporary = join(folder, `.cursor-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(content)}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
