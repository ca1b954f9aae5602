import {
  type Expression,
  type FileFormat,
  type FunctionCall,
  fieldsOf,
  fileFormatOptions,
  type LoadQuery,
  type LoadSource,
  readSqlSelect,
  type SqlClauseColumns,
  type SqlColumnRef,
  type SqlQuery,
  visit,
} from '@qixflow/script';
import { type DatasetRef, dbTableDataset, fileDataset } from '../datasets/dataset-identity.js';
import { CONFIDENCE } from '../graph/confidence.js';
import {
  type Column,
  type FieldInput,
  type IndirectUse,
  type Relation,
  SCRIPT,
  type ScriptContext,
  type SourceUse,
  type StatementContext,
  type TableState,
  type Transformation,
} from './script-context.js';

/** A name resolved in the source of a LOAD. */
interface Resolved {
  readonly inputs: readonly FieldInput[];
  readonly transformation: Transformation;
  readonly sourceName: string;
  /** Set when the name is a column of a preceding load's query. */
  readonly column?: Column;
}

/** What a LOAD reads from: resolves field names to their lineage. */
interface Scope {
  readonly kind: 'dataset' | 'table' | 'relation' | 'none';
  resolve(name: string): Resolved | null;
  all(): readonly Column[];
  readonly open: boolean;
  starInputs(): FieldInput[];
  readonly defaultName: string;
  /** The query below a preceding load. */
  readonly inner?: Relation;
}

function formatName(format: FileFormat | null): string | undefined {
  if (!format) return undefined;
  const type = fileFormatOptions(format).fileType;
  return type ?? undefined;
}

function basenameOf(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  return base.replace(/\.[^.]+$/, '');
}

function recordSource(ctx: ScriptContext, use: Omit<SourceUse, 'matched'>): void {
  ctx.sources.push({ ...use, matched: false });
}

/** The text of a node of the statement. */
function textOf(stmt: StatementContext, e: Expression): string {
  return stmt.text.slice(e.span.start.offset, e.span.end.offset).trim();
}

/** Fields used as ApplyMap keys (second argument) in an expression. */
function mappingKeyFields(e: Expression): Set<string> {
  const keys = new Set<string>();
  visit(e, (node) => {
    if (node.kind === 'FunctionCall') {
      const call: FunctionCall = node;
      if (call.name.toUpperCase() === 'APPLYMAP' && call.args[1])
        for (const f of fieldsOf(call.args[1]).fields) keys.add(f);
    }
    return undefined;
  });
  return keys;
}

function fileScope(ctx: ScriptContext, stmt: StatementContext, path: string, format: string | undefined): Scope {
  const ref = fileDataset(path, format, ctx.connections);
  const dsId = ctx.dataset(ref, ref.path ?? path);
  const reads = ctx.graph.edge(
    'READS',
    stmt.id,
    dsId,
    { mode: 'from' },
    ref.pattern ? { provenance: 'script', confidence: CONFIDENCE.pattern } : SCRIPT,
  );
  if (ref.connection !== undefined)
    ctx.graph.edge('USES_CONNECTION', stmt.id, ctx.connectionNode(ref.connection), {}, SCRIPT);
  if (ref.pattern)
    ctx.diagnose(
      'unresolved-path',
      'warning',
      `the path ${path} is not fully resolved; kept as the pattern ${ref.identity}`,
      stmt,
    );
  recordSource(ctx, {
    statementId: stmt.id,
    kind: ref.datasetType === 'web' ? 'web' : 'file',
    datasetIds: [dsId],
    identities: [ref.identity],
    pattern: ref.pattern,
    edgeIds: [reads.id],
  });
  return datasetScope(ctx, dsId, null, basenameOf(ref.path ?? path));
}

function datasetScope(
  ctx: ScriptContext,
  dsId: string,
  knownFields: readonly string[] | null,
  defaultName: string,
): Scope {
  return {
    kind: 'dataset',
    resolve: (name) => {
      if (knownFields && !knownFields.includes(name)) return null;
      return { inputs: [{ node: ctx.datasetField(dsId, name) }], transformation: 'identity', sourceName: name };
    },
    all: () =>
      (knownFields ?? []).map((f) => ({
        name: f,
        inputs: [{ node: ctx.datasetField(dsId, f) }],
        transformation: 'identity',
        sourceName: f,
      })),
    open: knownFields === null,
    starInputs: () => [{ node: ctx.datasetField(dsId, '*') }],
    defaultName,
  };
}

function tableScope(ctx: ScriptContext, table: TableState, defaultName: string): Scope {
  return {
    kind: 'table',
    resolve: (name) => {
      const id = table.fieldIds.get(name);
      if (id) return { inputs: [{ node: id }], transformation: 'identity', sourceName: name };
      if (table.open)
        return {
          inputs: [{ node: ctx.star(table), confidence: CONFIDENCE.heuristic }],
          transformation: 'identity',
          sourceName: name,
        };
      return null;
    },
    all: () =>
      table.fields.map((f) => ({
        name: f,
        inputs: [{ node: table.fieldIds.get(f) ?? '' }],
        transformation: 'identity',
        sourceName: f,
      })),
    open: table.open,
    starInputs: () => (table.open ? [{ node: ctx.star(table) }] : []),
    defaultName,
  };
}

function relationScope(inner: Relation): Scope {
  const find = (name: string) =>
    inner.columns.find((c) => c.name === name) ??
    inner.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  return {
    kind: 'relation',
    resolve: (name) => {
      const column = find(name);
      if (column)
        return { inputs: column.inputs, transformation: column.transformation, sourceName: column.name, column };
      if (inner.open)
        return {
          inputs: inner.starInputs.map((i) => ({ ...i, confidence: CONFIDENCE.heuristic })),
          transformation: 'identity',
          sourceName: name,
        };
      return null;
    },
    all: () => inner.columns,
    open: inner.open,
    starInputs: () => inner.starInputs,
    defaultName: inner.defaultName,
    inner,
  };
}

function syntheticDataset(
  ctx: ScriptContext,
  kind: 'inline' | 'autogenerate' | 'extension',
  name: string,
  identity: string,
): string {
  const ref: DatasetRef = { datasetType: kind, identity, pattern: false };
  return ctx.dataset(ref, name);
}

function scopeFor(ctx: ScriptContext, source: LoadSource, stmt: StatementContext, label: string | null): Scope {
  switch (source.kind) {
    case 'FromSource':
      return fileScope(ctx, stmt, source.path, formatName(source.format));
    case 'ResidentSource': {
      let table = ctx.table(source.table);
      if (!table) {
        ctx.diagnose(
          'unresolved-table',
          'warning',
          `RESIDENT ${source.table}: no such table at this point of the script`,
          stmt,
        );
        table = ctx.newTable(source.table, false, stmt.id);
        ctx.star(table);
      }
      const reads = ctx.graph.edge('READS', stmt.id, table.id, { mode: 'resident' }, SCRIPT);
      recordSource(ctx, {
        statementId: stmt.id,
        kind: 'resident',
        datasetIds: [],
        identities: [],
        pattern: false,
        residentTable: table.name,
        edgeIds: [reads.id],
      });
      return tableScope(ctx, table, `${table.name}-1`);
    }
    case 'InlineSource': {
      const key = stmt.id.split('/statement:')[1] ?? stmt.id;
      const dsId = syntheticDataset(ctx, 'inline', `INLINE${label ? ` (${label})` : ''}`, `inline:${ctx.appId}:${key}`);
      const reads = ctx.graph.edge('READS', stmt.id, dsId, { mode: 'inline' }, SCRIPT);
      recordSource(ctx, {
        statementId: stmt.id,
        kind: 'inline',
        datasetIds: [dsId],
        identities: [],
        pattern: false,
        edgeIds: [reads.id],
      });
      return datasetScope(ctx, dsId, source.fields, label ?? 'INLINE');
    }
    case 'AutogenerateSource': {
      const key = stmt.id.split('/statement:')[1] ?? stmt.id;
      const dsId = syntheticDataset(
        ctx,
        'autogenerate',
        `AUTOGENERATE${label ? ` (${label})` : ''}`,
        `autogenerate:${ctx.appId}:${key}`,
      );
      const reads = ctx.graph.edge('READS', stmt.id, dsId, { mode: 'autogenerate' }, SCRIPT);
      recordSource(ctx, {
        statementId: stmt.id,
        kind: 'autogenerate',
        datasetIds: [dsId],
        identities: [],
        pattern: false,
        edgeIds: [reads.id],
      });
      return datasetScope(ctx, dsId, [], 'AUTOGENERATE');
    }
    case 'FromFieldSource': {
      const table = ctx.table(source.table);
      const fieldId = table?.fieldIds.get(source.field);
      if (!table || !fieldId) {
        ctx.diagnose(
          'unresolved-field',
          'warning',
          `FROM_FIELD (${source.table}, ${source.field}): no such field`,
          stmt,
        );
        return {
          kind: 'none',
          resolve: () => null,
          all: () => [],
          open: true,
          starInputs: () => [],
          defaultName: label ?? source.table,
        };
      }
      const reads = ctx.graph.edge('READS', stmt.id, table.id, { mode: 'from-field' }, SCRIPT);
      recordSource(ctx, {
        statementId: stmt.id,
        kind: 'from-field',
        datasetIds: [],
        identities: [],
        pattern: false,
        edgeIds: [reads.id],
      });
      return {
        kind: 'dataset',
        resolve: (name) => ({
          inputs: [{ node: fieldId, confidence: CONFIDENCE.heuristic }],
          transformation: 'expression',
          sourceName: name,
        }),
        all: () => [],
        open: true,
        starInputs: () => [{ node: fieldId }],
        defaultName: label ?? source.table,
      };
    }
    case 'ExtensionSource': {
      const dsId = syntheticDataset(ctx, 'extension', source.text, `extension:${source.text.toLowerCase()}`);
      const reads = ctx.graph.edge('READS', stmt.id, dsId, { mode: 'extension' }, SCRIPT);
      recordSource(ctx, {
        statementId: stmt.id,
        kind: 'extension',
        datasetIds: [dsId],
        identities: [],
        pattern: false,
        edgeIds: [reads.id],
      });
      return datasetScope(ctx, dsId, null, 'EXTENSION');
    }
    case 'PrecedingSource':
      return relationScope(evaluateQuery(ctx, source.query, stmt, label));
  }
}

/** Evaluates a SQL SELECT: its tables become datasets, its columns their fields. */
function evaluateSql(ctx: ScriptContext, q: SqlQuery, stmt: StatementContext): Relation {
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
  recordSource(ctx, {
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
  const relation: Relation = {
    columns: [],
    open: false,
    starInputs: [],
    filterFields: [],
    groupByFields: [],
    orderByFields: [],
    indirect: [],
    defaultName,
  };
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
 * Evaluates a LOAD or SELECT (with its preceding loads) into a {@link Relation}: the columns it
 * returns and, for each, the fields it derives from and how.
 */
export function evaluateQuery(
  ctx: ScriptContext,
  query: LoadQuery | SqlQuery,
  stmt: StatementContext,
  label: string | null,
): Relation {
  if (query.kind === 'Sql') return evaluateSql(ctx, query, stmt);
  const scope = scopeFor(ctx, query.source, stmt, label);
  const relation: Relation = {
    columns: [],
    open: false,
    starInputs: [],
    filterFields: [],
    groupByFields: [],
    orderByFields: [],
    indirect: [],
    defaultName: scope.defaultName,
  };
  type Pending = {
    index: number;
    refs: { name: string; resolved: Resolved | null; key: boolean }[];
    mappings: FieldInput[];
    transformation: Transformation;
    name: string;
    text: string;
    expression: Expression;
  };
  const pending: Pending[] = [];
  const passthrough = new Set<string>();
  for (const item of query.fields) {
    if (item.kind === 'LoadStar') {
      for (const c of scope.all()) {
        relation.columns.push({ ...c, sourceName: c.name });
        passthrough.add(c.name);
      }
      if (scope.open) {
        relation.open = true;
        relation.starInputs.push(...scope.starInputs());
      }
      continue;
    }
    const e = item.expression;
    if (e.kind === 'FieldRef') {
      const outName = ctx.aliases.get(item.alias ?? e.name) ?? item.alias ?? e.name;
      const r = scope.resolve(e.name);
      if (!r) {
        ctx.diagnose('unresolved-field', 'warning', `field ${e.name} is not in the source of this LOAD`, stmt);
        relation.columns.push({ name: outName, inputs: [], transformation: 'identity', sourceName: e.name });
        continue;
      }
      const transformation: Transformation =
        r.transformation === 'identity' ? (outName === r.sourceName ? 'identity' : 'rename') : r.transformation;
      relation.columns.push({
        name: outName,
        inputs: r.inputs,
        transformation,
        sourceName: e.name,
        ...(r.column?.expression !== undefined ? { expression: r.column.expression } : {}),
      });
      if (outName === e.name) passthrough.add(outName);
      continue;
    }
    const text = textOf(stmt, e);
    const refs = fieldsOf(e);
    const keys = mappingKeyFields(e);
    const mappings: FieldInput[] = [];
    for (const m of refs.mappings) {
      const table = ctx.table(m);
      const valueField = table?.fields[1];
      const valueId = valueField !== undefined ? table?.fieldIds.get(valueField) : undefined;
      if (valueId) mappings.push({ node: valueId, role: 'value' });
      else
        ctx.diagnose(
          'unresolved-mapping',
          'warning',
          `ApplyMap: no mapping table ${m} at this point of the script`,
          stmt,
        );
    }
    const transformation: Transformation =
      refs.mappings.length > 0 ? 'mapping' : refs.aggregations.length > 0 ? 'aggregation' : 'expression';
    const outName = item.alias ?? text;
    pending.push({
      index: relation.columns.length,
      refs: refs.fields.map((name) => ({ name, resolved: scope.resolve(name), key: keys.has(name) })),
      mappings,
      transformation,
      name: ctx.aliases.get(outName) ?? outName,
      text,
      expression: e,
    });
    relation.columns.push({ name: outName, inputs: [], transformation: 'expression' });
  }
  for (const p of pending) {
    const inputs: FieldInput[] = [];
    for (const ref of p.refs) {
      if (!ref.resolved) {
        ctx.diagnose(
          'unresolved-field',
          'warning',
          `field ${ref.name} (in ${p.text.slice(0, 80)}) is not in the source of this LOAD`,
          stmt,
        );
        continue;
      }
      // In a preceding load, a field the same LOAD also passes through unchanged is a field of the
      // table being written: derive from that field (Margin ← Sales, Cost), not from its sources.
      if (scope.kind === 'relation' && passthrough.has(ref.name) && ref.resolved.column) {
        inputs.push({ self: ref.name, role: ref.key ? 'key' : 'input' });
        continue;
      }
      for (const input of ref.resolved.inputs) inputs.push({ ...input, role: ref.key ? 'key' : 'input' });
    }
    inputs.push(...p.mappings);
    const mapping = p.mappings.length > 0 || p.refs.some((r) => r.key);
    relation.columns[p.index] = {
      name: p.name,
      inputs,
      transformation: mapping ? 'mapping' : p.transformation,
      expression: p.text,
    };
  }
  const indirect = (subtype: IndirectUse['subtype'], field: string) => {
    const inputs = scope.resolve(field)?.inputs ?? [];
    if (inputs.length > 0) relation.indirect.push({ subtype, field, inputs });
  };
  for (const e of [query.where, query.while])
    if (e)
      for (const f of fieldsOf(e).fields) {
        relation.filterFields.push(f);
        indirect('filter', f);
      }
  for (const e of query.groupBy)
    for (const f of fieldsOf(e).fields) {
      relation.groupByFields.push(f);
      indirect('group-by', f);
    }
  for (const item of query.orderBy)
    for (const f of fieldsOf(item.expression).fields) {
      relation.orderByFields.push(f);
      indirect('sort', f);
    }
  for (const p of pending)
    for (const use of rowDecidingFields(p.expression)) {
      const inputs = scope.resolve(use.field)?.inputs ?? [];
      if (inputs.length > 0) relation.indirect.push({ ...use, inputs, column: p.index });
    }
  if (scope.inner) {
    relation.filterFields.push(...scope.inner.filterFields);
    relation.groupByFields.push(...scope.inner.groupByFields);
    relation.orderByFields.push(...scope.inner.orderByFields);
    relation.indirect.push(...scope.inner.indirect);
  }
  return relation;
}

/**
 * The fields of an expression that decide its value without flowing into it: the condition of an
 * If() and the index of a Pick() (`conditional`), and what Previous() or Peek('Field') read from
 * another row (`window`).
 */
function rowDecidingFields(expression: Expression): { subtype: 'conditional' | 'window'; field: string }[] {
  const out: { subtype: 'conditional' | 'window'; field: string }[] = [];
  visit(expression, (node) => {
    if (node.kind !== 'FunctionCall') return undefined;
    const name = node.name.toLowerCase();
    const first = node.args[0];
    if (!first) return undefined;
    if (name === 'if' || name === 'pick')
      for (const field of fieldsOf(first).fields) out.push({ subtype: 'conditional', field });
    else if (name === 'previous') for (const field of fieldsOf(first).fields) out.push({ subtype: 'window', field });
    else if (name === 'peek' && first.kind === 'StringLiteral') out.push({ subtype: 'window', field: first.value });
    return undefined;
  });
  return out;
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
