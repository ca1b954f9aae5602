import { constants, realpathSync, statSync } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { compileWildcard } from '@qixflow/script';
import { type DataFolderMapping, FolderMappings, joinRealPath, type RealPath, realPath } from './folder-mappings.js';
import type { ReloadConnection } from './reload-environment.js';
import { ExecutionError } from './script-error.js';

/** A `lib://` path resolved inside the data folder, with the text the script wrote (for messages). */
export interface LibPath {
  /** Absolute host path: for fs calls only, never for messages. */
  readonly full: string;
  /** The path as the script wrote it. */
  readonly written: string;
}

/**
 * The one gate between script-controlled names and the host's file system. Every name a client
 * controls — `lib://` paths, folder connection strings, database connection names — is resolved
 * here and refused unless it stays inside the data folder, also after following symbolic links.
 * Refusals quote what the script wrote, never a host path.
 */
export class DataFolder {
  readonly #root: string;
  readonly #connections: readonly ReloadConnection[];
  readonly #mappings: FolderMappings;
  #realRoot: Promise<string> | undefined;

  /**
   * @param mappings The site's `dataFolderMappings`: where folder connections whose connection
   *   string is a real absolute path (`C:\QlikData\QVD`) read and write.
   */
  constructor(dataDir: string, connections: readonly ReloadConnection[], mappings: readonly DataFolderMapping[] = []) {
    this.#root = resolve(dataDir);
    this.#connections = connections;
    this.#mappings = new FolderMappings(mappings);
  }

  /** A connection by name (case-insensitive, as the engine matches them). */
  connection(name: string): ReloadConnection {
    const found = this.#connections.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new ExecutionError(`Connection '${name}' not found`);
    return found;
  }

  /**
   * `lib://Conn/sub/path` → a path inside the connection's folder, checked lexically. `\` and `/`
   * both separate (scripts are written for Windows servers). A connection string that is a real
   * absolute path (`C:\QlikData\QVD`, `\\fileserver\qvd`, `/data/qvd`) is joined with the rest
   * first, as the real server would, and the result placed through the site's mappings; a relative
   * one is a folder of the data folder.
   */
  resolve(written: string): LibPath {
    const match = /^lib:\/\/([^/\\]+)[/\\]?(.*)$/i.exec(written.trim());
    if (!match) throw new ExecutionError(`Only lib:// paths are supported by the simulator: '${written}'`);
    const [, name = '', raw = ''] = match;
    const rest = raw.replace(/\\/g, '/');
    const connection = this.connection(name);
    if (connection.type.toLowerCase() !== 'folder')
      throw new ExecutionError(`Connection '${name}' is not a folder connection`);
    const real = realPath(connection.connectionString);
    const folder = real ? this.#placed(real) : resolve(this.#root, connection.connectionString.replace(/\\/g, '/'));
    if (folder === undefined || !inside(this.#root, folder)) {
      const message = `Connection '${connection.name}' points outside the data folder: '${written}'`;
      throw folder === undefined ? new UnmappedConnection(message) : new ExecutionError(message);
    }
    let full: string | undefined;
    if (real) {
      // `..` is resolved on the real path, so it may only reach what the site maps too.
      const target = joinRealPath(real, rest);
      full = target && this.#placed(target);
    } else full = resolve(folder, rest);
    if (full === undefined || !inside(this.#root, full)) {
      throw new ExecutionError(`Path outside the data folder: '${written}'`);
    }
    return { full, written };
  }

  /** Where the site's mappings put a real path inside the data folder; undefined when unmapped. */
  #placed(real: RealPath): string | undefined {
    const placed = this.#mappings.place(real);
    return placed === undefined ? undefined : resolve(this.#root, placed);
  }

  /** A file to read: resolved, and refused when a symbolic link leads out of the data folder. */
  async readable(written: string): Promise<LibPath> {
    const path = this.resolve(written);
    await this.#containReal(path.full, written);
    return path;
  }

  /**
   * Opens a file for writing (STORE): the nearest existing folder must really be inside the data
   * folder, the target must not be a symbolic link, and the open does not follow one either.
   */
  async openForWrite(written: string): Promise<FileHandle> {
    const { full } = this.resolve(written);
    // A site without a data folder of its own starts with none: STORE makes it (the first folder
    // that exists above a new file must be the data folder or one inside it).
    await mkdir(this.#root, { recursive: true }).catch(() => undefined);
    await this.#containReal(await nearestExisting(dirname(full)), written);
    await mkdir(dirname(full), { recursive: true }).catch((error: unknown) => {
      throw new ExecutionError(`Cannot create the folder of '${written}' (${codeOf(error)})`);
    });
    await this.#containReal(dirname(full), written);
    const stat = await lstat(full).catch(() => undefined);
    if (stat?.isSymbolicLink()) throw new ExecutionError(`Cannot store into a symbolic link: '${written}'`);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);
    try {
      return await open(full, flags, 0o644);
    } catch (error) {
      throw new ExecutionError(`Cannot write file '${written}' (${codeOf(error)})`);
    }
  }

  /** FileList(mask): names in the mask's folder matching its `*`/`?` pattern, as the script wrote them. */
  async list(mask: string): Promise<string[]> {
    const { full } = this.resolve(mask);
    const folder = dirname(full);
    try {
      await this.#containReal(folder, mask);
    } catch (error) {
      // A missing folder lists nothing, as before; a folder leading out is still refused.
      if (error instanceof MissingPath) return [];
      throw error;
    }
    // Masks come from scripts: compiled to the linear-time matcher, case-insensitive as the
    // engine's Windows file system is.
    const matches = compileWildcard(basename(full));
    const files = await readdir(folder).catch(() => [] as string[]);
    const prefix = mask.slice(0, mask.length - basename(mask).length);
    return files
      .filter(matches)
      .sort()
      .map((f) => `${prefix}${f}`);
  }

  /**
   * The folder holding a database connection's tables: `<data>/db/<name>`. The name is a single
   * path segment or it is refused — a connection named `../../etc` must not open a host folder.
   */
  async databaseFolder(connection: ReloadConnection): Promise<string> {
    const name = connection.name;
    const base = join(this.#root, 'db');
    const folder = resolve(base, name);
    if (name === '' || dirname(folder) !== base || basename(folder) !== name) {
      throw new ExecutionError(`Connection '${name}' cannot be used for SQL: its name is not a plain folder name`);
    }
    try {
      await this.#containReal(folder, `connection '${name}'`);
    } catch (error) {
      if (error instanceof MissingPath) return folder;
      throw error;
    }
    return folder;
  }

  /**
   * Size and modification time of a file, for the script's file functions (FileSize, FileTime,
   * QvdCreateTime …), which are synchronous: undefined when there is no such file; refused like
   * any read when the path (or a symbolic link on it) leads out of the data folder.
   */
  fileStats(written: string): { full: string; size: number; modifiedMs: number } | undefined {
    const { full } = this.resolve(written);
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      return undefined;
    }
    let realRoot: string;
    try {
      realRoot = realpathSync(this.#root);
    } catch {
      realRoot = this.#root;
    }
    if (!inside(realRoot, real)) {
      throw new ExecutionError(`Path outside the data folder: '${written}' (a symbolic link leads out of it)`);
    }
    const stats = statSync(real, { throwIfNoEntry: false });
    if (!stats?.isFile()) return undefined;
    return { full: real, size: stats.size, modifiedMs: stats.mtimeMs };
  }

  /** Throws unless `full` (which must exist) really lies inside the data folder. */
  async containFile(full: string, written: string): Promise<void> {
    await this.#containReal(full, written);
  }

  async #containReal(full: string, written: string): Promise<void> {
    let real: string;
    try {
      real = await realpath(full);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') throw new MissingPath(`Cannot open file: '${written}'`);
      throw new ExecutionError(`Cannot read file '${written}' (${codeOf(error)})`);
    }
    if (!inside(await this.#real(), real)) {
      throw new ExecutionError(`Path outside the data folder: '${written}' (a symbolic link leads out of it)`);
    }
  }

  #real(): Promise<string> {
    this.#realRoot ??= realpath(this.#root).catch(() => this.#root);
    return this.#realRoot;
  }
}

/** A path that does not exist (a missing file is its own message, and FileList lists nothing). */
export class MissingPath extends ExecutionError {}

/**
 * A folder connection whose real path (`C:\ProgramData\Qlik\Sense\Apps`) the site maps nowhere:
 * no file of it can be read, but BINARY still finds the site's apps by their file names.
 */
export class UnmappedConnection extends ExecutionError {}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

async function nearestExisting(path: string): Promise<string> {
  let current = path;
  for (;;) {
    const stat = await lstat(current).catch(() => undefined);
    if (stat) return current;
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

function codeOf(error: unknown): string {
  return (error as { code?: string })?.code ?? 'error';
}
