import {
  type Expression,
  type FileFormat,
  type FunctionCall,
  fieldsOf,
  fileFormatOptions,
  type LoadQuery,
  type LoadSource,
  type SqlQuery,
  visit,
} from '@qixflow/script';
import { type DatasetRef, fileDataset } from '../datasets/dataset-identity.js';
import { CONFIDENCE } from '../graph/confidence.js';
import { addLoadClauseUses } from './query-clauses.js';
import {
  type Column,
  type FieldInput,
  newRelation,
  type Relation,
  SCRIPT,
  type ScriptContext,
  type SourceUse,
  type StatementContext,
  type TableState,
  type Transformation,
} from './script-context.js';
import { evaluateSql } from './sql-relation.js';

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
  const relation = newRelation(scope.defaultName);
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
  addLoadClauseUses(relation, query, (field) => scope.resolve(field)?.inputs ?? [], pending, scope.inner);
  return relation;
}
