import { compareText, toNumber } from '../expressions/value-ops.js';
import { type FormatSettings, formatSettings } from '../formats/format-settings.js';
import { type FieldKind, fieldKindSteps, fieldTags } from './field-tags.js';
import {
  type Cell,
  type DataColumn,
  type DerivedFieldSet,
  type Dual,
  type LoadedModel,
  numberDual,
} from './loaded-model.js';
import { NumberIndex } from './number-index.js';
import { dataTableOf } from './table-rows.js';
import { textShard, ValueIndex } from './value-index.js';
import { rankSteps, runSteps, STEP_UNITS, type WorkSteps } from './work-steps.js';

/**
 * A field of the data model: its symbol table (the distinct values, in load order — a value's
 * `qElemNumber` is its index here; NULL is never a symbol) and where it occurs.
 */
export class ModelField {
  readonly index: number;
  readonly name: string;
  /** The distinct values in load order. */
  readonly values: Dual[] = [];
  /** Tables holding the field (indexes into {@link AssociativeModel.tables}), in load order. */
  readonly tables: number[] = [];
  /** The symbol column of the field in each of its tables. */
  readonly columns = new Map<number, Int32Array>();
  readonly isSystem: boolean;
  /** For a field DERIVE made (`OrderDate.autoCalendar.Year`): the set it belongs to and its name there. */
  derivedFrom: { readonly set: DerivedFieldSet; readonly method: string } | undefined;
  /** How many of {@link tables} are derived-field tables keyed by this field (they do not make it a key). */
  derivedLinks = 0;
  isHidden = false;
  comment = '';
  tags: readonly string[] = [];
  kind: FieldKind = {
    hasNumbers: false,
    allNumeric: false,
    allIntegers: false,
    allText: false,
    allAscii: false,
    isDate: false,
    isTimestamp: false,
  };
  /** The number of each value (NaN for text), as a typed array for aggregation loops that must not touch objects. */
  nums: Float64Array = new Float64Array(0);
  // Numbers and texts are separate symbol spaces: 1 and '1.0' loaded as numbers are one value.
  private readonly byNumber = new NumberIndex();
  private readonly byText = new ValueIndex<string>(textShard);
  private glyphs = -1;
  private textRanks: Int32Array | undefined;

  constructor(index: number, name: string, isSystem: boolean) {
    this.index = index;
    this.name = name;
    this.isSystem = isSystem;
  }

  /** Number of distinct values (`qCardinal`). */
  get cardinal(): number {
    return this.values.length;
  }

  /** Whether the field links tables (a key field). */
  get isKey(): boolean {
    return this.tables.length - this.derivedLinks > 1;
  }

  /** The element number of `value`, adding it to the symbol table when new. */
  intern(value: Dual): number {
    if (Number.isNaN(value.num)) {
      const known = this.byText.get(value.text);
      if (known !== undefined) return known;
      this.byText.set(value.text, this.values.length);
    } else {
      const known = this.byNumber.get(value.num);
      if (known !== undefined) return known;
      this.byNumber.set(value.num, this.values.length);
    }
    this.values.push(value);
    return this.values.length - 1;
  }

  /** The element number of a number, or -1. */
  findNumber(num: number): number {
    return this.byNumber.get(num) ?? -1;
  }

  /** The element number of a text value (exact text), or -1; numbers are also found by their text. */
  findText(text: string): number {
    const found = this.byText.get(text);
    if (found !== undefined) return found;
    for (let i = 0; i < this.values.length; i++) if (this.values[i]?.text === text) return i;
    return -1;
  }

  /** The element number of a value (by number when it has one, else by text), or -1. */
  find(value: Dual): number {
    if (!Number.isNaN(value.num)) return this.findNumber(value.num);
    return this.findText(value.text);
  }

  /** The value of element `elem`, or null for -1 (NULL). */
  value(elem: number): Cell {
    return elem < 0 ? null : (this.values[elem] ?? null);
  }

  /** The longest text of any value (`qApprMaxGlyphCount`). */
  maxGlyphCount(): number {
    if (this.glyphs < 0) {
      let max = 0;
      for (const value of this.values) if (value.text.length > max) max = value.text.length;
      this.glyphs = max;
    }
    return this.glyphs;
  }

  /**
   * The rank of each element in text order (ties broken by load order), computed once: sorting a
   * list or cube by text then compares integers. Big text fields have it from the model build.
   */
  textRank(): Int32Array {
    return this.textRanks ?? runSteps(this.textRankSteps());
  }

  /** {@link textRank} as steps (a collator comparison per unit), kept once computed. */
  *textRankSteps(): WorkSteps<Int32Array> {
    if (this.textRanks) return this.textRanks;
    const texts = this.values.map((value) => value.text);
    const ranks = yield* rankSteps(texts.length, (a, b) => compareText(texts[a] ?? '', texts[b] ?? '') || a - b);
    this.textRanks = ranks;
    return ranks;
  }
}

/** A table of the data model with one symbol column (element numbers, -1 for NULL) per field. */
export class ModelTable {
  readonly index: number;
  readonly name: string;
  readonly rowCount: number;
  /** Field indexes, in the table's column order. */
  readonly fields: readonly number[];
  readonly columns: readonly Int32Array[];
  readonly isSystem: boolean;
  readonly comment: string;
  /** For the table of a DERIVE's fields: that set (the table is not listed among the data tables). */
  readonly derived: DerivedFieldSet | undefined;

  constructor(
    index: number,
    name: string,
    rowCount: number,
    fields: readonly number[],
    columns: readonly Int32Array[],
    isSystem: boolean,
    comment: string,
    derived?: DerivedFieldSet,
  ) {
    this.index = index;
    this.name = name;
    this.rowCount = rowCount;
    this.fields = fields;
    this.columns = columns;
    this.isSystem = isSystem;
    this.comment = comment;
    this.derived = derived;
  }

  /** The column of field `fieldIndex`, if the table has it. */
  column(fieldIndex: number): Int32Array | undefined {
    const at = this.fields.indexOf(fieldIndex);
    return at < 0 ? undefined : this.columns[at];
  }
}

/** An edge of the table graph: two tables sharing key fields. */
export interface TableLink {
  readonly table: number;
  /** The shared fields (more than one: Qlik would build a synthetic key). */
  readonly fields: readonly number[];
}

/**
 * The associative data model built from what a reload produced: fields with symbol tables, tables
 * as symbol columns, and the table graph formed by same-named fields. Immutable once built.
 */
export class AssociativeModel {
  readonly fields: readonly ModelField[];
  readonly tables: readonly ModelTable[];
  readonly loaded: LoadedModel;
  readonly settings: FormatSettings;
  /** For each table, the tables it shares fields with. */
  readonly links: readonly (readonly TableLink[])[];
  private readonly byName: ReadonlyMap<string, ModelField>;
  private readonly tablesByName: ReadonlyMap<string, ModelTable>;

  constructor(loaded: LoadedModel, fields: readonly ModelField[], tables: readonly ModelTable[]) {
    this.loaded = loaded;
    this.fields = fields;
    this.tables = tables;
    this.settings = formatSettings((name) => loaded.variables.get(name));
    this.byName = new Map(fields.map((field) => [field.name, field]));
    this.tablesByName = new Map(tables.map((table) => [table.name, table]));
    this.links = tables.map((table) => tableLinks(table, fields, tables));
  }

  /** The field named `name` (exact name, as Qlik field names are case-sensitive). */
  field(name: string): ModelField | undefined {
    return this.byName.get(name);
  }

  /** The table named `name`. */
  table(name: string): ModelTable | undefined {
    return this.tablesByName.get(name);
  }

  /** Fields loaded by the script (not system fields), in load order. */
  dataFields(): ModelField[] {
    return this.fields.filter((field) => !field.isSystem);
  }

  /** Tables loaded by the script (not system tables, not derived fields' tables), in load order. */
  dataTables(): ModelTable[] {
    return this.tables.filter((table) => !table.isSystem && !table.derived);
  }

  /** A variable's text as the script left it. */
  variable(name: string): string | undefined {
    return this.loaded.variables.get(name);
  }
}

function tableLinks(table: ModelTable, fields: readonly ModelField[], tables: readonly ModelTable[]): TableLink[] {
  const shared = new Map<number, number[]>();
  for (const fieldIndex of table.fields) {
    const field = fields[fieldIndex];
    if (!field) continue;
    for (const other of field.tables) {
      if (other === table.index || tables[other]?.isSystem !== table.isSystem) continue;
      const list = shared.get(other) ?? [];
      list.push(fieldIndex);
      shared.set(other, list);
    }
  }
  return [...shared].map(([other, linkFields]) => ({ table: other, fields: linkFields }));
}

/**
 * Builds the associative model of a reload's tables: each column's symbols become its field's
 * element numbers (column-wise typed arrays, no per-row objects), tags fields, and adds the system fields.
 * Hidden fields follow the `HidePrefix` / `HideSuffix` variables. Straight through: a reload uses
 * {@link associativeModelSteps} with its guard instead, so millions of rows never hold the event loop.
 *
 * @example
 * const model = buildAssociativeModel({ tables: [dataTableOf('T', ['A'], [[textDual('x')]])], … });
 * model.field('A')?.cardinal; // 1
 */
export function buildAssociativeModel(loaded: LoadedModel): AssociativeModel {
  return runSteps(associativeModelSteps(loaded));
}

/** A table to add to the model under construction. */
interface TableInput {
  readonly name: string;
  readonly fields: readonly string[];
  readonly rowCount: number;
  readonly columns: readonly DataColumn[];
  readonly isSystem: boolean;
  readonly comment: string;
  readonly derived?: DerivedFieldSet;
}

/**
 * Fields with at least this many values and some text get their text ranks while the model is
 * built (paced), not on the first request sorting by text: ranking a million texts with the
 * collator takes seconds. Below it a request ranks them on demand in a few milliseconds.
 */
export const EAGER_TEXT_RANK_CARDINAL = 20_000;

/**
 * {@link buildAssociativeModel} as steps (see `work-steps.ts`): it stops about every thousand cells
 * so a reload can run it paced by its guard — yielding every few milliseconds, abortable.
 */
export function* associativeModelSteps(loaded: LoadedModel): WorkSteps<AssociativeModel> {
  const fields: ModelField[] = [];
  const byName = new Map<string, ModelField>();
  const fieldNamed = (name: string, isSystem: boolean): ModelField => {
    let field = byName.get(name);
    if (!field) {
      field = new ModelField(fields.length, name, isSystem);
      fields.push(field);
      byName.set(name, field);
    }
    return field;
  };
  const tables: ModelTable[] = [];
  const inputs: TableInput[] = loaded.tables.map((table) => ({
    name: table.name,
    fields: table.fields,
    rowCount: table.rowCount,
    columns: table.columns,
    isSystem: false,
    comment: table.comment ?? '',
  }));
  inputs.push(...(loaded.derivedFields ?? []).map(derivedTable));
  inputs.push(...systemTables(loaded));
  for (const input of inputs) {
    const tableIndex = tables.length;
    const tableFields = input.fields.map((fieldName) => fieldNamed(fieldName, input.isSystem));
    const columns: Int32Array[] = [];
    for (let c = 0; c < tableFields.length; c++) {
      const column = input.columns[c] ?? { values: [], rows: new Int32Array(0) };
      columns.push(yield* elementColumn(tableFields[c] as ModelField, column, input.rowCount));
    }
    tableFields.forEach((field, c) => {
      field.tables.push(tableIndex);
      field.columns.set(tableIndex, columns[c] as Int32Array);
      const derived = input.derived;
      if (derived && c === 0) field.derivedLinks++;
      else if (derived) field.derivedFrom = { set: derived, method: derived.fields[c - 1]?.method ?? field.name };
    });
    tables.push(
      new ModelTable(
        tableIndex,
        input.name,
        input.rowCount,
        tableFields.map((field) => field.index),
        columns,
        input.isSystem,
        input.comment,
        input.derived,
      ),
    );
  }
  const model = new AssociativeModel(loaded, fields, tables);
  yield* finishFields(model, fields);
  return model;
}

/**
 * A table's column as the field's element numbers. Each symbol of the column is looked up in the
 * field once, when a row first holds it — the order a cell-by-cell build would intern values in,
 * so element numbers follow first appearance across tables in load order, then rows — and every
 * row is then a typed-array read and write. A column whose symbols are the field's own numbers
 * (the first table of a field, loaded in order) is adopted as it is, not copied.
 */
function* elementColumn(field: ModelField, column: DataColumn, rowCount: number): WorkSteps<Int32Array> {
  const { values, rows } = column;
  if (column.inOrder && field.cardinal === 0 && rows.length === rowCount) {
    // A new field from a column in load order: symbol k becomes element k, no row is read.
    let k = 0;
    while (k < values.length && field.intern(values[k] as Dual) === k) {
      k++;
      if ((k & (STEP_UNITS - 1)) === 0) yield STEP_UNITS;
    }
    if (k === values.length) return rows;
  }
  const elements = new Int32Array(values.length).fill(-1);
  const out = new Int32Array(rowCount);
  const length = Math.min(rowCount, rows.length);
  let same = length === rowCount;
  let done = 0;
  for (let r = 0; r < length; r++) {
    const symbol = rows[r] as number;
    let element = -1;
    if (symbol >= 0) {
      element = elements[symbol] as number;
      if (element < 0) {
        element = field.intern(values[symbol] as Dual);
        elements[symbol] = element;
      }
    }
    out[r] = element;
    if (element !== symbol) same = false;
    if (++done === STEP_UNITS) {
      yield done;
      done = 0;
    }
  }
  out.fill(-1, length);
  if (done > 0) yield done;
  return same ? rows : out;
}

/**
 * The table of a DERIVE's fields: the data field, then each derived field (one row per value of
 * the data field), so the derived fields associate with everything the data field does.
 */
function derivedTable(set: DerivedFieldSet): TableInput {
  return {
    ...dataTableOf(
      `$$Derived ${set.source}.${set.definition}`,
      [set.source, ...set.fields.map((f) => f.name)],
      set.rows,
    ),
    isSystem: false,
    comment: '',
    derived: set,
  };
}

/**
 * The system tables behind `$Field`, `$Table`, `$Rows`, `$Fields`, `$FieldNo` and `$Info`: one row
 * per field of each table, and one per table. They link only among themselves.
 */
function systemTables(loaded: LoadedModel): TableInput[] {
  const text = (value: string): Dual => ({ text: value, num: Number.NaN });
  const fieldRows: Cell[][] = [];
  const tableRows: Cell[][] = [];
  for (const table of loaded.tables) {
    table.fields.forEach((field, i) => {
      fieldRows.push([text(field), text(table.name), numberDual(i + 1)]);
    });
    tableRows.push([text(table.name), numberDual(table.rowCount), numberDual(table.fields.length)]);
  }
  const system = (name: string, fields: string[], rows: Cell[][]): TableInput => ({
    ...dataTableOf(name, fields, rows),
    isSystem: true,
    comment: '',
  });
  return [
    system('$$SysTable 1', ['$Field', '$Table', '$FieldNo'], fieldRows),
    system('$$SysTable 2', ['$Table', '$Rows', '$Fields'], tableRows),
    system('$$SysTable 3', ['$Info'], []),
  ];
}

function* finishFields(model: AssociativeModel, fields: readonly ModelField[]): WorkSteps<void> {
  const hidePrefix = model.variable('HidePrefix') ?? '';
  const hideSuffix = model.variable('HideSuffix') ?? '';
  for (const field of fields) {
    const values = field.values;
    const nums = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      nums[i] = toNumber(values[i] as Dual);
      if ((i & (STEP_UNITS - 1)) === STEP_UNITS - 1) yield STEP_UNITS;
    }
    field.nums = nums;
    field.isHidden =
      field.isSystem ||
      (hidePrefix !== '' && field.name.startsWith(hidePrefix)) ||
      (hideSuffix !== '' && field.name.endsWith(hideSuffix));
    field.comment = model.loaded.fieldComments.get(field.name) ?? '';
    field.kind = yield* fieldKindSteps(values, model.settings);
    field.tags = fieldTags(
      {
        values,
        isKey: field.isKey && !field.isSystem,
        isSystem: field.isSystem,
        isHidden: field.isHidden && !field.isSystem,
        userTags: model.loaded.fieldTags.get(field.name) ?? derivedTags(field),
        settings: model.settings,
      },
      field.kind,
    );
    if (field.cardinal >= EAGER_TEXT_RANK_CARDINAL && !field.kind.allNumeric) yield* field.textRankSteps();
  }
}

/** The tags the field definition gave a derived field (`Tagged ('$axis', '$year')`); none for other fields. */
function derivedTags(field: ModelField): readonly string[] {
  const derived = field.derivedFrom;
  return derived?.set.fields.find((f) => f.method === derived.method)?.tags ?? [];
}
