import type { ChartContext } from './expressions/chart-context.js';
import { evaluateChartScalar, parseChartExpression, valuesWhere } from './expressions/chart-expression.js';
import type { EvaluationEnvironment } from './expressions/evaluate-expression.js';
import { ExpressionError } from './expressions/expression-error.js';
import { type Expression, fieldsOf } from './expressions/script-bridge.js';
import { toNumber } from './expressions/value-ops.js';
import type { JsonRecord } from './json-record.js';
import {
  type AssociativeModel,
  associativeModelSteps,
  buildAssociativeModel,
  type ModelField,
} from './model/associative-model.js';
import type { Cell, LoadedModel } from './model/loaded-model.js';
import {
  type FieldDescription,
  type FieldListOptions,
  fieldDescription,
  fieldList,
  type SourceKeyRecord,
  type TableRecord,
  type TablesAndKeysOptions,
  tableData,
  tablesAndKeys,
} from './model/model-info.js';
import { runStepsPaced, type WorkPacer } from './model/work-steps.js';
import {
  type FieldValueInput,
  type MatchOptions,
  selectAll,
  selectAlternative,
  selectExcluded,
  selectMatch,
  selectPossible,
  selectValues,
} from './selections/field-selections.js';
import { type SelectionMark, SelectionState, type SelectOptions } from './selections/selection-state.js';
import { activeField } from './views/cube-dimension.js';
import { HyperCubeData } from './views/hypercube-data.js';
import type { LibraryItems } from './views/hypercube-shape.js';
import { ListObjectData } from './views/list-object-data.js';
import { type SelectionObjectLayout, selectionObject } from './views/selection-object.js';

/** Options of {@link DataEngine}. */
export interface DataEngineOptions {
  /**
   * Variables beyond the script's (the app's GenericVariables): consulted first. The text is the
   * definition (`=Sum(x)` is computed where it is used).
   */
  readonly variable?: (name: string) => string | undefined;
  /** The clock for Now() / Today(); `Date.now` when left out. */
  readonly now?: () => number;
}

/** `EvaluateEx`'s FieldValue. */
export interface EvaluatedValue {
  qText: string;
  qIsNumeric: boolean;
  qNumber?: number;
}

/** `CheckExpression`'s result. */
export interface ExpressionCheck {
  qErrorMsg: string;
  qBadFieldNames: { qFrom: number; qCount: number }[];
  qDangerousFieldNames: { qFrom: number; qCount: number }[];
}

/** The Field API over one field in one selection state: every mutating call returns whether selections changed. */
export interface FieldSelector {
  readonly field: ModelField;
  select(match: string, softLock?: boolean, excludedValuesMode?: number): boolean;
  toggleSelect(match: string, softLock?: boolean, excludedValuesMode?: number): boolean;
  selectValues(values: readonly FieldValueInput[], toggle?: boolean, softLock?: boolean): boolean;
  lowLevelSelect(elems: readonly number[], toggle?: boolean, softLock?: boolean): boolean;
  selectAll(softLock?: boolean): boolean;
  selectPossible(softLock?: boolean): boolean;
  selectExcluded(softLock?: boolean): boolean;
  selectAlternative(softLock?: boolean): boolean;
  clearAllButThis(softLock?: boolean): boolean;
  clear(): boolean;
  lock(): boolean;
  unlock(): boolean;
  /** Whether the field's selection is locked in this state. */
  isLocked(): boolean;
  getCardinal(): number;
}

/** The selections of every state of a {@link DataEngine} at one moment. */
export type DataMark = ReadonlyMap<string, { readonly state: SelectionState; readonly mark: SelectionMark }>;

/**
 * The in-memory data engine of one loaded app: the associative model built from a reload's tables,
 * the selection states (`$` and alternate states), and everything computed from them — hypercube
 * and list object data for layouts, Evaluate, CheckExpression, field lists, GetTablesAndKeys.
 * Build a new one after every reload (selections do not survive a reload).
 *
 * @example
 * const engine = new DataEngine(loadedModel);
 * engine.fieldSelector('Alpha')?.selectValues([{ qText: 'A' }, { qText: 'B' }]); // true
 * engine.evaluate('=Count(Alpha)'); // { qText: '2', qIsNumeric: true, qNumber: 2 }
 * buildHyperCubeLayout(def, engine.hyperCube(def), library);
 */
export class DataEngine {
  readonly model: AssociativeModel;
  private readonly states = new Map<string, SelectionState>();
  private readonly env: EvaluationEnvironment;

  constructor(loaded: LoadedModel, options: DataEngineOptions = {}) {
    this.model = sharedModel(loaded);
    this.states.set('$', new SelectionState(this.model, '$'));
    const model = this.model;
    this.env = {
      settings: model.settings,
      variable: (name) => options.variable?.(name) ?? model.variable(name),
      ...(options.now ? { now: options.now } : {}),
    };
  }

  // ── States ─────────────────────────────────────────────────────────────────────────────────

  /** A selection state by name (`$` or '' for the default one); undefined for an unknown alternate state. */
  state(name = '$'): SelectionState | undefined {
    return this.states.get(name === '' ? '$' : name);
  }

  /** The state, or an error naming it. */
  requireState(name = '$'): SelectionState {
    const state = this.state(name);
    if (!state) throw new ExpressionError(`alternate state ${name} does not exist`);
    return state;
  }

  /** `AddAlternateState`: a new, empty state; false when it exists. */
  addState(name: string): boolean {
    if (name === '' || this.states.has(name)) return false;
    this.states.set(name, new SelectionState(this.model, name));
    return true;
  }

  /** `RemoveAlternateState`. */
  removeState(name: string): boolean {
    return name !== '$' && this.states.delete(name);
  }

  /** Names of the alternate states (`qStateNames`), without `$`. */
  alternateStates(): string[] {
    return [...this.states.keys()].filter((name) => name !== '$');
  }

  /** The selections of every state at this moment, to compute against later ({@link computeAt}). */
  mark(): DataMark {
    return new Map([...this.states].map(([name, state]) => [name, { state, mark: state.mark() }]));
  }

  /**
   * Runs `compute` (synchronous) with every state's selections as they were at `mark` — a
   * calculation that started then — and puts the current ones back. A state added since is
   * computed as it is now.
   */
  computeAt<T>(mark: DataMark, compute: () => T): T {
    let run = compute;
    for (const { state, mark: at } of mark.values()) {
      const inner = run;
      run = () => state.computeAt(at, inner);
    }
    return run();
  }

  /** The chart context of a state: what expressions, hypercubes and list objects are computed in. */
  context(stateName = '$'): ChartContext {
    const base = this.requireState(stateName);
    const ctx: ChartContext = {
      model: this.model,
      base,
      env: this.env,
      stateNamed: (name) => this.states.get(name),
      searchByCondition: (expression, fieldIndex, selections) => valuesWhere(expression, fieldIndex, selections, ctx),
    };
    return ctx;
  }

  // ── Fields and selections ──────────────────────────────────────────────────────────────────

  /** The Field API for `fieldName` in a state; undefined when there is no such field (GetField → null). */
  fieldSelector(fieldName: string, stateName = '$'): FieldSelector | undefined {
    const field = this.model.field(fieldName);
    if (!field) return undefined;
    const state = this.requireState(stateName);
    const f = field.index;
    const soft = (softLock?: boolean): SelectOptions => ({ softLock: softLock === true });
    const condition = (expression: string, fieldIndex: number): Uint8Array =>
      valuesWhere(expression, fieldIndex, state.flagMap(fieldIndex), this.context(stateName));
    const match = (search: string, options: MatchOptions): boolean => selectMatch(state, f, search, options, condition);
    return {
      field,
      select: (search, softLock, excludedValuesMode) => match(search, { softLock, excludedValuesMode }),
      toggleSelect: (search, softLock, excludedValuesMode) =>
        match(search, { softLock, excludedValuesMode, toggle: true }),
      selectValues: (values, toggle, softLock) => selectValues(state, f, values, toggle === true, soft(softLock)),
      lowLevelSelect: (elems, toggle, softLock) => state.select(f, elems, toggle === true, soft(softLock)),
      selectAll: (softLock) => selectAll(state, f, soft(softLock)),
      selectPossible: (softLock) => selectPossible(state, f, soft(softLock)),
      selectExcluded: (softLock) => selectExcluded(state, f, soft(softLock)),
      selectAlternative: (softLock) => selectAlternative(state, f, soft(softLock)),
      clearAllButThis: (softLock) => state.clearAllButThis(f, soft(softLock)),
      clear: () => state.clearField(f),
      lock: () => state.lock(f),
      unlock: () => state.unlock(f),
      isLocked: () => state.isLocked(f),
      getCardinal: () => field.cardinal,
    };
  }

  /** `ClearAll(qLockedAlso, qStateName)`. */
  clearAll(lockedAlso = false, stateName = '$'): boolean {
    return this.requireState(stateName).clearAll(lockedAlso);
  }

  // ── Objects ────────────────────────────────────────────────────────────────────────────────

  /** Hypercube data (a LayoutDataView) for a defaulted HyperCubeDef; the state is the def's qStateName. */
  hyperCube(def: Readonly<JsonRecord>, library?: LibraryItems, stateName?: string): HyperCubeData {
    return new HyperCubeData(def, this.context(stateName ?? stateOf(def)), library);
  }

  /**
   * The field in use of a dimension group (`qGroupPos`): a cyclic group's qActiveField, a drill-down
   * group's first field with more than one possible value in the state.
   */
  groupPosition(fieldDefs: readonly string[], grouping: string, inline: Readonly<JsonRecord>, stateName = '$'): number {
    return activeField(fieldDefs, grouping, inline, this.context(stateName));
  }

  /** List object data (a LayoutDataView) for a defaulted ListObjectDef. */
  listObject(def: Readonly<JsonRecord>, library?: LibraryItems, stateName?: string): ListObjectData {
    return new ListObjectData(def, this.context(stateName ?? stateOf(def)), library);
  }

  /** `qSelectionObject` for a SelectionObjectDef. */
  selectionObject(def: Readonly<JsonRecord> = {}): SelectionObjectLayout {
    const name = typeof def.qStateName === 'string' && def.qStateName !== '' ? def.qStateName : undefined;
    return selectionObject(this.requireState(name ?? '$'), name);
  }

  /** `qFieldList` for a FieldListDef. */
  fieldList(def: FieldListOptions): { qItems: Record<string, unknown>[] } {
    return fieldList(this.model, def);
  }

  // ── Expressions ────────────────────────────────────────────────────────────────────────────

  /** The value of an expression (leading `=` optional) over the state's possible records; errors throw ExpressionError. */
  value(expression: string, stateName = '$'): Cell {
    return evaluateChartScalar(expression, this.context(stateName));
  }

  /** `Doc.Evaluate`: the text of the value (`-` for NULL), or the error message. */
  evaluateText(expression: string, stateName = '$'): string {
    try {
      const value = this.value(expression, stateName);
      return value === null ? '-' : value.text;
    } catch (error) {
      if (error instanceof ExpressionError) return error.message;
      throw error;
    }
  }

  /** `Doc.EvaluateEx`: the value as a FieldValue. */
  evaluate(expression: string, stateName = '$'): EvaluatedValue {
    try {
      const value = this.value(expression, stateName);
      if (value === null) return { qText: '-', qIsNumeric: false };
      const num = toNumber(value);
      return Number.isNaN(num)
        ? { qText: value.text, qIsNumeric: false }
        : { qText: value.text, qIsNumeric: true, qNumber: num };
    } catch (error) {
      if (error instanceof ExpressionError) return { qText: error.message, qIsNumeric: false };
      throw error;
    }
  }

  /**
   * What `computeLayout` needs to evaluate `qStringExpression` / `qValueExpression` in a state:
   * NULL reads as `-` and NaN, errors as their message and NaN.
   */
  expressionEvaluator(stateName = '$'): {
    stringExpression(expr: string): string;
    valueExpression(expr: string): number;
  } {
    return {
      stringExpression: (expr) => this.evaluateText(expr, stateName),
      valueExpression: (expr) => {
        try {
          return toNumber(this.value(expr, stateName));
        } catch (error) {
          if (error instanceof ExpressionError) return Number.NaN;
          throw error;
        }
      },
    };
  }

  /**
   * `Doc.CheckExpression`: the syntax error, if any, and the ranges of names that are neither
   * fields, variables nor one of `labels`.
   */
  checkExpression(expression: string, labels: readonly string[] = []): ExpressionCheck {
    const out: ExpressionCheck = { qErrorMsg: '', qBadFieldNames: [], qDangerousFieldNames: [] };
    let ast: Expression;
    try {
      ast = parseChartExpression(expression, this.context());
    } catch (error) {
      if (error instanceof ExpressionError) {
        out.qErrorMsg = error.message;
        return out;
      }
      throw error;
    }
    const known = (name: string): boolean =>
      this.model.field(name) !== undefined || this.env.variable(name) !== undefined || labels.includes(name);
    const references = fieldsOf(ast);
    const bad = new Set([...references.fields, ...references.setFields].filter((name) => !known(name)));
    if (bad.size === 0) return out;
    const leading = expression.length - expression.trimStart().replace(/^=/, '').length;
    for (const name of bad) {
      const at = findName(expression, name, leading);
      if (at >= 0) out.qBadFieldNames.push({ qFrom: at, qCount: name.length });
    }
    return out;
  }

  // ── Model information ──────────────────────────────────────────────────────────────────────

  /** `Doc.GetTablesAndKeys`. */
  tablesAndKeys(options: TablesAndKeysOptions = {}): { qtr: TableRecord[]; qk: SourceKeyRecord[] } {
    return tablesAndKeys(this.model, options);
  }

  /** `Doc.GetTableData`; undefined for an unknown table. */
  tableData(offset: number, rows: number, tableName: string): ReturnType<typeof tableData> {
    return tableData(this.model, offset, rows, tableName);
  }

  /** `Doc.GetFieldDescription`; undefined for an unknown field. */
  fieldDescription(name: string, stateName = '$'): FieldDescription | undefined {
    const field = this.model.field(name);
    return fieldDescription(this.model, name, field ? (this.state(stateName)?.isLocked(field.index) ?? false) : false);
  }
}

/**
 * The associative model is read-only once built (selections live in SelectionState), so every
 * session of an app shares the one built from the app's last reload instead of building its own.
 * A reload fills this cache with {@link prepareModel} before its data becomes visible, so no
 * request builds the model of a reload's data; small models (an app without data, unit tests)
 * are built on first use.
 */
const models = new WeakMap<LoadedModel, AssociativeModel>();

function sharedModel(loaded: LoadedModel): AssociativeModel {
  let model = models.get(loaded);
  if (!model) {
    model = buildAssociativeModel(loaded);
    models.set(loaded, model);
  }
  return model;
}

/**
 * Builds the associative model of `loaded` paced by `pacer` (a reload's guard: it yields every few
 * milliseconds and throws when the reload is aborted or out of budget) and keeps it for every
 * {@link DataEngine} later made over `loaded`. Nothing is kept when the build is stopped.
 *
 * @example
 * await prepareModel(loaded, guard); // before app.setData(loaded, …)
 * new DataEngine(loaded); // no build: the shared model
 */
export async function prepareModel(loaded: LoadedModel, pacer: WorkPacer): Promise<AssociativeModel> {
  const known = models.get(loaded);
  if (known) return known;
  const model = await runStepsPaced(associativeModelSteps(loaded), pacer);
  models.set(loaded, model);
  return model;
}

/** Whether the model of `loaded` is built (and shared) already. */
export function isModelPrepared(loaded: LoadedModel): boolean {
  return models.has(loaded);
}

function stateOf(def: Readonly<JsonRecord>): string {
  return typeof def.qStateName === 'string' && def.qStateName !== '' ? def.qStateName : '$';
}

/** Where a name occurs in the expression text as a name (not inside a longer word), from `from`. */
function findName(text: string, name: string, from: number): number {
  let at = text.indexOf(name, from);
  while (at >= 0) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + name.length] ?? ' ';
    if (!/[\w$]/.test(before) && !/[\w$]/.test(after)) return at;
    at = text.indexOf(name, at + 1);
  }
  return -1;
}
