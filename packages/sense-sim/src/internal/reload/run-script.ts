import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import {
  type Expression,
  expand,
  type FileFormat,
  fileFormatOptions,
  type LoadFieldItem,
  type LoadQuery,
  type LoadStatement,
  parseExpression,
  parseScript,
  printExpression,
  type SqlQuery,
  type Statement,
} from '@qixflow/script';
import {
  type Cell,
  type DataTable,
  type LineageRow,
  type LoadedModel,
  numberDual,
  textDual,
} from '../data/loaded-model.js';
import { type RawTable, readDataFile, serializeTable } from './read-data-file.js';
import { runSql } from './run-sql.js';
import { ExecutionError, ScriptError } from './script-error.js';

/** What an expression sees while a LOAD runs: the current source record and the script state. */
export interface RowScope {
  /** A field of the current record; undefined when the record has no such field. */
  value(field: string): Cell | undefined;
  readonly recNo: number;
  readonly rowNo: number;
  readonly iterNo: number;
  readonly variables: ReadonlyMap<string, string>;
  /** Changes whenever a variable changes (lets evaluators cache what they derive from variables). */
  readonly variablesVersion: number;
  /** A mapping table (MAPPING LOAD) for ApplyMap. */
  mapping(name: string): ReadonlyMap<string, Cell> | undefined;
}

/** Evaluates row-level (script) expressions. */
export type EvaluateRow = (expression: Expression, scope: RowScope) => Cell;

/** A data connection as the script sees it. */
export interface ReloadConnection {
  name: string;
  type: string;
  connectionString: string;
}

/** Where the reload reads and writes, and how it evaluates. */
export interface ReloadEnvironment {
  /** The simulator's data folder (folder connections point inside it). */
  dataDir: string;
  connections: readonly ReloadConnection[];
  evaluate: EvaluateRow;
  signal?: AbortSignal;
  /** Progress lines (the engine's persistent progress). */
  onProgress?: (line: string) => void;
}

interface WorkTable {
  name: string;
  fields: string[];
  rows: Cell[][];
}

const NO_SOURCE_FIELDS: RowScope['value'] = () => undefined;

class ExitScript extends Error {}
class ExitLoop extends Error {
  constructor(readonly target: 'do' | 'for' | 'sub') {
    super(target);
  }
}

/**
 * Runs a load script the way the engine does, for the subset the simulator supports (SET/LET,
 * LOAD from files / RESIDENT / INLINE / AUTOGENERATE / SQL, preceding loads, WHERE/WHILE,
 * DISTINCT, ORDER BY, JOIN/KEEP/CONCATENATE (explicit and implicit), MAPPING + ApplyMap,
 * CROSSTABLE, QUALIFY, STORE, DROP, RENAME, COMMENT, TAG, control flow). `$(…)` is expanded in each
 * statement's text right before it runs, as Qlik does. Anything unsupported is a ScriptError with
 * the line — never skipped silently.
 */
export async function runScript(script: string, env: ReloadEnvironment): Promise<LoadedModel> {
  const run = new ScriptRun(script, env);
  return run.execute();
}

class ScriptRun {
  readonly #source: string;
  readonly #env: ReloadEnvironment;
  readonly #tables: WorkTable[] = [];
  readonly #mappings = new Map<string, Map<string, Cell>>();
  readonly #variables = new Map<string, string>();
  readonly #subs = new Map<string, Extract<Statement, { kind: 'Sub' }>>();
  readonly #lineage: LineageRow[] = [];
  readonly #fieldComments = new Map<string, string>();
  readonly #fieldTags = new Map<string, string[]>();
  #qualified: { all: boolean; fields: Set<string>; except: Set<string> } = {
    all: false,
    fields: new Set(),
    except: new Set(),
  };
  #connection: ReloadConnection | undefined;
  #lastTable: WorkTable | undefined;
  #variablesVersion = 0;

  constructor(source: string, env: ReloadEnvironment) {
    this.#source = source;
    this.#env = env;
  }

  async execute(): Promise<LoadedModel> {
    const parsed = parseScript(this.#source);
    const error = parsed.diagnostics.find((d) => d.severity === 'error');
    if (error) {
      throw new ScriptError(`Syntax error: ${error.message}`, {
        line: error.span.start.line,
        column: error.span.start.column,
        statement: lineOf(this.#source, error.span.start.line),
      });
    }
    try {
      await this.#block(parsed.ast.body, this.#source);
    } catch (e) {
      if (!(e instanceof ExitScript)) throw e;
    }
    return {
      tables: this.#tables.map((t): DataTable => ({ name: t.name, fields: t.fields, rows: t.rows })),
      fieldComments: this.#fieldComments,
      fieldTags: this.#fieldTags,
      variables: this.#variables,
      lineage: this.#lineage,
    };
  }

  async #block(statements: readonly Statement[], source: string): Promise<void> {
    for (const statement of statements) {
      if (this.#env.signal?.aborted) throw new ScriptError('Reload aborted', position(statement, source));
      await this.#statement(statement, source);
    }
  }

  async #statement(statement: Statement, source: string): Promise<void> {
    const text = source.slice(statement.span.start.offset, statement.span.end.offset);
    try {
      switch (statement.kind) {
        case 'Tab':
        case 'Comment':
          return;
        case 'If': {
          for (const branch of statement.branches) {
            if (truthy(this.#scalar(branch.condition, source))) return this.#block(branch.body, source);
          }
          if (statement.elseBody) await this.#block(statement.elseBody, source);
          return;
        }
        case 'For': {
          const from = toNumber(this.#scalar(statement.from, source));
          const to = toNumber(this.#scalar(statement.to, source));
          const step = statement.step ? toNumber(this.#scalar(statement.step, source)) : 1;
          if (step === 0 || Number.isNaN(from + to + step))
            throw new ExecutionError('FOR needs numeric bounds and a non-zero step');
          for (let i = from; step > 0 ? i <= to : i >= to; i += step) {
            this.#setVariable(statement.variable, numberDual(i).text);
            if (await this.#loopBody(statement.body, source, 'for')) break;
          }
          return;
        }
        case 'ForEach': {
          const values: string[] = [];
          for (const expr of statement.values) values.push(...(await this.#listValues(expr, source)));
          for (const value of values) {
            this.#setVariable(statement.variable, value);
            if (await this.#loopBody(statement.body, source, 'for')) break;
          }
          return;
        }
        case 'DoLoop': {
          for (let guard = 0; guard < 1_000_000; guard++) {
            if (statement.condition && !this.#loopCondition(statement.condition, source)) return;
            if (await this.#loopBody(statement.body, source, 'do')) return;
            if (statement.loopCondition && !this.#loopCondition(statement.loopCondition, source)) return;
          }
          throw new ExecutionError('DO loop ran a million times: stopped');
        }
        case 'Switch': {
          const value = this.#scalar(statement.expression, source);
          for (const c of statement.cases) {
            if (c.values.some((v) => equalCells(this.#scalar(v, source), value))) return this.#block(c.body, source);
          }
          if (statement.defaultBody) await this.#block(statement.defaultBody, source);
          return;
        }
        case 'Sub':
          this.#subs.set(statement.name.toLowerCase(), statement);
          return;
        case 'Call': {
          const sub = this.#subs.get(statement.name.toLowerCase());
          if (!sub) throw new ExecutionError(`Unknown procedure: ${statement.name}`);
          sub.params.forEach((param, i) => {
            const arg = statement.args[i];
            this.#setVariable(param, arg ? (this.#scalar(arg, source)?.text ?? '') : '');
          });
          try {
            await this.#block(sub.body, source);
          } catch (e) {
            if (!(e instanceof ExitLoop && e.target === 'sub')) throw e;
          }
          return;
        }
        case 'Exit': {
          if (statement.condition) {
            const value = truthy(this.#scalar(statement.condition.expression, source));
            if (statement.condition.type === 'when' ? !value : value) return;
          }
          if (statement.target === 'script') throw new ExitScript();
          throw new ExitLoop(statement.target);
        }
        default:
          return await this.#leaf(statement, text, source);
      }
    } catch (error) {
      if (error instanceof ScriptError || error instanceof ExitScript || error instanceof ExitLoop) throw error;
      const message = error instanceof ExecutionError ? error.message : `Internal error: ${(error as Error).message}`;
      throw new ScriptError(message, position(statement, source));
    }
  }

  /** Runs a loop body; true when an EXIT DO/FOR ended the loop. */
  async #loopBody(body: readonly Statement[], source: string, target: 'do' | 'for'): Promise<boolean> {
    try {
      await this.#block(body, source);
      return false;
    } catch (e) {
      if (e instanceof ExitLoop && e.target === target) return true;
      throw e;
    }
  }

  #loopCondition(condition: { type: 'while' | 'until'; expression: Expression }, source: string): boolean {
    const value = truthy(this.#scalar(condition.expression, source));
    return condition.type === 'while' ? value : !value;
  }

  /** A simple statement: expand `$(…)` in its text (as Qlik does, right before it runs), then run it. */
  async #leaf(statement: Statement, text: string, source: string): Promise<void> {
    let node = statement;
    let nodeSource = source;
    if (text.includes('$(')) {
      const expanded = this.#expand(text);
      const reparsed = parseScript(expanded);
      const problem = reparsed.diagnostics.find((d) => d.severity === 'error');
      if (problem)
        throw new ExecutionError(
          `Syntax error after variable expansion: ${problem.message} (${expanded.trim().slice(0, 80)})`,
        );
      const first = reparsed.ast.body.find((s) => s.kind !== 'Comment' && s.kind !== 'Tab');
      if (!first) return;
      node = first;
      nodeSource = expanded;
    }
    const nodeText = nodeSource.slice(node.span.start.offset, node.span.end.offset);
    switch (node.kind) {
      case 'Set':
        this.#setVariable(node.name, node.value);
        return;
      case 'Let':
        this.#setVariable(node.name, node.expression ? (this.#scalar(node.expression, nodeSource)?.text ?? '') : '');
        return;
      case 'LoadStatement':
        return this.#load(node, nodeText);
      case 'Connect': {
        const name = node.target;
        const connection = this.#env.connections.find((c) => c.name.toLowerCase() === name.toLowerCase());
        if (!connection) throw new ExecutionError(`Connection '${name}' not found`);
        this.#connection = connection;
        return;
      }
      case 'Disconnect':
        this.#connection = undefined;
        return;
      case 'Store':
        return this.#store(node, nodeText);
      case 'Drop':
        return this.#drop(node);
      case 'Rename':
        return this.#rename(node);
      case 'Qualify':
        for (const f of node.fields) {
          if (f === '*') this.#qualified = { all: true, fields: new Set(), except: new Set() };
          else this.#qualified.fields.add(f);
        }
        return;
      case 'Unqualify':
        for (const f of node.fields) {
          if (f === '*') this.#qualified = { all: false, fields: new Set(), except: new Set() };
          else {
            this.#qualified.fields.delete(f);
            this.#qualified.except.add(f);
          }
        }
        return;
      case 'CommentStatement':
        if (node.target === 'field' && node.comment !== null)
          for (const n of node.names) this.#fieldComments.set(n, node.comment);
        return;
      case 'Tag':
        for (const n of node.names) {
          const current = this.#fieldTags.get(n) ?? [];
          this.#fieldTags.set(
            n,
            node.untag ? current.filter((t) => !node.tags.includes(t)) : [...new Set([...current, ...node.tags])],
          );
        }
        return;
      case 'Trace':
        this.#env.onProgress?.(node.text);
        return;
      case 'Sleep':
      case 'Directory':
        return;
      case 'Section':
        if (node.section === 'access') throw new ExecutionError('Section Access is not supported by the simulator');
        return;
      default:
        throw new ExecutionError(
          `Statement not supported by the simulator: ${nodeText.trim().split(/\s+/).slice(0, 3).join(' ')}`,
        );
    }
  }

  // ------------------------------------------------------------------------------------------- LOAD

  async #load(statement: LoadStatement, text: string): Promise<void> {
    let first: number | undefined;
    for (const prefix of statement.prefixes) {
      if (prefix.kind === 'ConditionPrefix') {
        const value = truthy(this.#scalar(prefix.condition, text));
        if (prefix.type === 'when' ? !value : value) return;
      }
      if (prefix.kind === 'FirstPrefix') first = toNumber(this.#scalar(prefix.count, text));
    }
    const result = await this.#query(statement.query, text, statement.label);
    if (first !== undefined) result.table.rows = result.table.rows.slice(0, Math.max(0, first));
    this.#env.onProgress?.(
      `${statement.label ?? result.defaultName} << ${result.sourceName} ${result.table.rows.length} Lines fetched`,
    );
    await this.#placeTable(statement, result.table, statement.label ?? result.defaultName);
  }

  /** Runs a LOAD or SELECT (and the queries its preceding loads stand on). */
  async #query(
    query: LoadQuery | SqlQuery,
    text: string,
    label: string | null,
  ): Promise<{ table: RawTable; defaultName: string; sourceName: string }> {
    if (query.kind === 'Sql') {
      const connection = this.#connection;
      if (!connection) throw new ExecutionError('SQL statement without a connection: LIB CONNECT TO first');
      if (connection.type.toLowerCase() === 'folder')
        throw new ExecutionError(`SQL needs a database connection, '${connection.name}' is a folder`);
      const table = await runSql(query.text, join(this.#env.dataDir, 'db', connection.name), connection.name);
      this.#lineage.push({ qDiscriminator: `${connection.name};`, qStatement: query.text });
      const sqlTable = query.tables[0]?.name ?? connection.name;
      return { table, defaultName: sqlTable.split('.').pop() ?? sqlTable, sourceName: connection.name };
    }
    let source: RawTable;
    let defaultName: string;
    let sourceName: string;
    const src = query.source;
    switch (src.kind) {
      case 'FromSource': {
        const path = this.#resolvePath(src.path);
        const format = src.format ? fileFormatOptions(src.format) : {};
        source = await readDataFile(path, format);
        defaultName = basename(src.path).replace(/\.[^.]+$/, '');
        sourceName = src.path;
        this.#lineage.push({ qDiscriminator: `${src.path}${formatSuffix(src.format)};`, qStatement: text.trim() });
        break;
      }
      case 'ResidentSource': {
        const table = this.#table(src.table);
        source = { fields: [...table.fields], rows: table.rows };
        defaultName = `${table.name}-1`;
        sourceName = `RESIDENT ${table.name}`;
        this.#lineage.push({ qDiscriminator: `RESIDENT ${table.name};`, qStatement: text.trim() });
        break;
      }
      case 'InlineSource':
        source = { fields: [...src.fields], rows: src.rows.map((row) => src.fields.map((_, i) => inlineCell(row[i]))) };
        defaultName = label ?? 'INLINE';
        sourceName = 'INLINE';
        this.#lineage.push({ qDiscriminator: 'INLINE;', qStatement: text.trim() });
        break;
      case 'AutogenerateSource': {
        const count = toNumber(this.#scalar(src.count, text));
        if (!Number.isFinite(count) || count < 0) throw new ExecutionError('AUTOGENERATE needs a number of rows');
        if (count > 20_000_000)
          throw new ExecutionError('AUTOGENERATE of more than 20 000 000 rows is not supported by the simulator');
        source = { fields: [], rows: Array.from({ length: Math.floor(count) }, () => []) };
        defaultName = 'AUTOGENERATE';
        sourceName = 'AUTOGENERATE';
        this.#lineage.push({ qDiscriminator: 'AUTOGENERATE;', qStatement: text.trim() });
        break;
      }
      case 'PrecedingSource': {
        const inner = await this.#query(src.query, text, label);
        source = inner.table;
        defaultName = inner.defaultName;
        sourceName = inner.sourceName;
        break;
      }
      default:
        throw new ExecutionError(`LOAD source ${src.kind.replace('Source', '')} is not supported by the simulator`);
    }
    return { table: this.#project(query, source), defaultName, sourceName };
  }

  /** Evaluates a LOAD's field list over its source records (WHERE, WHILE, DISTINCT, ORDER BY). */
  #project(query: LoadQuery, source: RawTable): RawTable {
    if (query.groupBy.length > 0) throw new ExecutionError('GROUP BY is not supported by the simulator');
    const scope = this.#recordScope(new Map(source.fields.map((f, i) => [f, i])));
    let records = source.rows;
    if (query.orderBy.length > 0) {
      const keyed = records.map((row, recNo) => {
        scope.at(row, recNo + 1, recNo + 1, 1);
        return { row, keys: query.orderBy.map((o) => this.#evaluate(o.expression, scope)) };
      });
      keyed.sort((a, b) => {
        for (let i = 0; i < query.orderBy.length; i++) {
          const order = compareCells(a.keys[i] ?? null, b.keys[i] ?? null);
          if (order !== 0) return query.orderBy[i]?.direction === 'desc' ? -order : order;
        }
        return 0;
      });
      records = keyed.map((k) => k.row);
    }
    const outputs = outputFields(query.fields, source.fields);
    const width = outputs.length;
    const rows: Cell[][] = [];
    const seen = query.distinct ? new Set<string>() : undefined;
    for (let r = 0; r < records.length; r++) {
      const record = records[r] ?? [];
      for (let iter = 1; ; iter++) {
        scope.at(record, r + 1, rows.length + 1, iter);
        if (query.while && !truthy(this.#evaluate(query.while, scope))) break;
        if (!query.where || truthy(this.#evaluate(query.where, scope))) {
          const row: Cell[] = new Array(width);
          for (let c = 0; c < width; c++) {
            const o = outputs[c] as (typeof outputs)[number];
            row[c] = o.star !== undefined ? (record[o.star] ?? null) : this.#evaluate(o.expression, scope);
          }
          const key = seen ? JSON.stringify(row) : undefined;
          if (!seen || !seen.has(key as string)) {
            seen?.add(key as string);
            rows.push(row);
          }
        }
        if (!query.while) break;
        if (iter > 100_000) throw new ExecutionError('WHILE clause ran 100 000 iterations for one record: stopped');
      }
    }
    return { fields: outputs.map((o) => o.name), rows };
  }

  /**
   * One scope object for a whole LOAD, moved from record to record: expressions run millions of
   * times, so nothing is allocated per record.
   */
  #recordScope(
    index: Map<string, number>,
  ): RowScope & { at(record: readonly Cell[], recNo: number, rowNo: number, iterNo: number): void } {
    const run = this;
    let current: readonly Cell[] = [];
    const scope = {
      recNo: 0,
      rowNo: 0,
      iterNo: 0,
      variables: this.#variables,
      get variablesVersion(): number {
        return run.#variablesVersion;
      },
      value(field: string): Cell | undefined {
        const i = index.get(field);
        return i === undefined ? undefined : (current[i] ?? null);
      },
      mapping: (name: string) => this.#mappings.get(name),
      at(record: readonly Cell[], recNo: number, rowNo: number, iterNo: number): void {
        current = record;
        scope.recNo = recNo;
        scope.rowNo = rowNo;
        scope.iterNo = iterNo;
      },
    };
    return scope;
  }

  /** Puts a loaded table where its prefixes say: mapping, join, keep, concatenation, crosstable, or a new table. */
  async #placeTable(statement: LoadStatement, loaded: RawTable, name: string): Promise<void> {
    let table = loaded;
    const prefixes = statement.prefixes;
    const crosstable = prefixes.find((p) => p.kind === 'CrossTablePrefix');
    if (crosstable)
      table = crossTable(
        table,
        crosstable.attributeField,
        crosstable.dataField,
        qualifierCount(crosstable.qualifierFields),
      );
    if (prefixes.some((p) => p.kind === 'MappingPrefix')) {
      if (table.fields.length < 2) throw new ExecutionError('A mapping table needs two fields');
      const map = new Map<string, Cell>();
      for (const row of table.rows) {
        const key = row[0]?.text ?? '';
        if (!map.has(key)) map.set(key, row[1] ?? null);
      }
      this.#mappings.set(name, map);
      return;
    }
    table = this.#qualify(table, name);
    const join = prefixes.find((p) => p.kind === 'JoinPrefix' || p.kind === 'KeepPrefix');
    if (join && (join.kind === 'JoinPrefix' || join.kind === 'KeepPrefix')) {
      const target = join.table ? this.#table(join.table) : this.#lastTable;
      if (!target) throw new ExecutionError('JOIN/KEEP without a previous table');
      if (join.kind === 'JoinPrefix') {
        const joined = joinTables(target, table, join.type ?? 'outer');
        target.fields = joined.fields;
        target.rows = joined.rows;
        this.#lastTable = target;
      } else {
        const kept = keepTables(target, table, join.type ?? 'inner');
        target.rows = kept.left;
        this.#addTable({ name: this.#uniqueName(name), fields: table.fields, rows: kept.right });
      }
      return;
    }
    const concat = prefixes.find((p) => p.kind === 'ConcatenatePrefix');
    const noConcat = prefixes.some((p) => p.kind === 'NoConcatenatePrefix');
    let target: WorkTable | undefined;
    if (concat && concat.kind === 'ConcatenatePrefix') {
      target = concat.table ? this.#table(concat.table) : this.#lastTable;
      if (!target) throw new ExecutionError('CONCATENATE without a previous table');
    } else if (!noConcat) {
      target = this.#tables.find((t) => sameFieldSet(t.fields, table.fields));
    }
    if (target) {
      concatenate(target, table);
      this.#lastTable = target;
      return;
    }
    this.#addTable({ name: this.#uniqueName(name), fields: [...table.fields], rows: table.rows });
  }

  #addTable(table: WorkTable): void {
    if (new Set(table.fields).size !== table.fields.length) {
      throw new ExecutionError(`Field names must be unique within table ${table.name}`);
    }
    this.#tables.push(table);
    this.#lastTable = table;
  }

  #qualify(table: RawTable, name: string): RawTable {
    const { all, fields, except } = this.#qualified;
    if (!all && fields.size === 0) return table;
    return {
      ...table,
      fields: table.fields.map((f) => ((all || fields.has(f)) && !except.has(f) ? `${name}.${f}` : f)),
    };
  }

  // --------------------------------------------------------------------------------------- other ops

  async #store(statement: Extract<Statement, { kind: 'Store' }>, text: string): Promise<void> {
    const table = this.#table(statement.table);
    let fields = table.fields;
    let rows = table.rows;
    if (statement.fields && !statement.fields.some((f) => f.kind === 'LoadStar')) {
      const wanted = statement.fields.map((f) => (f.kind === 'LoadField' ? fieldName(f) : ''));
      const indexes = wanted.map((w) => {
        const i = table.fields.indexOf(w);
        if (i < 0) throw new ExecutionError(`Field '${w}' not found in table ${table.name}`);
        return i;
      });
      fields = wanted;
      rows = rows.map((row) => indexes.map((i) => row[i] ?? null));
    }
    const options = statement.format ? fileFormatOptions(statement.format) : { fileType: null };
    const type = options.fileType === 'txt' || options.fileType === 'csv' ? 'txt' : 'qvd';
    const path = this.#resolvePath(statement.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, serializeTable(table.name, fields, rows, type));
    this.#lineage.push({ qDiscriminator: `{STORE - [${statement.path}] (${type})};`, qStatement: text.trim() });
    this.#env.onProgress?.(`${table.name} stored into ${statement.path}`);
  }

  #drop(statement: Extract<Statement, { kind: 'Drop' }>): void {
    if (statement.target === 'table') {
      for (const name of statement.names) {
        const table = this.#table(name);
        this.#tables.splice(this.#tables.indexOf(table), 1);
        if (this.#lastTable === table) this.#lastTable = this.#tables[this.#tables.length - 1];
      }
      return;
    }
    const tables = statement.from.length > 0 ? statement.from.map((n) => this.#table(n)) : this.#tables;
    for (const field of statement.names) {
      let found = false;
      for (const table of tables) {
        const i = table.fields.indexOf(field);
        if (i < 0) continue;
        found = true;
        table.fields.splice(i, 1);
        table.rows = table.rows.map((row) => row.filter((_, j) => j !== i));
      }
      if (!found) throw new ExecutionError(`Field '${field}' not found`);
    }
  }

  #rename(statement: Extract<Statement, { kind: 'Rename' }>): void {
    let pairs = statement.pairs.map((p) => ({ from: p.from, to: p.to }));
    if (statement.using) {
      const map = this.#mappings.get(statement.using);
      if (!map) throw new ExecutionError(`Mapping table '${statement.using}' not found`);
      pairs = [...map.entries()].map(([from, to]) => ({ from, to: to?.text ?? from }));
    }
    for (const { from, to } of pairs) {
      if (statement.target === 'table') {
        const table = this.#tables.find((t) => t.name === from);
        if (!table) {
          if (statement.using) continue;
          throw new ExecutionError(`Table '${from}' not found`);
        }
        table.name = to;
      } else {
        let found = false;
        for (const table of this.#tables) {
          const i = table.fields.indexOf(from);
          if (i >= 0) {
            table.fields[i] = to;
            found = true;
          }
        }
        if (!found && !statement.using) throw new ExecutionError(`Field '${from}' not found`);
      }
    }
  }

  async #listValues(expression: Expression, source: string): Promise<string[]> {
    if (expression.kind === 'FunctionCall' && expression.name.toLowerCase() === 'filelist') {
      const mask = this.#scalar(expression.args[0] as Expression, source)?.text ?? '';
      const path = this.#resolvePath(mask);
      const pattern = new RegExp(
        `^${basename(path)
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        'i',
      );
      const files = await readdir(dirname(path)).catch(() => [] as string[]);
      const prefix = mask.slice(0, mask.length - basename(mask).length);
      return files
        .filter((f) => pattern.test(f))
        .sort()
        .map((f) => `${prefix}${f}`);
    }
    if (expression.kind === 'FunctionCall' && expression.name.toLowerCase() === 'fieldvaluelist') {
      const field = this.#scalar(expression.args[0] as Expression, source)?.text ?? '';
      const values = new Set<string>();
      for (const table of this.#tables) {
        const i = table.fields.indexOf(field);
        if (i >= 0) for (const row of table.rows) if (row[i]) values.add((row[i] as { text: string }).text);
      }
      return [...values];
    }
    return [this.#scalar(expression, source)?.text ?? ''];
  }

  // ------------------------------------------------------------------------------------------ helpers

  #setVariable(name: string, value: string): void {
    this.#variables.set(name, value);
    this.#variablesVersion++;
  }

  #table(name: string): WorkTable {
    const table = this.#tables.find((t) => t.name === name);
    if (!table) throw new ExecutionError(`Table '${name}' not found`);
    return table;
  }

  #uniqueName(name: string): string {
    if (!this.#tables.some((t) => t.name === name)) return name;
    for (let i = 1; ; i++) if (!this.#tables.some((t) => t.name === `${name}-${i}`)) return `${name}-${i}`;
  }

  /** `lib://Conn/sub/path` → a path inside the connection's folder (never outside the data folder). */
  #resolvePath(path: string): string {
    const match = /^lib:\/\/([^/\\]+)[/\\]?(.*)$/i.exec(path.trim());
    if (!match) throw new ExecutionError(`Only lib:// paths are supported by the simulator: '${path}'`);
    const [, name = '', rest = ''] = match;
    const connection = this.#env.connections.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!connection) throw new ExecutionError(`Connection '${name}' not found`);
    if (connection.type.toLowerCase() !== 'folder')
      throw new ExecutionError(`Connection '${name}' is not a folder connection`);
    const root = resolve(this.#env.dataDir, connection.connectionString);
    const full = resolve(root, rest);
    const inside = relative(resolve(this.#env.dataDir), full);
    if (inside.startsWith('..') || resolve(inside) === inside)
      throw new ExecutionError(`Path outside the data folder: '${path}'`);
    return full;
  }

  #expand(text: string): string {
    return expand(text, this.#variables, {
      unknown: 'empty',
      evaluate: (expression) => {
        const parsed = parseExpression(expression);
        if (parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
        return this.#evaluate(parsed.ast, this.#noRow())?.text;
      },
    });
  }

  /** Evaluates an expression of a control statement (its text is expanded first). */
  #scalar(expression: Expression, source: string): Cell {
    const text = source.slice(expression.span.start.offset, expression.span.end.offset);
    if (!text.includes('$(')) return this.#evaluate(expression, this.#noRow());
    const parsed = parseExpression(this.#expand(text));
    if (parsed.diagnostics.some((d) => d.severity === 'error')) throw new ExecutionError(`Invalid expression: ${text}`);
    return this.#evaluate(parsed.ast, this.#noRow());
  }

  #noRow(): RowScope {
    return {
      value: NO_SOURCE_FIELDS,
      recNo: 0,
      rowNo: 0,
      iterNo: 0,
      variables: this.#variables,
      variablesVersion: this.#variablesVersion,
      mapping: (name) => this.#mappings.get(name),
    };
  }

  #evaluate(expression: Expression, scope: RowScope): Cell {
    return this.#env.evaluate(expression, scope);
  }
}

// ------------------------------------------------------------------------------------- table algebra

function outputFields(
  items: readonly LoadFieldItem[],
  sourceFields: readonly string[],
): { name: string; star?: number; expression: Expression }[] {
  const out: { name: string; star?: number; expression: Expression }[] = [];
  for (const item of items) {
    if (item.kind === 'LoadStar') {
      sourceFields.forEach((f, i) => {
        out.push({ name: f, star: i, expression: null as unknown as Expression });
      });
    } else {
      out.push({ name: fieldName(item), expression: item.expression });
    }
  }
  return out;
}

function fieldName(item: Extract<LoadFieldItem, { kind: 'LoadField' }>): string {
  if (item.alias !== null) return item.alias;
  if (item.expression.kind === 'FieldRef') return item.expression.name;
  return printExpression(item.expression);
}

function sameFieldSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((f) => set.has(f));
}

function concatenate(target: WorkTable, table: RawTable): void {
  for (const f of table.fields) {
    if (!target.fields.includes(f)) {
      target.fields.push(f);
      for (const row of target.rows) row.push(null);
    }
  }
  const index = table.fields.map((f) => target.fields.indexOf(f));
  for (const row of table.rows) {
    const out: Cell[] = target.fields.map(() => null);
    index.forEach((to, from) => {
      out[to] = row[from] ?? null;
    });
    target.rows.push(out);
  }
}

function keyOf(row: readonly Cell[], indexes: readonly number[]): string {
  return indexes.map((i) => row[i]?.text ?? '\u0000null').join('\u0001');
}

function joinTables(left: WorkTable, right: RawTable, type: 'inner' | 'left' | 'right' | 'outer'): RawTable {
  const common = right.fields.filter((f) => left.fields.includes(f));
  const leftIdx = common.map((f) => left.fields.indexOf(f));
  const rightIdx = common.map((f) => right.fields.indexOf(f));
  const extra = right.fields.map((f, i) => ({ f, i })).filter(({ f }) => !left.fields.includes(f));
  const fields = [...left.fields, ...extra.map((e) => e.f)];
  const byKey = new Map<string, (readonly Cell[])[]>();
  for (const row of right.rows) {
    const k = keyOf(row, rightIdx);
    const list = byKey.get(k);
    if (list) list.push(row);
    else byKey.set(k, [row]);
  }
  const rows: Cell[][] = [];
  const matched = new Set<string>();
  for (const row of left.rows) {
    const k = common.length === 0 ? '' : keyOf(row, leftIdx);
    const partners = common.length === 0 ? right.rows : byKey.get(k);
    if (partners && partners.length > 0) {
      matched.add(k);
      for (const p of partners) rows.push([...row, ...extra.map((e) => p[e.i] ?? null)]);
    } else if (type === 'left' || type === 'outer') {
      rows.push([...row, ...extra.map(() => null)]);
    }
  }
  if (type === 'right' || type === 'outer') {
    for (const [k, partners] of byKey) {
      if (matched.has(k)) continue;
      for (const p of partners) {
        const row: Cell[] = left.fields.map((f) => {
          const i = right.fields.indexOf(f);
          return i >= 0 ? (p[i] ?? null) : null;
        });
        rows.push([...row, ...extra.map((e) => p[e.i] ?? null)]);
      }
    }
  }
  return { fields, rows };
}

function keepTables(
  left: WorkTable,
  right: RawTable,
  type: 'inner' | 'left' | 'right',
): { left: Cell[][]; right: Cell[][] } {
  const common = right.fields.filter((f) => left.fields.includes(f));
  const leftIdx = common.map((f) => left.fields.indexOf(f));
  const rightIdx = common.map((f) => right.fields.indexOf(f));
  const leftKeys = new Set(left.rows.map((r) => keyOf(r, leftIdx)));
  const rightKeys = new Set(right.rows.map((r) => keyOf(r, rightIdx)));
  return {
    left: type === 'left' ? left.rows : left.rows.filter((r) => rightKeys.has(keyOf(r, leftIdx))),
    right: type === 'right' ? right.rows : right.rows.filter((r) => leftKeys.has(keyOf(r, rightIdx))),
  };
}

function crossTable(table: RawTable, attribute: string, data: string, qualifiers: number): RawTable {
  const keep = table.fields.slice(0, qualifiers);
  const rows: Cell[][] = [];
  for (const row of table.rows) {
    for (let i = qualifiers; i < table.fields.length; i++) {
      rows.push([...row.slice(0, qualifiers), textDual(table.fields[i] ?? ''), row[i] ?? null]);
    }
  }
  return { fields: [...keep, attribute, data], rows };
}

function qualifierCount(expression: Expression | null): number {
  if (!expression) return 1;
  return expression.kind === 'NumberLiteral' ? Number(expression.value) : 1;
}

function inlineCell(text: string | undefined): Cell {
  if (text === undefined || text === '') return null;
  return textDual(text);
}

function formatSuffix(format: FileFormat | null): string {
  if (!format) return '';
  return ` (${format.specs.map((s) => (s.value ? `${s.name} ${s.value}` : s.name)).join(', ')})`;
}

// ----------------------------------------------------------------------------------------- values

/** Qlik truth: a number other than 0 is true; null and text are false. */
export function truthy(cell: Cell): boolean {
  return cell !== null && !Number.isNaN(cell.num) && cell.num !== 0;
}

function toNumber(cell: Cell): number {
  return cell === null ? Number.NaN : cell.num;
}

function equalCells(a: Cell, b: Cell): boolean {
  if (a === null || b === null) return a === b;
  if (!Number.isNaN(a.num) && !Number.isNaN(b.num)) return a.num === b.num;
  return a.text.toLowerCase() === b.text.toLowerCase();
}

function compareCells(a: Cell, b: Cell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (!Number.isNaN(a.num) && !Number.isNaN(b.num)) return a.num - b.num;
  return a.text.localeCompare(b.text);
}

function position(statement: Statement, source: string): { line: number; column: number; statement: string } {
  return {
    line: statement.span.start.line,
    column: statement.span.start.column,
    statement: source.slice(statement.span.start.offset, statement.span.end.offset).trim().slice(0, 400),
  };
}

function lineOf(source: string, line: number): string {
  return source.split(/\r?\n/)[line - 1] ?? '';
}
