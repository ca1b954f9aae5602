import {
  placeTable as decidePlacement,
  isQualified,
  type LoadPrefix,
  type LoadStatement,
  type TablePlacement,
} from '@qixflow/script';
import { evaluateConstant } from './evaluate-constant.js';
import { addKeepEdges } from './indirect-edges.js';
import {
  type Column,
  type Operation,
  type Relation,
  SCRIPT,
  type ScriptContext,
  type StatementContext,
  type TableState,
  type Transformation,
} from './script-context.js';

function prefix<K extends LoadPrefix['kind']>(
  statement: LoadStatement,
  kind: K,
): Extract<LoadPrefix, { kind: K }> | undefined {
  return statement.prefixes.find((p): p is Extract<LoadPrefix, { kind: K }> => p.kind === kind);
}

/** CROSSTABLE(attribute, data, n): the first n columns stay, the others become attribute/data rows. */
function crossTable(relation: Relation, attributeField: string, dataField: string, qualifiers: number): Relation {
  const kept = relation.columns.slice(0, qualifiers);
  const turned = relation.columns.slice(qualifiers);
  return {
    ...relation,
    columns: [
      ...kept,
      {
        name: attributeField,
        inputs: [],
        transformation: 'expression',
        expression: `names of ${turned.map((c) => c.name).join(', ')}`,
      },
      {
        name: dataField,
        inputs: turned.flatMap((c) => c.inputs),
        transformation: 'expression',
        expression: `values of ${turned.map((c) => c.name).join(', ')}`,
      },
    ],
  };
}

/** Writes a column into a table field: the field node, and a DERIVES edge from each input. */
function writeColumn(
  ctx: ScriptContext,
  table: TableState,
  column: Column,
  fieldName: string,
  transformation: Transformation,
  operation: Operation,
  stmt: StatementContext,
): void {
  const target = ctx.field(table, fieldName);
  for (const input of column.inputs) {
    const from = input.self !== undefined ? ctx.field(table, finalName(ctx, table, input.self)) : input.node;
    if (!from || from === target) continue;
    ctx.derives(from, target, transformation, operation, stmt, {
      ...(input.role ? { role: input.role } : {}),
      ...(column.expression !== undefined ? { expression: column.expression } : {}),
      ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
    });
  }
}

/** The name a column of this statement gets in the table (QUALIFY applied). */
function finalName(ctx: ScriptContext, table: TableState, name: string): string {
  if (table.mapping) return name;
  return isQualified(ctx.qualify, name) ? `${table.name}.${name}` : name;
}

function transformationOf(column: Column, renamed: boolean): Transformation {
  if (column.transformation === 'identity' && renamed) return 'rename';
  return column.transformation;
}

/**
 * Places the rows of a LOAD/SELECT in the table model where `@qixflow/script`'s `placeTable`
 * decides — a new table, a concatenation (explicit, or implicit when the field set equals an
 * existing table's), a JOIN/KEEP, or a mapping table, with QUALIFY applied — and writes the
 * DERIVES and PRODUCES edges.
 */
export function placeTable(
  ctx: ScriptContext,
  statement: LoadStatement,
  relation0: Relation,
  stmt: StatementContext,
): TableState {
  let relation = relation0;
  const cross = prefix(statement, 'CrossTablePrefix');
  if (cross) {
    const n = Number(evaluateConstant(cross.qualifierFields) ?? '1');
    relation = crossTable(relation, cross.attributeField, cross.dataField, Number.isFinite(n) ? n : 1);
  }
  notePrefixes(ctx, statement, stmt);
  const last = ctx.lastTable && !ctx.lastTable.dropped ? ctx.lastTable : undefined;
  const placement = decidePlacement({
    statement,
    defaultName: relation.defaultName,
    fields: relation.columns.map((c) => c.name),
    open: relation.open,
    tables: ctx.tables.filter((t) => !t.dropped),
    lastTable: last,
    qualify: ctx.qualify,
    findTable: (name) => ctx.table(name),
  });
  const p: Placement = { ctx, statement, relation, stmt };
  if (placement.unresolved) {
    const { prefix: word, table } = placement.unresolved;
    ctx.diagnose(
      'unresolved-table',
      'warning',
      `${word} target ${table ?? '(previous table)'} not found; loaded as a new table`,
      stmt,
    );
  }
  if (placement.kind === 'join') return placeJoined(p, placement.target, placement.fields);
  if (placement.kind === 'concatenate')
    return placeConcatenated(p, placement.target, placement.fields, placement.implicit);
  return placeNew(p, placement, cross !== undefined);
}

/** What placing one statement's rows needs. */
interface Placement {
  readonly ctx: ScriptContext;
  readonly statement: LoadStatement;
  readonly relation: Relation;
  readonly stmt: StatementContext;
}

/** Prefixes analysed as a plain LOAD, and a prefix that stayed a `$(…)`, as diagnostics. */
function notePrefixes(ctx: ScriptContext, statement: LoadStatement, stmt: StatementContext): void {
  for (const p of statement.prefixes) {
    if (
      p.kind === 'GenericPrefix' ||
      p.kind === 'HierarchyPrefix' ||
      p.kind === 'HierarchyBelongsToPrefix' ||
      p.kind === 'IntervalMatchPrefix'
    ) {
      ctx.diagnose(
        'unsupported-prefix',
        'info',
        `${p.kind.replace('Prefix', '').toUpperCase()} loads are analysed as a plain LOAD; the resulting tables may differ`,
        stmt,
      );
    }
    if (p.kind === 'ExpansionPrefix')
      ctx.diagnose('unresolved-variable', 'warning', `prefix $(${p.expansion.text}) could not be expanded`, stmt);
  }
}

/** The statement PRODUCES the table (and the star field gets the relation's unlisted inputs). */
function produce(
  p: Placement,
  table: TableState,
  operation: 'create' | 'concatenate' | 'join' | 'keep' | 'mapping' | 'crosstable',
  starOperation: Operation,
): void {
  const { ctx, relation, stmt } = p;
  if (relation.open) {
    const star = ctx.star(table);
    for (const input of relation.starInputs)
      if (input.node) ctx.derives(input.node, star, 'identity', starOperation, stmt);
  }
  ctx.graph.edge('PRODUCES', stmt.id, table.id, { operation }, SCRIPT);
  table.producer = stmt.id;
  ctx.lastTable = table;
}

/** JOIN (not of a mapping): the columns go into the target table. */
function placeJoined(p: Placement, target: TableState, names: readonly string[]): TableState {
  const { ctx, relation, stmt } = p;
  relation.columns.forEach((column, i) => {
    const name = names[i] ?? column.name;
    const isKey = target.fieldIds.has(name);
    const transformation = isKey ? 'join-key' : transformationOf(column, name !== (column.sourceName ?? name));
    writeColumn(ctx, target, column, name, transformation, 'join', stmt);
  });
  produce(p, target, 'join', 'join');
  return target;
}

/** CONCATENATE, or implicit concatenation onto a table with the same field set: the rows go to the target table. */
function placeConcatenated(p: Placement, into: TableState, names: readonly string[], implicit: boolean): TableState {
  const { ctx, relation, stmt } = p;
  relation.columns.forEach((column, i) => {
    const name = names[i] ?? column.name;
    const t = transformationOf(column, name !== (column.sourceName ?? name));
    writeColumn(ctx, into, column, name, t === 'identity' ? 'concatenate' : t, 'concatenate', stmt);
  });
  produce(p, into, 'concatenate', 'concatenate');
  if (implicit)
    ctx.diagnose('implicit-concatenation', 'info', `same fields as ${into.name}: the rows are appended to it`, stmt);
  return into;
}

/** A new table (named after the label, `-1`, `-2` … when taken), with KEEP's INDIRECT edges. */
function placeNew(
  p: Placement,
  placement: Extract<TablePlacement<TableState>, { kind: 'new' }>,
  cross: boolean,
): TableState {
  const { ctx, relation, stmt } = p;
  const { name, mapping, keep } = placement;
  const table = ctx.newTable(name, mapping, stmt.id);
  const operation: Operation = mapping ? 'mapping' : keep ? 'keep' : cross ? 'crosstable' : 'load';
  relation.columns.forEach((column, i) => {
    const fieldName = placement.fields[i] ?? column.name;
    const renamed = fieldName !== (column.sourceName ?? fieldName);
    const op = fieldName !== column.name ? 'qualify' : operation;
    writeColumn(ctx, table, column, fieldName, transformationOf(column, renamed), op, stmt);
  });
  produce(p, table, mapping ? 'mapping' : keep ? 'keep' : cross ? 'crosstable' : 'create', operation);
  const other = keep?.target;
  if (keep && other) {
    addKeepEdges(ctx, stmt, table, other, keep.prefix.type);
    ctx.diagnose(
      'keep',
      'info',
      `${keep.prefix.type ?? ''} KEEP with ${other.name}: rows filtered, fields unchanged`.trim(),
      stmt,
    );
  }
  return table;
}
