import type { LoadPrefix, LoadStatement } from '@qixflow/script';
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
  return ctx.qualified(name) ? `${table.name}.${name}` : name;
}

function qualifiedName(ctx: ScriptContext, tableName: string, mapping: boolean, name: string): string {
  if (mapping) return name;
  return ctx.qualified(name) ? `${tableName}.${name}` : name;
}

function transformationOf(column: Column, renamed: boolean): Transformation {
  if (column.transformation === 'identity' && renamed) return 'rename';
  return column.transformation;
}

/**
 * Places the rows of a LOAD/SELECT in the table model: a new table, a concatenation (explicit, or
 * implicit when the field set equals an existing table's), a JOIN/KEEP, or a mapping table — with
 * QUALIFY applied — and writes the DERIVES and PRODUCES edges.
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
  const p: Placement = { ctx, statement, relation, stmt, mapping: prefix(statement, 'MappingPrefix') !== undefined };
  return placeJoined(p) ?? placeConcatenated(p) ?? placeNew(p, cross !== undefined);
}

/** What placing one statement's rows needs. */
interface Placement {
  readonly ctx: ScriptContext;
  readonly statement: LoadStatement;
  readonly relation: Relation;
  readonly stmt: StatementContext;
  readonly mapping: boolean;
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

/** JOIN (not of a mapping): the columns go into the target table; undefined without a JOIN or target. */
function placeJoined(p: Placement): TableState | undefined {
  const { ctx, statement, relation, stmt } = p;
  const join = prefix(statement, 'JoinPrefix');
  if (!join || p.mapping) return undefined;
  const target =
    join.table !== null ? ctx.table(join.table) : ctx.lastTable && !ctx.lastTable.dropped ? ctx.lastTable : undefined;
  if (!target) {
    ctx.diagnose(
      'unresolved-table',
      'warning',
      `JOIN target ${join.table ?? '(previous table)'} not found; loaded as a new table`,
      stmt,
    );
    return undefined;
  }
  for (const column of relation.columns) {
    const name = qualifiedName(ctx, statement.label ?? target.name, false, column.name);
    const isKey = target.fieldIds.has(name);
    const transformation = isKey ? 'join-key' : transformationOf(column, name !== (column.sourceName ?? name));
    writeColumn(ctx, target, column, name, transformation, 'join', stmt);
  }
  produce(p, target, 'join', 'join');
  return target;
}

/**
 * CONCATENATE, or implicit concatenation onto a table with the same field set (not after
 * NOCONCATENATE or KEEP, nor for unlisted columns): the rows go to the target table.
 */
function placeConcatenated(p: Placement): TableState | undefined {
  const { ctx, statement, relation, stmt, mapping } = p;
  const concat = prefix(statement, 'ConcatenatePrefix');
  const noConcat = prefix(statement, 'NoConcatenatePrefix') !== undefined;
  const keep = prefix(statement, 'KeepPrefix');
  const label = statement.label ?? relation.defaultName;
  const names = relation.columns.map((c) => qualifiedName(ctx, label, mapping, c.name));
  let target: TableState | undefined;
  if (concat && !mapping) {
    const last = ctx.lastTable && !ctx.lastTable.dropped ? ctx.lastTable : undefined;
    target = concat.table !== null ? ctx.table(concat.table) : last;
    if (!target)
      ctx.diagnose(
        'unresolved-table',
        'warning',
        `CONCATENATE target ${concat.table ?? '(previous table)'} not found; loaded as a new table`,
        stmt,
      );
  } else if (!noConcat && !keep && !relation.open && names.length > 0) {
    const wanted = [...new Set(names)].sort().join('\u0000');
    target = ctx.tables.find(
      (t) => !t.dropped && t.mapping === mapping && !t.open && [...t.fields].sort().join('\u0000') === wanted,
    );
  }
  if (!target) return undefined;
  const into = target;
  relation.columns.forEach((column, i) => {
    const name = names[i] ?? column.name;
    const t = transformationOf(column, name !== (column.sourceName ?? name));
    writeColumn(ctx, into, column, name, t === 'identity' ? 'concatenate' : t, 'concatenate', stmt);
  });
  produce(p, into, 'concatenate', 'concatenate');
  if (!(concat && !mapping))
    ctx.diagnose('implicit-concatenation', 'info', `same fields as ${into.name}: the rows are appended to it`, stmt);
  return into;
}

/** A new table (named after the label, `-1`, `-2` … when taken), with KEEP's INDIRECT edges. */
function placeNew(p: Placement, cross: boolean): TableState {
  const { ctx, statement, relation, stmt, mapping } = p;
  const keep = prefix(statement, 'KeepPrefix');
  const label = statement.label ?? relation.defaultName;
  let name = label;
  if (ctx.table(name)) {
    let n = 1;
    while (ctx.table(`${label}-${n}`)) n++;
    name = `${label}-${n}`;
  }
  const table = ctx.newTable(name, mapping, stmt.id);
  const operation: Operation = mapping ? 'mapping' : keep ? 'keep' : cross ? 'crosstable' : 'load';
  for (const column of relation.columns) {
    const fieldName = qualifiedName(ctx, name, mapping, column.name);
    const renamed = fieldName !== (column.sourceName ?? fieldName);
    const op = fieldName !== column.name ? 'qualify' : operation;
    writeColumn(ctx, table, column, fieldName, transformationOf(column, renamed), op, stmt);
  }
  produce(p, table, mapping ? 'mapping' : keep ? 'keep' : cross ? 'crosstable' : 'create', operation);
  const other = keep && keep.table !== null ? ctx.table(keep.table) : undefined;
  if (keep && other) {
    addKeepEdges(ctx, stmt, table, other, keep.type);
    ctx.diagnose(
      'keep',
      'info',
      `${keep.type ?? ''} KEEP with ${other.name}: rows filtered, fields unchanged`.trim(),
      stmt,
    );
  }
  return table;
}
