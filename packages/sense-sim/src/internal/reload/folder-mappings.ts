/**
 * One entry of a site's `dataFolderMappings`: a real absolute path prefix (what a real server's
 * folder connections point at) and the sub-folder of the simulator's data folder that stands for it.
 */
export interface DataFolderMapping {
  /** `C:\QlikData`, `\\fileserver\qlik`, `/data` … as the site wrote it. */
  readonly path: string;
  /** A sub-folder of the data folder, `/`-separated; `''` or `.` for the data folder itself. */
  readonly folder: string;
}

/**
 * An absolute path of a real server, split into its root and segments. Windows paths (a drive
 * letter or a UNC share) compare case-insensitively, as their file systems do; POSIX paths
 * case-sensitively.
 */
export interface RealPath {
  /** `c:`, `//` (UNC) or `/` (POSIX): paths with different roots never match. */
  readonly root: string;
  readonly windows: boolean;
  readonly segments: readonly string[];
}

/**
 * Parses a real absolute path (`C:\x`, `C:/x`, `\\server\share`, `//server/share`, `/x`); `\` and
 * `/` are both separators. Undefined for anything else — a relative path, which the simulator
 * places under its data folder as it always did.
 */
export function realPath(text: string): RealPath | undefined {
  const s = text.trim().replace(/\\/g, '/');
  const drive = /^([A-Za-z]:)\//.exec(s);
  if (drive) return { root: (drive[1] ?? '').toLowerCase(), windows: true, segments: split(s.slice(3)) };
  if (s.startsWith('//')) return { root: '//', windows: true, segments: split(s.slice(2)) };
  if (s.startsWith('/')) return { root: '/', windows: false, segments: split(s.slice(1)) };
  return undefined;
}

/**
 * `base` followed by a relative `rest` (a `lib://` path after its connection), with `.` and `..`
 * resolved; undefined when `..` climbs above the root.
 */
export function joinRealPath(base: RealPath, rest: string): RealPath | undefined {
  const segments = [...base.segments];
  for (const part of split(rest.replace(/\\/g, '/'))) {
    if (part === '.') continue;
    if (part === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else segments.push(part);
  }
  return { ...base, segments };
}

/**
 * A site's mappings from real absolute paths to sub-folders of the data folder. A real path is
 * placed by the mapping with the longest matching prefix (whole segments only: `C:\QlikData` does
 * not cover `C:\QlikDataOld`).
 *
 * @example
 * ```ts
 * const mappings = new FolderMappings([{ path: 'C:\\QlikData', folder: 'qlikdata' }]);
 * mappings.place(realPath('c:/qlikdata/QVD/Orders.qvd')!); // 'qlikdata/QVD/Orders.qvd'
 * ```
 */
export class FolderMappings {
  readonly #entries: { real: RealPath; folder: string[] }[];

  constructor(mappings: readonly DataFolderMapping[]) {
    this.#entries = [];
    for (const m of mappings) {
      const real = realPath(m.path);
      // The site loader refuses such entries; a caller that skipped it gets no mapping, not a crash.
      if (real && folderMappingProblem(m) === undefined) this.#entries.push({ real, folder: split(m.folder) });
    }
    this.#entries.sort((a, b) => b.real.segments.length - a.real.segments.length);
  }

  /** The `/`-separated path inside the data folder standing for `path`; undefined when unmapped. */
  place(path: RealPath): string | undefined {
    for (const { real, folder } of this.#entries) {
      if (real.root !== path.root || real.segments.length > path.segments.length) continue;
      const same = real.windows
        ? real.segments.every((s, i) => s.toLowerCase() === path.segments[i]?.toLowerCase())
        : real.segments.every((s, i) => s === path.segments[i]);
      if (same) return [...folder, ...path.segments.slice(real.segments.length)].join('/');
    }
    return undefined;
  }
}

/**
 * What is wrong with a mapping entry, for the site loader's message; undefined when it is fine.
 * The path must be absolute (a relative one would never match a connection string the simulator
 * maps), and the folder must stay inside the data folder.
 */
export function folderMappingProblem(mapping: DataFolderMapping): string | undefined {
  if (!realPath(mapping.path)) {
    return `'${mapping.path}' is not an absolute path (C:\\…, \\\\server\\share\\… or /…)`;
  }
  const folder = mapping.folder.replace(/\\/g, '/');
  if (/^([A-Za-z]:)?\//.test(folder) || split(folder).includes('..')) {
    return `folder '${mapping.folder}' is not a sub-folder of the data folder`;
  }
  return undefined;
}

function split(path: string): string[] {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
}
