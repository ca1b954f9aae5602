import { readSqlSelect, type SqlClauseColumns, type SqlColumnRef, type SqlQuery } from '@qixflow/script';
import { type DatasetRef, dbTableDataset } from '../datasets/dataset-identity.js';
import {
  type FieldInput,
  type IndirectUse,
  newRelation,
  type Relation,
  SCRIPT,
  type ScriptContext,
  type StatementContext,
  type Transformation,
} from './script-context.js';

/** Evaluates a SQL SELECT: its tables become datasets, its columns their fields. */
export function evaluateSql(ctx: ScriptContext, q: SqlQuery, stmt: StatementContext): Relation {
  const connection = ctx.connection;
  if (!connection) ctx.diagnose('sql-without-connection', 'warning', 'SQL statement without a preceding CONNECT', stmt);
  const connName = connection?.name ?? 'unknown';
  if (connection) ctx.graph.edge('USES_CONNECTION', stmt.id, connection.id, {}, SCRIPT);
  const datasets: { id: string; name: string; alias: string | null; identity: string }[] = [];
  for (const t of q.tables) {
    const ref = dbTableDataset(connName, t.name);
    datasets.push({ id: ctx.dataset(ref, ref.table ?? t.name), name: t.name, alias: t.alias, identity: ref.identity });
  }
  if (datasets.length === 0) {
    // Connector pseudo-SQL (REST, …) or a statement without FROM: the connection is the source.
    const ref: DatasetRef = {
      datasetType: 'unknown',
      identity: `db://${connName.toLowerCase()}/`,
      connection: connName,
      pattern: false,
    };
    datasets.push({ id: ctx.dataset(ref, connName), name: connName, alias: null, identity: ref.identity });
  }
  const edgeIds = datasets.map((d) => ctx.graph.edge('READS', stmt.id, d.id, { mode: 'sql' }, SCRIPT).id);
  ctx.sources.push({
    matched: false,
    statementId: stmt.id,
    kind: 'db',
    datasetIds: datasets.map((d) => d.id),
    identities: datasets.map((d) => d.identity),
    pattern: false,
    connection: connName,
    edgeIds,
  });
  const tableFor = (qualifier: string | null) => {
    if (qualifier === null) return datasets[0];
    const q2 = qualifier.toLowerCase();
    return (
      datasets.find((d) => d.alias?.toLowerCase() === q2) ??
      datasets.find((d) => d.name.toLowerCase().split('.').pop() === q2) ??
      datasets[0]
    );
  };
  const first = datasets[0];
  const defaultName = (q.tables[0]?.parts[q.tables[0].parts.length - 1] ?? connName) || connName;
  const relation = newRelation(defaultName);
  const read = readSqlSelect(q.text);
  const items = read?.items;
  if (read) addSqlClauseUses(ctx, relation, read.clauses, tableFor);
  if (!items) {
    relation.open = true;
    if (first) relation.starInputs.push({ node: ctx.datasetField(first.id, '*') });
    if (q.verb === 'SELECT')
      ctx.diagnose('sql-unparsed', 'info', 'the SELECT list could not be read; its columns are unknown', stmt);
    return relation;
  }
  for (const item of items) {
    if (item.star) {
      relation.open = true;
      const ds = tableFor(item.starOf);
      if (ds) relation.starInputs.push({ node: ctx.datasetField(ds.id, '*') });
      continue;
    }
    const inputs: FieldInput[] = [];
    for (const col of item.columns) {
      const ds = tableFor(col.qualifier);
      if (ds) inputs.push({ node: ctx.datasetField(ds.id, col.name) });
    }
    const sourceName = item.plain ? (item.columns[0]?.name ?? item.name) : item.name;
    const transformation: Transformation = item.plain
      ? item.name === sourceName
        ? 'identity'
        : 'rename'
      : item.aggregate
        ? 'aggregation'
        : 'expression';
    relation.columns.push({
      name: item.name,
      inputs,
      transformation,
      ...(item.plain ? { sourceName } : { expression: item.text }),
    });
  }
  return relation;
}

/**
 * The columns of a SELECT's WHERE/HAVING (`filter`), GROUP BY (`group-by`), ORDER BY (`sort`) and
 * `JOIN … ON` (`join`) as INDIRECT uses of the tables' columns, and as the statement's filter /
 * group-by / order-by fields.
 */
function addSqlClauseUses(
  ctx: ScriptContext,
  relation: Relation,
  clauses: SqlClauseColumns,
  tableFor: (qualifier: string | null) => { id: string } | undefined,
): void {
  const use = (subtype: IndirectUse['subtype'], refs: readonly SqlColumnRef[], names?: string[]) => {
    for (const ref of refs) {
      const ds = tableFor(ref.qualifier);
      if (!ds) continue;
      names?.push(ref.name);
      relation.indirect.push({ subtype, field: ref.name, inputs: [{ node: ctx.datasetField(ds.id, ref.name) }] });
    }
  };
  use('filter', [...clauses.where, ...clauses.having], relation.filterFields);
  use('group-by', clauses.groupBy, relation.groupByFields);
  use('sort', clauses.orderBy, relation.orderByFields);
  use('join', clauses.joinOn);
}
