import type { ConnectionNode, ExternalDatasetNode } from '../../generated/lineage-graph.js';

/** OpenLineage namespace and name of a dataset. */
export interface OlName {
  readonly namespace: string;
  readonly name: string;
}

/** Key=value pairs of a connection string (`Data Source=h;Initial Catalog=db`). */
function parts(connectionString: string): Map<string, string> {
  const map = new Map<string, string>();
  const inner = /\[(.*)\]/s.exec(connectionString)?.[1] ?? connectionString;
  for (const part of inner.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) map.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return map;
}

/** The OpenLineage namespace of a database connection (`mssql://host:port`, …), when it can be told. */
function dbNamespace(connection: ConnectionNode | undefined): { namespace: string; catalog?: string } | undefined {
  if (!connection?.attributes.connectionString) return undefined;
  const cs = connection.attributes.connectionString;
  const p = parts(cs);
  const host = p.get('data source') ?? p.get('server') ?? p.get('host') ?? p.get('hostname');
  if (!host) return undefined;
  const provider = `${p.get('provider') ?? ''} ${p.get('driver') ?? ''} ${cs}`.toLowerCase();
  const scheme = /postgres|npgsql/.test(provider)
    ? 'postgres'
    : /oracle|oraoledb/.test(provider)
      ? 'oracle'
      : /mysql|maria/.test(provider)
        ? 'mysql'
        : /snowflake/.test(provider)
          ? 'snowflake'
          : /sqloledb|sqlncli|msoledbsql|sql server|sqlserver/.test(provider)
            ? 'mssql'
            : undefined;
  if (!scheme) return undefined;
  const [h, port] = host.replace(/^tcp:/i, '').split(/[,:]/);
  const catalog = p.get('initial catalog') ?? p.get('database');
  return {
    namespace: `${scheme}://${(h ?? host).toLowerCase()}${port ? `:${port}` : ''}`,
    ...(catalog ? { catalog } : {}),
  };
}

/**
 * Namespace and name of an external dataset (see README, "OpenLineage"): lib:// files under
 * `qlik://<host>/lib/<connection>`, physical files under `file` / `file://<server>`, web files under
 * their origin, database tables under the database's namespace (`mssql://host`) when the connection
 * string tells it, else `qlik://<host>/connection/<name>`.
 */
export function olDatasetName(
  host: string,
  dataset: ExternalDatasetNode,
  connection: ConnectionNode | undefined,
): OlName {
  const a = dataset.attributes;
  const id = a.identity;
  if (a.datasetType === 'db-table' || a.datasetType === 'unknown') {
    const conn = (a.connection ?? 'unknown').toLowerCase();
    const table = a.table ?? dataset.name;
    const db = dbNamespace(connection);
    if (db)
      return {
        namespace: db.namespace,
        name: db.catalog && table.split('.').length < 3 ? `${db.catalog}.${table}` : table,
      };
    return { namespace: `qlik://${host}/connection/${conn}`, name: table };
  }
  const lib = /^lib:\/\/([^/]*)\/(.*)$/.exec(id);
  if (lib) return { namespace: `qlik://${host}/lib/${lib[1] ?? ''}`, name: lib[2] ?? '' };
  const unc = /^file:\/\/([^/]+)(\/.*)$/.exec(id);
  if (unc) return { namespace: `file://${unc[1] ?? ''}`, name: unc[2] ?? '' };
  if (id.startsWith('file:///')) return { namespace: 'file', name: id.slice('file://'.length) };
  const web = /^(https?:\/\/[^/]+)(\/.*)?$/.exec(id);
  if (web) return { namespace: web[1] ?? id, name: web[2] ?? '/' };
  const rel = /^relative:(.*)$/.exec(id);
  if (rel) return { namespace: `qlik://${host}/relative`, name: rel[1] ?? '' };
  return { namespace: `qlik://${host}/${a.datasetType}`, name: id };
}
