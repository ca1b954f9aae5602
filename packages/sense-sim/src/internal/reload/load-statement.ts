import { basename } from 'node:path';
import {
  placeTable as decidePlacement,
  type Expression,
  type FileFormat,
  fileFormatOptions,
  type LoadQuery,
  type LoadStatement,
  type SqlQuery,
  type UnresolvedTarget,
} from '@qixflow/script';
import { ColumnBuilder } from '../data/model/column-builder.js';
import { IntBuffer } from '../data/model/int-buffer.js';
import type { Cell } from '../data/model/loaded-model.js';
import { ColumnTable } from './column-table.js';
import { distinctRows, isDistinct, keepDistinct } from './distinct-rows.js';
import { intervalMatch } from './interval-match.js';
import { replaces, skippedInFullReload } from './load-prefixes.js';
import { projectLoad } from './load-projection.js';
import { readDataFile } from './read-data-file.js';
import { runSql } from './run-sql.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';
import { toNumber, truthy } from './script-values.js';
import { concatenate, crossTable, joinTables, keepTables } from './table-algebra.js';
import { WorkTable } from './work-table.js';

interface QueryResult {
  table: ColumnTable;
  defaultName: string;
  sourceName: string;
}

/** Runs a LOAD or SELECT statement: its prefixes, its query, and where the result goes. */
export async function runLoad(state: ScriptState, statement: LoadStatement, text: string): Promise<void> {
  if (skippedInFullReload(statement)) return;
  let first: number | undefined;
  let sample: number | undefined;
  for (const prefix of statement.prefixes) {
    if (prefix.kind === 'ConditionPrefix') {
      const value = truthy(state.scalar(prefix.condition, text));
      if (prefix.type === 'when' ? !value : value) return;
    }
    if (prefix.kind === 'FirstPrefix') first = toNumber(state.scalar(prefix.count, text));
    if (prefix.kind === 'SamplePrefix') sample = toNumber(state.scalar(prefix.probability, text));
  }
  state.loadStatement = statement;
  state.currentFile = fileOf(statement.query);
  const result = await runQuery(state, statement.query, text, statement.label).finally(() => {
    state.loadStatement = undefined;
    state.currentFile = undefined;
  });
  if (isDistinct(statement.query)) result.table = await distinctRows(result.table, state.guard);
  if (first !== undefined && !(first >= result.table.rowCount)) {
    const rows = Math.max(0, Math.floor(first)) || 0;
    result.table = await result.table.select(
      Int32Array.from({ length: rows }, (_, r) => r),
      state.guard,
    );
  }
  // SAMPLE p: each record is kept with probability p, at random (as the engine does).
  if (sample !== undefined) {
    const p = sample;
    if (!(p >= 0 && p <= 1)) throw new ExecutionError(`SAMPLE needs a probability from 0 to 1, got ${p}`);
    const kept = new IntBuffer();
    for (let r = 0; r < result.table.rowCount; r++) if (Math.random() < p) kept.push(r);
    result.table = await result.table.select(kept.toArray(), state.guard);
  }
  const intervals = statement.prefixes.find((p) => p.kind === 'IntervalMatchPrefix');
  if (intervals) result.table = await intervalMatch(state, intervals, result.table, text);
  state.env.onProgress?.(
    `${statement.label ?? result.defaultName} << ${result.sourceName} ${result.table.rowCount} Lines fetched`,
  );
  await placeTable(state, statement, result.table, statement.label ?? result.defaultName);
}

/** Runs a LOAD or SELECT (and the queries its preceding loads stand on). */
async function runQuery(
  state: ScriptState,
  query: LoadQuery | SqlQuery,
  text: string,
  label: string | null,
): Promise<QueryResult> {
  if (query.kind === 'Sql') return runSelect(state, query);
  const src = query.source;
  let result: QueryResult;
  switch (src.kind) {
    case 'FromSource': {
      const { full } = await state.folder.readable(src.path);
      const format = src.format ? fileFormatOptions(src.format) : {};
      const table = await readDataFile(full, format, {
        shownAs: src.path,
        pacer: state.guard,
        expectBytes: (bytes) => state.guard.expectBytes(bytes),
        interpret: (value) => state.interpretText(value),
      });
      result = { table, defaultName: basename(src.path).replace(/\.[^.]+$/, ''), sourceName: src.path };
      state.lineage.push({ qDiscriminator: `${src.path}${formatSuffix(src.format)};`, qStatement: text.trim() });
      break;
    }
    case 'ResidentSource': {
      const table = state.table(src.table);
      result = {
        table: new ColumnTable([...table.fields], table.columns, table.rowCount),
        defaultName: `${table.name}-1`,
        sourceName: `RESIDENT ${table.name}`,
      };
      state.lineage.push({ qDiscriminator: `RESIDENT ${table.name};`, qStatement: text.trim() });
      break;
    }
    case 'InlineSource': {
      const table = new ColumnTable([...src.fields]);
      for (const row of src.rows) table.pushRow(src.fields.map((_, i) => inlineCell(state, row[i])));
      result = { table, defaultName: label ?? 'INLINE', sourceName: 'INLINE' };
      state.lineage.push({ qDiscriminator: 'INLINE;', qStatement: text.trim() });
      break;
    }
    case 'AutogenerateSource': {
      result = { table: autogenerate(state, src.count, text), defaultName: 'AUTOGENERATE', sourceName: 'AUTOGENERATE' };
      state.lineage.push({ qDiscriminator: 'AUTOGENERATE;', qStatement: text.trim() });
      break;
    }
    case 'PrecedingSource':
      result = await runQuery(state, src.query, text, label);
      break;
    default:
      throw new ExecutionError(`LOAD source ${src.kind.replace('Source', '')} is not supported by the simulator`);
  }
  return { ...result, table: await projectLoad(state, query, result.table) };
}

/** The file a LOAD (through its preceding loads) reads; undefined for other sources. */
function fileOf(query: LoadQuery | SqlQuery): string | undefined {
  let current: LoadQuery | SqlQuery = query;
  while (current.kind === 'Load' && current.source.kind === 'PrecedingSource') current = current.source.query;
  return current.kind === 'Load' && current.source.kind === 'FromSource' ? current.source.path : undefined;
}

/**
 * AUTOGENERATE n: n records without fields (a table of no columns: nothing is allocated per
 * record); the row budget bounds n before the LOAD runs.
 */
function autogenerate(state: ScriptState, countExpression: Expression, text: string): ColumnTable {
  const count = toNumber(state.scalar(countExpression, text));
  if (!Number.isFinite(count) || count < 0) throw new ExecutionError('AUTOGENERATE needs a number of rows');
  const rows = Math.floor(count);
  const held = state.held();
  state.guard.hold(held.rows + rows, held.cells);
  return new ColumnTable([], [], rows);
}

/** SQL SELECT through the current database connection (CSV files under `<data>/db/<name>`). */
async function runSelect(state: ScriptState, query: SqlQuery): Promise<QueryResult> {
  const connection = state.connection;
  if (!connection) throw new ExecutionError('SQL statement without a connection: LIB CONNECT TO first');
  if (connection.type.toLowerCase() === 'folder')
    throw new ExecutionError(`SQL needs a database connection, '${connection.name}' is a folder`);
  const folder = await state.folder.databaseFolder(connection);
  const table = await runSql(query, folder, connection.name, {
    pacer: state.guard,
    contain: (file, shownAs) => state.folder.containFile(file, shownAs),
  });
  state.lineage.push({ qDiscriminator: `${connection.name};`, qStatement: query.text });
  const sqlTable = query.tables[0]?.name ?? connection.name;
  return { table, defaultName: sqlTable.split('.').pop() ?? sqlTable, sourceName: connection.name };
}

/**
 * Puts a loaded table where its prefixes say: mapping, join, keep, concatenation, crosstable, or a
 * new table — the target and the field names (QUALIFY) as `@qixflow/script`'s `placeTable` decides.
 */
async function placeTable(
  state: ScriptState,
  statement: LoadStatement,
  loaded: ColumnTable,
  name: string,
): Promise<void> {
  const pacer = state.guard;
  let table = loaded;
  const prefixes = statement.prefixes;
  const distinct = isDistinct(statement.query);
  const crosstable = prefixes.find((p) => p.kind === 'CrossTablePrefix');
  if (crosstable) {
    const qualifiers = qualifierCount(crosstable.qualifierFields);
    const work = { pacer, grow: state.growth(qualifiers + 2) };
    table = await crossTable(table, crosstable.attributeField, crosstable.dataField, qualifiers, work);
  }
  if (prefixes.some((p) => p.kind === 'MappingPrefix')) {
    if (table.fields.length < 2) throw new ExecutionError('A mapping table needs two fields');
    const map = new Map<string, Cell>();
    for (let r = 0; r < table.rowCount; r++) {
      const key = table.cell(r, 0)?.text ?? '';
      if (!map.has(key)) map.set(key, table.cell(r, 1));
      if (pacer.due()) await pacer.pause();
    }
    state.mappings.set(name, map);
    return;
  }
  const placement = decidePlacement({
    statement,
    defaultName: name,
    fields: table.fields,
    tables: state.tables,
    lastTable: state.lastTable,
    qualify: state.qualify,
  });
  if (placement.unresolved) throw unresolved(placement.unresolved);
  table = renamed(table, placement.fields);
  if (placement.kind === 'join') {
    const target = placement.target;
    const width = target.fields.length + table.fields.filter((f) => !target.fields.includes(f)).length;
    const joined = await joinTables(target, table, placement.prefix.type ?? 'outer', {
      pacer,
      grow: state.growth(width, target),
    });
    target.replaceWith(joined);
    await keepDistinct(target, distinct, pacer);
    state.lastTable = target;
    return;
  }
  if (placement.kind === 'concatenate' && !replaces(statement)) {
    const target = placement.target;
    const width = target.fields.length + table.fields.filter((f) => !target.fields.includes(f)).length;
    await concatenate(target, table, { pacer, grow: state.growth(width, target) });
    await keepDistinct(target, distinct, pacer);
    state.lastTable = target;
    return;
  }
  if (placement.kind === 'concatenate') {
    // REPLACE: the table it would add its rows to is dropped, and a new one made
    state.tables.splice(state.tables.indexOf(placement.target), 1);
    if (state.lastTable === placement.target) state.lastTable = undefined;
    state.addTable(new WorkTable(state.uniqueName(name), ownColumns(state, table), distinct));
    return;
  }
  if (placement.keep) {
    const { prefix, target } = placement.keep;
    if (!target) throw unresolved({ prefix: 'JOIN', table: prefix.table });
    const kept = await keepTables(target, table, prefix.type ?? 'inner', pacer);
    if (kept.left !== target) target.replaceWith(kept.left);
    state.addTable(new WorkTable(placement.name, kept.right, distinct));
    return;
  }
  state.addTable(new WorkTable(placement.name, ownColumns(state, table), distinct));
}

/** The error for a JOIN, KEEP or CONCATENATE whose table is not there. */
function unresolved(target: UnresolvedTarget): ExecutionError {
  if (target.table !== null) return new ExecutionError(`Table '${target.table}' not found`);
  return new ExecutionError(`${target.prefix === 'JOIN' ? 'JOIN/KEEP' : target.prefix} without a previous table`);
}

/** `table` with its fields called `names` (QUALIFY), sharing its columns. */
function renamed(table: ColumnTable, names: readonly string[]): ColumnTable {
  if (names.every((n, i) => n === table.fields[i])) return table;
  return new ColumnTable([...names], table.columns, table.rowCount);
}

/**
 * A table whose columns no other table holds: a new table may be the RESIDENT source's columns
 * passed through unchanged (`LOAD * RESIDENT T`), and tables grow in place, so it takes copies.
 */
function ownColumns(state: ScriptState, table: ColumnTable): ColumnTable {
  const held = new Set(state.tables.flatMap((t) => t.columns));
  if (!table.columns.some((column) => held.has(column))) return table;
  return new ColumnTable(
    [...table.fields],
    table.columns.map((column) => (held.has(column) ? ColumnBuilder.of(column.finish()) : column)),
    table.rowCount,
  );
}

function qualifierCount(expression: Expression | null): number {
  if (!expression) return 1;
  return expression.kind === 'NumberLiteral' ? Number(expression.value) : 1;
}

/** An INLINE value: read like a text file's (a missing value is NULL, an empty one is text). */
function inlineCell(state: ScriptState, text: string | undefined): Cell {
  return text === undefined ? null : state.interpretText(text);
}

function formatSuffix(format: FileFormat | null): string {
  if (!format) return '';
  return ` (${format.specs.map((s) => (s.value ? `${s.name} ${s.value}` : s.name)).join(', ')})`;
}
