import { wildcardMatch } from '@qixflow/script';
import type { ExternalDatasetAttributes } from '../../generated/lineage-graph.js';

/** A folder connection and where it points (for lib:// → physical path resolution). */
export interface ConnectionRef {
  readonly id?: string;
  readonly name: string;
  readonly type: string;
  readonly connectionString: string;
}

/** What a path or table denotes, normalised. */
export interface DatasetRef {
  readonly datasetType: ExternalDatasetAttributes['datasetType'];
  /** Normalised identity: equal identities denote the same dataset. */
  readonly identity: string;
  /** As written (expansions done when known). */
  readonly path?: string;
  readonly format?: string;
  readonly connection?: string;
  readonly table?: string;
  readonly pattern: boolean;
}

const FILE_FORMATS = new Set([
  'qvd',
  'txt',
  'csv',
  'qvx',
  'parquet',
  'json',
  'xml',
  'xlsx',
  'xls',
  'html',
  'kml',
  'fix',
  'dif',
  'biff',
  'ooxml',
]);

/** `[path]`, `'path'`, `"path"` → `path`. */
export function unquotePath(path: string): string {
  const t = path.trim();
  if (
    (t.startsWith('[') && t.endsWith(']')) ||
    (t.startsWith("'") && t.endsWith("'")) ||
    (t.startsWith('"') && t.endsWith('"'))
  ) {
    return t.slice(1, -1).trim();
  }
  return t;
}

/** Replaces unexpanded `$(…)` by `*` (a pattern), handling nesting. */
export function expansionsToWildcards(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '(') {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '(') depth++;
        else if (text[j] === ')') {
          depth--;
          if (depth === 0) break;
        }
      }
      out += '*';
      i = j;
      continue;
    }
    out += text[i];
  }
  return out;
}

/** Collapses `.`/`..` segments and duplicate slashes of a `/`-separated path. */
function normaliseSegments(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function isAbsoluteFolder(connectionString: string): boolean {
  const s = connectionString.trim().replace(/\\/g, '/');
  return /^[a-z]:\//i.test(s) || s.startsWith('//') || s.startsWith('/');
}

function physical(path: string): string {
  const p = path.replace(/\\/g, '/');
  if (p.startsWith('//')) return `file://${normaliseSegments(p.slice(2)).toLowerCase()}`;
  if (/^[a-z]:\//i.test(p)) return `file:///${normaliseSegments(p).toLowerCase()}`;
  return `file:///${normaliseSegments(p).toLowerCase()}`;
}

function formatOf(path: string, format: string | undefined): string | undefined {
  if (format) return format.toLowerCase();
  const m = /\.([a-z0-9]+)$/i.exec(path);
  const ext = m?.[1]?.toLowerCase();
  if (!ext) return undefined;
  if (ext === 'csv' || ext === 'tsv' || ext === 'tab') return 'txt';
  return FILE_FORMATS.has(ext) ? ext : ext;
}

/**
 * The dataset a file path denotes (a LOAD … FROM, STORE … INTO, BINARY path, or a GetLineage
 * discriminator). `lib://Conn/x` is normalised (connection and path lower case, `\\` → `/`, no
 * duplicate slashes, `.`/`..` resolved); when `Conn` is a folder connection with an absolute path,
 * the identity is that physical path, so two connections to the same folder match. Unresolved
 * `$(…)` become `*` and the dataset is a pattern.
 *
 * @example
 * ```ts
 * fileDataset('[lib://QVDs/Sales/Orders.qvd]', 'qvd', []).identity; // 'lib://qvds/sales/orders.qvd'
 * ```
 */
export function fileDataset(
  rawPath: string,
  format: string | undefined,
  connections: readonly ConnectionRef[],
): DatasetRef {
  const written = unquotePath(rawPath);
  const path = expansionsToWildcards(written);
  const pattern = /[*?]/.test(path);
  const slashed = path.replace(/\\/g, '/');
  const fmt = formatOf(slashed, format);
  const lib = /^lib:\/\/([^/]*)\/?(.*)$/i.exec(slashed);
  if (lib) {
    const connection = lib[1] ?? '';
    const rest = normaliseSegments(lib[2] ?? '');
    const conn = connections.find((c) => c.name.toLowerCase() === connection.toLowerCase());
    const identity =
      conn && conn.type.toLowerCase() === 'folder' && isAbsoluteFolder(conn.connectionString)
        ? physical(`${conn.connectionString.replace(/[\\/]+$/, '')}/${rest}`)
        : `lib://${connection.toLowerCase()}/${rest.toLowerCase()}`;
    return {
      datasetType: fmt === 'qvd' ? 'qvd' : 'file',
      identity,
      path: written,
      ...(fmt ? { format: fmt } : {}),
      connection,
      pattern,
    };
  }
  if (/^https?:\/\//i.test(slashed)) {
    return {
      datasetType: 'web',
      identity: slashed.toLowerCase(),
      path: written,
      ...(fmt ? { format: fmt } : {}),
      pattern,
    };
  }
  const absolute = /^[a-z]:\//i.test(slashed) || slashed.startsWith('//');
  return {
    datasetType: fmt === 'qvd' ? 'qvd' : 'file',
    identity: absolute ? physical(slashed) : `relative:${normaliseSegments(slashed).toLowerCase()}`,
    path: written,
    ...(fmt ? { format: fmt } : {}),
    pattern,
  };
}

/** The dataset of a database table read through a connection. */
export function dbTableDataset(connection: string, table: string): DatasetRef {
  const clean = table
    .split('.')
    .map((p) => unquotePath(p.replace(/^`|`$/g, '')))
    .join('.');
  return {
    datasetType: 'db-table',
    identity: `db://${connection.toLowerCase()}/${clean.toLowerCase()}`,
    connection,
    table: clean,
    pattern: false,
  };
}

/**
 * A `*`/`?` glob (case-insensitive; `*` crosses `/`, as one unresolved `$(…)` may stand for several
 * path segments) matching a whole identity. Patterns come from production scripts, so they go
 * through the linear-time matcher: a regular expression would let `*a*a*a*b` stall a crawl.
 */
export function globMatches(pattern: string, identity: string): boolean {
  return wildcardMatch(identity, pattern);
}
