import { parseScript } from '@qixflow/script';
import type { EngineLineageInfo } from '../../lineage-doc.js';

/** A GetLineage row, classified. */
export type EngineSource =
  | { readonly kind: 'store'; readonly path: string; readonly format: string | undefined }
  | { readonly kind: 'resident'; readonly table: string }
  | { readonly kind: 'autogenerate' }
  | { readonly kind: 'inline' }
  | { readonly kind: 'file'; readonly path: string; readonly format: string | undefined }
  | { readonly kind: 'web'; readonly path: string; readonly format: string | undefined }
  | { readonly kind: 'extension'; readonly text: string }
  | { readonly kind: 'binary'; readonly path: string }
  | { readonly kind: 'connection'; readonly connection: string; readonly tables: readonly string[] };

/** A classified row with its raw texts. */
export interface ClassifiedLineage {
  readonly source: EngineSource;
  readonly discriminator: string;
  readonly statement: string;
}

/** `path (txt, utf8, …)` → path and the first format word. */
function splitFormat(text: string): { path: string; format: string | undefined } {
  const m = /^(.*?\.[A-Za-z0-9]+\]?)\s*\(([^()]*)\)\s*$/.exec(text);
  if (m) {
    const format = m[2]?.split(',')[0]?.trim().toLowerCase();
    return { path: (m[1] ?? '').replace(/^\[(.*)\]$/, '$1'), format: format === '' ? undefined : format };
  }
  return { path: text.replace(/^\[(.*)\]$/, '$1'), format: undefined };
}

/** Tables named in the SQL of a connection row (best effort, with the script parser). */
function sqlTables(statement: string): string[] {
  const text = statement.trim();
  if (text === '') return [];
  const { ast } = parseScript(/^sql\b/i.test(text) ? `${text};` : `SQL ${text};`);
  for (const s of ast.body) {
    if (s.kind === 'LoadStatement') {
      let q = s.query;
      while (q.kind === 'Load' && q.source.kind === 'PrecedingSource') q = q.source.query;
      if (q.kind === 'Sql') return q.tables.map((t) => t.name);
    }
  }
  return [];
}

/**
 * Classifies a `LineageInfo` row. Discriminators are free text (see shared/reference/lineage.md
 * §1.1): `{STORE - [path] (qvd)};`, `RESIDENT T;`, `AUTOGENERATE;`, `INLINE`, `lib://…;` (with an
 * optional `(format)`), `DSN=…`, `https://…`, `EXTENSION …`, or a connection name with the SQL in
 * the statement. A row whose statement is a `BINARY` is the binary load of the app its
 * discriminator names (the real engine's form is undocumented; the simulator writes `<path>;`).
 *
 * @example
 * ```ts
 * classifyLineageRow({ qDiscriminator: '{STORE - [lib://QVDs/a.qvd] (qvd)};' }).source;
 * // { kind: 'store', path: 'lib://QVDs/a.qvd', format: 'qvd' }
 * ```
 */
export function classifyLineageRow(row: EngineLineageInfo): ClassifiedLineage {
  const discriminator = row.qDiscriminator ?? '';
  const statement = row.qStatement ?? '';
  let d = discriminator.trim();
  const store = /^\{\s*STORE\s*-\s*\[(.*)\]\s*\(([^)]*)\)\s*\};?$/is.exec(d);
  if (store) {
    const format = store[2]?.trim().toLowerCase();
    return { source: { kind: 'store', path: store[1] ?? '', format: format || undefined }, discriminator, statement };
  }
  d = d.replace(/;\s*$/, '').trim();
  d = d.replace(/^DSN=/i, '').trim();
  // A BINARY load: recognised by its statement, as its discriminator (the app's path or id) may
  // look like a file or a connection name.
  if (/^\s*binary\b/i.test(statement)) {
    return { source: { kind: 'binary', path: d.replace(/^\[(.*)\]$/, '$1') }, discriminator, statement };
  }
  const resident = /^RESIDENT\s+(.+)$/is.exec(d);
  if (resident) {
    return {
      source: { kind: 'resident', table: (resident[1] ?? '').trim().replace(/^\[(.*)\]$/, '$1') },
      discriminator,
      statement,
    };
  }
  if (/^AUTOGENERATE\b/i.test(d)) return { source: { kind: 'autogenerate' }, discriminator, statement };
  if (/^INLINE\b/i.test(d)) return { source: { kind: 'inline' }, discriminator, statement };
  if (/^EXTENSION\b/i.test(d)) return { source: { kind: 'extension', text: d }, discriminator, statement };
  if (/^https?:\/\//i.test(d)) {
    const { path, format } = splitFormat(d);
    return { source: { kind: 'web', path, format }, discriminator, statement };
  }
  if (/^(lib:\/\/|[a-z]:[\\/]|\\\\|\/\/|\[)/i.test(d) || /\.[a-z0-9]{2,7}\]?\s*(\(.*\))?$/i.test(d)) {
    const { path, format } = splitFormat(d);
    return { source: { kind: 'file', path, format }, discriminator, statement };
  }
  const connection = d.replace(/^\{(.*)\}$/, '$1').trim();
  return { source: { kind: 'connection', connection, tables: sqlTables(statement) }, discriminator, statement };
}
