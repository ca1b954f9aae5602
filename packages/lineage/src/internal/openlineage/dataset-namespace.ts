import type { ConnectionNode, ExternalDatasetNode } from '../../generated/lineage-graph.js';
import { expansionsToWildcards, unquotePath } from '../datasets/dataset-identity.js';

/** OpenLineage namespace and name of a dataset. */
interface OlName {
  readonly namespace: string;
  readonly name: string;
}

/** An OpenLineage name with the other identifiers the same dataset is known by (symlinks facet). */
export interface OlDatasetName extends OlName {
  readonly aliases: readonly (OlName & { readonly type: string })[];
}

/** Key=value pairs of a connection string (`Data Source=h;Initial Catalog=db`), keys lower case. */
function parts(connectionString: string): Map<string, string> {
  const map = new Map<string, string>();
  const inner = /\[(.*)\]/s.exec(connectionString)?.[1] ?? connectionString;
  for (const part of inner.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) map.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return map;
}

/** Database schemes and their default ports, as the OpenLineage naming spec writes them. */
const SCHEMES: readonly { scheme: string; test: RegExp; port?: number }[] = [
  { scheme: 'postgres', test: /postgres|npgsql/, port: 5432 },
  { scheme: 'oracle', test: /oracle|oraoledb/, port: 1521 },
  { scheme: 'mysql', test: /mysql|maria/, port: 3306 },
  { scheme: 'snowflake', test: /snowflake/ },
  { scheme: 'mssql', test: /sqloledb|sqlncli|msoledbsql|sql server|sqlserver/, port: 1433 },
];

/**
 * The OpenLineage namespace of a database connection (`mssql://host:1433`, `snowflake://account`),
 * and the database/service that prefixes table names, when the connection string tells them.
 */
export function dbNamespace(
  connection: ConnectionNode | undefined,
): { namespace: string; catalog?: string } | undefined {
  const cs = connection?.attributes.connectionString;
  if (!cs) return undefined;
  const p = parts(cs);
  const server = p.get('data source') ?? p.get('server') ?? p.get('host') ?? p.get('hostname');
  if (!server) return undefined;
  const provider = `${p.get('provider') ?? ''} ${p.get('driver') ?? ''} ${cs}`.toLowerCase();
  const kind = SCHEMES.find((s) => s.test.test(provider));
  if (!kind) return undefined;
  // host[,port] (SQL Server), host[:port][/service] (Oracle EZConnect), tcp: prefix, Port= key.
  const m = /^(?:tcp:)?([^,:/\\]+)(?:[,:](\d+))?(?:\/(.+))?/i.exec(server.trim());
  const host = (m?.[1] ?? server).toLowerCase();
  const catalog = p.get('initial catalog') ?? p.get('database') ?? p.get('service name') ?? m?.[3];
  const withCatalog = catalog ? { catalog } : {};
  if (kind.scheme === 'snowflake')
    return { namespace: `snowflake://${host.replace(/\.snowflakecomputing\.com$/, '')}`, ...withCatalog };
  const port = m?.[2] ?? p.get('port') ?? String(kind.port);
  return { namespace: `${kind.scheme}://${host}:${port}`, ...withCatalog };
}

/** Collapses `.`/`..` segments and duplicate slashes of a `/`-separated path (case kept). */
function segments(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** A path as written, `$(…)` left unexpanded becoming `*` (nesting handled), `\` → `/`. */
function written(path: string): string {
  return expansionsToWildcards(unquotePath(path)).replace(/\\/g, '/');
}

/** An absolute physical path (`C:/x`, `//server/share/x`, `/x`) as an OpenLineage file dataset. */
function fileName(path: string): OlName {
  if (path.startsWith('//')) {
    const [server = '', ...rest] = segments(path.slice(2)).split('/');
    return { namespace: `file://${server.toLowerCase()}`, name: `/${rest.join('/')}` };
  }
  return { namespace: 'file', name: `/${segments(path)}` };
}

const isAbsolute = (path: string): boolean => /^[a-z]:\//i.test(path) || path.startsWith('//');

/** A `lib://Conn/path` file: `qlik://<host>` `Conn/path`, or the physical file of a folder connection. */
function libName(host: string, conn: string, rest: string, connection: ConnectionNode | undefined): OlDatasetName {
  const qlik = { namespace: `qlik://${host}`, name: `${conn}/${segments(rest)}` };
  const folder = connection?.attributes.connectionString?.trim().replace(/\\/g, '/');
  if (connection?.attributes.connectionType?.toLowerCase() === 'folder' && folder && isAbsolute(folder)) {
    return { ...fileName(`${folder.replace(/\/+$/, '')}/${rest}`), aliases: [{ ...qlik, type: 'QLIK_LIB_PATH' }] };
  }
  return { ...qlik, aliases: [] };
}

/**
 * Namespace and name of an external dataset by the OpenLineage naming conventions (see README,
 * "OpenLineage naming"), case kept: database tables under their server (`mssql://host:1433`
 * `db.schema.table`), physical files under `file` / `file://<server>`, web files under their origin,
 * `lib://` files of a folder connection with an absolute path as that physical file (the lib path as
 * a symlink), other `lib://` files and tables of connections that tell no server as `qlik://<host>`
 * `<connection>/<path>`. A BINARY source is the app's data model, `qlik://<host>` `app/<appId>`,
 * when `binaryApp` names it. Patterns keep their `*`.
 */
export function olDatasetName(
  host: string,
  dataset: ExternalDatasetNode,
  connection: ConnectionNode | undefined,
  binaryApp?: string,
): OlDatasetName {
  const a = dataset.attributes;
  const qlik = `qlik://${host}`;
  if (a.datasetType === 'db-table' || (a.datasetType === 'unknown' && a.path === undefined)) {
    const table = a.table ?? dataset.name;
    const db = dbNamespace(connection);
    const conn = a.connection ?? connection?.name ?? 'unknown';
    const alias = { namespace: qlik, name: `${conn}/${table}`, type: 'QLIK_CONNECTION_TABLE' };
    if (!db) return { namespace: qlik, name: alias.name, aliases: [] };
    const name = db.catalog && table.split('.').length < 3 ? `${db.catalog}.${table}` : table;
    return { namespace: db.namespace, name, aliases: [alias] };
  }
  if (a.datasetType === 'app') {
    const guid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(a.path ?? a.identity)?.[0];
    const appId = binaryApp ?? guid;
    if (appId) return { namespace: qlik, name: `app/${appId}`, aliases: [] };
  }
  const path = written(a.path ?? a.identity);
  const lib = /^lib:\/\/([^/]*)\/?(.*)$/i.exec(path);
  if (lib) return libName(host, lib[1] ?? '', lib[2] ?? '', connection);
  if (/^file:\/\//i.test(path)) {
    const rest = path.slice('file://'.length);
    return { ...fileName(rest.startsWith('/') ? rest.replace(/^\/(?=[a-z]:)/i, '') : `//${rest}`), aliases: [] };
  }
  if (isAbsolute(path)) return { ...fileName(path), aliases: [] };
  const web = /^(https?:\/\/[^/]+)(\/.*)?$/i.exec(path);
  if (web) return { namespace: (web[1] ?? path).toLowerCase(), name: web[2] ?? '/', aliases: [] };
  if (path.startsWith('/')) return { ...fileName(path), aliases: [] };
  return { namespace: qlik, name: `./${segments(path.replace(/^relative:/, ''))}`, aliases: [] };
}
