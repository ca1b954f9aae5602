import { type Expression, expand, type LoadStatement, parseExpression, type QualifyRule } from '@qixflow/script';
import type { BoundExpression } from '../data/expressions/compile-expression.js';
import { MAX_TEXT_LENGTH } from '../data/expressions/text-limit.js';
import { formatSettings } from '../data/formats/format-settings.js';
import { TextInterpreter } from '../data/formats/interpret-text.js';
import type { Cell, LineageRow, SectionAccessData } from '../data/model/loaded-model.js';
import type { ColumnTable } from './column-table.js';
import { DataFolder } from './data-folder.js';
import type { Derivation, FieldDefinition } from './field-definition.js';
import type { LoadInProgress } from './load-in-progress.js';
import { RecordCursor, type RecordScope } from './record-scope.js';
import { DEFAULT_RELOAD_BUDGETS, ReloadGuard } from './reload-budget.js';
import type { ReloadConnection, ReloadEnvironment, RowScope } from './reload-environment.js';
import { ExecutionError } from './script-error.js';
import { ScriptFunctionHost } from './script-function-host.js';
import type { WorkTable } from './work-table.js';

const NO_SOURCE_FIELDS: RowScope['value'] = () => undefined;

/**
 * Everything a running script has built so far — tables, mappings, variables, lineage, QUALIFY
 * and connection state — plus its guard (yielding, aborts, budgets) and its data folder. The
 * statement runners read and change it; the driver turns it into the loaded model at the end.
 */
export class ScriptState {
  readonly env: ReloadEnvironment;
  readonly guard: ReloadGuard;
  readonly folder: DataFolder;
  readonly tables: WorkTable[] = [];
  readonly mappings = new Map<string, Map<string, Cell>>();
  readonly variables = new Map<string, string>();
  readonly lineage: LineageRow[] = [];
  readonly fieldComments = new Map<string, string>();
  readonly fieldTags = new Map<string, string[]>();
  /** The QUALIFY / UNQUALIFY statements run so far, in order. */
  readonly qualify: QualifyRule[] = [];
  connection: ReloadConnection | undefined;
  lastTable: WorkTable | undefined;
  /** The section the script is in (`Section Access;` / `Section Application;`). */
  section: 'access' | 'application' = 'application';
  /** Tables loaded in the access section: section access data, kept out of the data model. */
  readonly accessTables = new Set<WorkTable>();
  /** The section access of the app a BINARY loaded, if it had one. */
  binaryAccess: SectionAccessData | undefined;
  /** Statements begun so far, comments and tab markers left out: BINARY must be the first. */
  statementsRun = 0;
  /** The LOAD statement running now, and the stage of it producing rows (Peek, Previous, Exists, RowNo read them). */
  loadStatement: LoadStatement | undefined;
  loading: LoadInProgress | undefined;
  /** The file the LOAD in progress reads (`lib://…` as written), for FileName() and its kin. */
  currentFile: string | undefined;
  /** AutoNumber's counters (by AutoID): value → number, for the whole reload. */
  readonly autoNumbers = new Map<string, Map<string, number>>();
  /** DECLARE FIELD DEFINITION results, by name; DERIVE's requests, applied when the script ends. */
  readonly fieldDefinitions = new Map<string, FieldDefinition>();
  readonly derivations: Derivation[] = [];
  /** What the script's own functions (TableNumber, Peek, Exists, AutoNumber …) read. */
  readonly functions: ScriptFunctionHost = new ScriptFunctionHost(this);
  #variablesVersion = 0;
  #interpreter: TextInterpreter | undefined;
  #interpreterVersion = -1;
  #nullInterpret: string | undefined;
  readonly #nullVariables = new Set<string>();
  readonly #nullVariable: RowScope['value'] = (name) => (this.#nullVariables.has(name) ? null : undefined);

  constructor(env: ReloadEnvironment) {
    this.env = env;
    this.guard = env.guard ?? new ReloadGuard(env.budgets ?? DEFAULT_RELOAD_BUDGETS, env.signal);
    this.folder = new DataFolder(env.dataDir, env.connections, env.folderMappings);
  }

  /**
   * A value of a delimited file or INLINE table as the script reads it: `NullInterpret`'s text is
   * NULL, other text is read with the format variables in force now (numbers, dates, times,
   * timestamps keep their text and gain their number).
   */
  interpretText(text: string): Cell {
    if (this.#interpreterVersion !== this.#variablesVersion || !this.#interpreter) {
      this.#interpreter = new TextInterpreter(formatSettings((name) => this.variables.get(name)));
      this.#nullInterpret = this.variables.get('NullInterpret');
      this.#interpreterVersion = this.#variablesVersion;
    }
    return text === this.#nullInterpret ? null : this.#interpreter.dual(text);
  }

  get variablesVersion(): number {
    return this.#variablesVersion;
  }

  setVariable(name: string, value: string): void {
    this.#nullVariables.delete(name);
    this.variables.set(name, value);
    this.#variablesVersion++;
  }

  /** Removes a variable (a SUB's parameter when the SUB returns). */
  deleteVariable(name: string): void {
    this.#nullVariables.delete(name);
    if (this.variables.delete(name)) this.#variablesVersion++;
  }

  /**
   * `LET v = <NULL>`: the variable is removed (Qlik's `LET v = Null();` idiom keeps it out of the
   * app), yet the script's own expressions read it as NULL, so `IsNull(v)` holds, not "not found".
   */
  setNullVariable(name: string): void {
    this.deleteVariable(name);
    this.#nullVariables.add(name);
  }

  table(name: string): WorkTable {
    const table = this.tables.find((t) => t.name === name);
    if (!table) throw new ExecutionError(`Table '${name}' not found`);
    return table;
  }

  uniqueName(name: string): string {
    if (!this.tables.some((t) => t.name === name)) return name;
    for (let i = 1; ; i++) if (!this.tables.some((t) => t.name === `${name}-${i}`)) return `${name}-${i}`;
  }

  addTable(table: WorkTable): void {
    if (new Set(table.fields).size !== table.fields.length) {
      throw new ExecutionError(`Field names must be unique within table ${table.name}`);
    }
    this.tables.push(table);
    this.lastTable = table;
    if (this.section === 'access') this.accessTables.add(table);
  }

  /** Rows and cells the script's tables hold, leaving out `except` (a table about to be replaced). */
  held(except?: WorkTable): { rows: number; cells: number } {
    let rows = 0;
    let cells = 0;
    for (const t of this.tables) {
      if (t === except) continue;
      const count = t.rowCount;
      rows += count;
      cells += count * t.fields.length;
    }
    return { rows, cells };
  }

  /**
   * A check for an operation that produces rows of `width` fields next to what the script holds:
   * call it with the number produced so far (cheap enough for every row).
   */
  growth(width: number, except?: WorkTable): (produced: number) => void {
    const held = this.held(except);
    const { rows, cells } = this.guard.budgets;
    const room = Math.min(rows - held.rows, width > 0 ? Math.floor((cells - held.cells) / width) : rows);
    return (produced) => {
      if (produced > room) this.guard.hold(held.rows + produced, held.cells + produced * width);
    };
  }

  /**
   * `$(…)` expansion of a statement's text, with the script's variables. The result is bounded
   * like any text the engine builds: a variable that doubles itself (`LET s = '$(s)$(s)'`) would
   * otherwise hand the parser statements of hundreds of megabytes, each parsed in one blocking go.
   */
  expand(text: string): string {
    const expanded = this.#expandUnbounded(text);
    if (expanded.length > MAX_TEXT_LENGTH) {
      throw new ExecutionError(
        `Statement too long after variable expansion: ${expanded.length} characters (the maximum is ${MAX_TEXT_LENGTH})`,
      );
    }
    return expanded;
  }

  #expandUnbounded(text: string): string {
    return expand(text, this.variables, {
      unknown: 'empty',
      evaluate: (expression) => {
        const parsed = parseExpression(expression);
        if (parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
        return this.evaluate(parsed.ast, this.noRow())?.text;
      },
    });
  }

  /** Evaluates an expression of a control statement (its text is expanded first). */
  scalar(expression: Expression, source: string): Cell {
    const text = source.slice(expression.span.start.offset, expression.span.end.offset);
    if (!text.includes('$(')) return this.evaluate(expression, this.noRow());
    const parsed = parseExpression(this.expand(text));
    if (parsed.diagnostics.some((d) => d.severity === 'error')) throw new ExecutionError(`Invalid expression: ${text}`);
    return this.evaluate(parsed.ast, this.noRow());
  }

  evaluate(expression: Expression, scope: RowScope): Cell {
    return this.env.evaluate(expression, scope);
  }

  /** {@link evaluate} bound to one scope for the whole of a LOAD (its many calls skip the per-call checks). */
  evaluatorFor(scope: RowScope): (expression: Expression) => Cell {
    const evaluate = this.env.evaluate;
    return evaluate.forScope?.(scope) ?? ((expression) => evaluate(expression, scope));
  }

  /**
   * The expressions a LOAD evaluates per record, each compiled once and bound to `scope` (see
   * {@link BoundExpression}: numeric ones give numbers without a cell per record).
   */
  binderFor(scope: RowScope): (expression: Expression) => BoundExpression {
    const bindFor = this.env.evaluate.bindFor;
    if (bindFor) return bindFor(scope);
    const evaluate = this.evaluatorFor(scope);
    return (expression) => ({ cell: () => evaluate(expression), number: undefined });
  }

  noRow(): RowScope {
    return {
      value: this.#nullVariables.size === 0 ? NO_SOURCE_FIELDS : this.#nullVariable,
      recNo: 0,
      rowNo: 0,
      iterNo: 0,
      variables: this.variables,
      variablesVersion: this.#variablesVersion,
      mapping: (name) => this.mappings.get(name),
      script: this.functions,
    };
  }

  /**
   * One scope object for a whole LOAD, moved from record to record: expressions run millions of
   * times, so nothing is allocated per record.
   */
  recordScope(source: ColumnTable): RecordScope {
    return new RecordCursor(source, this);
  }
}
