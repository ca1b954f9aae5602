import type { AssociativeModel, ModelField, ModelTable } from './associative-model.js';
import type { DerivedFieldSet } from './loaded-model.js';

/** How a field keys its table (GetTablesAndKeys `qKeyType`). */
type KeyType = 'NOT_KEY' | 'ANY_KEY' | 'PRIMARY_KEY' | 'PERFECT_KEY';

/** FieldInTableData: one field of one table in GetTablesAndKeys. */
interface FieldInTableData {
  qName: string;
  qOriginalFields: string[];
  qPresent: boolean;
  qHasNull: boolean;
  qHasWild: boolean;
  qHasDuplicates: boolean;
  qIsSynthetic: boolean;
  qInformationDensity: number;
  qnNonNulls: number;
  qnRows: number;
  qSubsetRatio: number;
  qnTotalDistinctValues: number;
  qnPresentDistinctValues: number;
  qKeyType: KeyType;
  qComment: string;
  qTags: string[];
  qDerivedFields: DerivedFieldsInTableData[];
  qIsFieldOnTheFly: boolean;
  qReadableName: string;
}

/** DerivedFieldsInTableData: a field definition DERIVE applied to the field. */
interface DerivedFieldsInTableData {
  qDefinitionName: string;
  qTags: string[];
  qActive: boolean;
}

/** TableRecord of GetTablesAndKeys. */
export interface TableRecord {
  qName: string;
  qLoose: boolean;
  qNoOfRows: number;
  qFields: FieldInTableData[];
  qPos: { qx: number; qy: number };
  qComment: string;
  qIsDirectDiscovery: boolean;
  qIsSynthetic: boolean;
  qTableTags: string[];
}

/** SourceKeyRecord of GetTablesAndKeys. */
export interface SourceKeyRecord {
  qKeyFields: string[];
  qTables: string[];
}

/** Options of {@link tablesAndKeys} (the method's parameters that change the answer). */
export interface TablesAndKeysOptions {
  /** True: keys are classified (perfect / primary / any); false: every key is ANY_KEY, as the source table viewer shows. */
  readonly syntheticMode?: boolean;
  /** Include the system tables ($Field, $Table …). */
  readonly includeSysVars?: boolean;
}

/**
 * `Doc.GetTablesAndKeys` → `{qtr, qk}`: every table with its fields and their statistics, and the key
 * fields with the tables they link. CTL golden (qSyntheticMode false): a key field shows as ANY_KEY
 * even when its values are unique (corectl prints `5/5*`).
 *
 * @example
 * tablesAndKeys(model, {}).qk; // [{ qKeyFields: ['numbers'], qTables: ['TableA', 'TableB'] }]
 */
export function tablesAndKeys(
  model: AssociativeModel,
  options: TablesAndKeysOptions = {},
): {
  qtr: TableRecord[];
  qk: SourceKeyRecord[];
} {
  // Derived fields (DERIVE) are listed under their data field, not as tables of their own.
  const tables = model.tables.filter((table) => (options.includeSysVars === true || !table.isSystem) && !table.derived);
  const qtr = tables.map((table, i) => tableRecord(model, table, i, options.syntheticMode === true));
  const qk: SourceKeyRecord[] = [];
  for (const field of model.fields) {
    if (!field.isKey || (field.isSystem && options.includeSysVars !== true)) continue;
    const keyTables = field.tables.filter((t) => !model.tables[t]?.derived);
    qk.push({ qKeyFields: [field.name], qTables: keyTables.map((t) => model.tables[t]?.name ?? '') });
  }
  return { qtr, qk };
}

function tableRecord(model: AssociativeModel, table: ModelTable, position: number, synthetic: boolean): TableRecord {
  return {
    qName: table.name,
    qLoose: false,
    qNoOfRows: table.rowCount,
    qFields: table.fields.map((fieldIndex, column) =>
      fieldInTable(
        model,
        model.fields[fieldIndex] as ModelField,
        table,
        table.columns[column] as Int32Array,
        synthetic,
      ),
    ),
    // A simple grid, as a model viewer without a saved layout would place them.
    qPos: { qx: (position % 4) * 250, qy: Math.floor(position / 4) * 250 },
    qComment: table.comment,
    qIsDirectDiscovery: false,
    qIsSynthetic: false,
    qTableTags: [],
  };
}

function fieldInTable(
  model: AssociativeModel,
  field: ModelField,
  table: ModelTable,
  column: Int32Array,
  synthetic: boolean,
): FieldInTableData {
  const present = new Uint8Array(field.cardinal);
  let nonNulls = 0;
  let distinct = 0;
  for (let r = 0; r < column.length; r++) {
    const elem = column[r] as number;
    if (elem < 0) continue;
    nonNulls++;
    if (present[elem] === 0) {
      present[elem] = 1;
      distinct++;
    }
  }
  const hasDuplicates = distinct < nonNulls;
  let keyType: KeyType = 'NOT_KEY';
  if (field.isKey) {
    if (!synthetic) keyType = 'ANY_KEY';
    else if (hasDuplicates || nonNulls < table.rowCount) keyType = 'ANY_KEY';
    else keyType = distinct === field.cardinal ? 'PERFECT_KEY' : 'PRIMARY_KEY';
  }
  return {
    qName: field.name,
    qOriginalFields: [],
    qPresent: true,
    qHasNull: nonNulls < table.rowCount,
    qHasWild: false,
    qHasDuplicates: hasDuplicates,
    qIsSynthetic: false,
    qInformationDensity: table.rowCount === 0 ? 0 : nonNulls / table.rowCount,
    qnNonNulls: nonNulls,
    qnRows: table.rowCount,
    qSubsetRatio: field.cardinal === 0 ? 0 : distinct / field.cardinal,
    qnTotalDistinctValues: distinct,
    qnPresentDistinctValues: distinct,
    qKeyType: keyType,
    qComment: field.comment,
    qTags: [...field.tags],
    qDerivedFields: derivedSets(model, field).map((set) => ({
      qDefinitionName: set.definition,
      qTags: [...set.tags],
      qActive: true,
    })),
    qIsFieldOnTheFly: false,
    qReadableName: field.name,
  };
}

/** FieldValue of GetTableData. */
export interface FieldValue {
  qText: string;
  qIsNumeric: boolean;
  qNumber?: number;
}

/**
 * `Doc.GetTableData(qOffset, qRows, qSyntheticMode, qTableName)` → the rows of a table as
 * `{qValue: FieldValue[]}`. An offset of -1 starts with a row of field names (halyard test).
 * NULL shows as `-` with no number. Undefined when there is no such table.
 */
export function tableData(
  model: AssociativeModel,
  offset: number,
  rows: number,
  tableName: string,
): { qValue: FieldValue[] }[] | undefined {
  const table = model.table(tableName);
  if (!table) return undefined;
  const out: { qValue: FieldValue[] }[] = [];
  let first = offset;
  if (offset < 0) {
    out.push({ qValue: table.fields.map((f) => ({ qText: model.fields[f]?.name ?? '', qIsNumeric: false })) });
    first = 0;
  }
  const end = Math.min(table.rowCount, first + Math.max(rows - out.length, 0));
  for (let r = first; r < end; r++) {
    out.push({
      qValue: table.fields.map((fieldIndex, c) => {
        const field = model.fields[fieldIndex] as ModelField;
        const value = field.value((table.columns[c] as Int32Array)[r] as number);
        if (value === null) return { qText: '-', qIsNumeric: false };
        return Number.isNaN(value.num)
          ? { qText: value.text, qIsNumeric: false }
          : { qText: value.text, qIsNumeric: true, qNumber: value.num };
      }),
    });
  }
  return out;
}

/** FieldDescription (GetFieldDescription). */
export interface FieldDescription {
  qInternalNumber: number;
  qName: string;
  qSrcTables: string[];
  qIsSystem?: boolean;
  qIsHidden?: boolean;
  qIsSemantic?: boolean;
  qDistinctOnly?: boolean;
  qCardinal: number;
  qTotalCount: number;
  qIsLocked?: boolean;
  qAlwaysOneSelected?: boolean;
  qAndMode?: boolean;
  qIsNumeric?: boolean;
  qComment: string;
  qTags: string[];
  qIsDefinitionOnly?: boolean;
  qByteSize: number;
}

/**
 * `Doc.GetFieldDescription(qFieldName)`. `qTotalCount` is the number of non-NULL values of the
 * field in its largest table (CTL golden: a key of two 5-row tables counts 5, not 10). False
 * booleans are left out, as the engine does.
 */
export function fieldDescription(model: AssociativeModel, name: string, locked = false): FieldDescription | undefined {
  const field = model.field(name);
  if (!field) return undefined;
  let total = 0;
  for (const column of field.columns.values()) {
    let nonNulls = 0;
    for (let r = 0; r < column.length; r++) if ((column[r] as number) >= 0) nonNulls++;
    total = Math.max(total, nonNulls);
  }
  const out: FieldDescription = {
    qInternalNumber: field.index,
    qName: field.name,
    qSrcTables: field.tables.filter((t) => !model.tables[t]?.derived).map((t) => model.tables[t]?.name ?? ''),
    qCardinal: field.cardinal,
    qTotalCount: total,
    qComment: field.comment,
    qTags: [...field.tags],
    qByteSize: byteSize(field),
  };
  if (field.isSystem) out.qIsSystem = true;
  if (field.isHidden) out.qIsHidden = true;
  if (locked) out.qIsLocked = true;
  if (field.kind.allNumeric) out.qIsNumeric = true;
  return reorder(out);
}

/** The schema's key order (qIsSystem, qIsHidden … sit between qSrcTables and qCardinal). */
function reorder(description: FieldDescription): FieldDescription {
  const order: (keyof FieldDescription)[] = [
    'qInternalNumber',
    'qName',
    'qSrcTables',
    'qIsSystem',
    'qIsHidden',
    'qIsSemantic',
    'qDistinctOnly',
    'qCardinal',
    'qTotalCount',
    'qIsLocked',
    'qAlwaysOneSelected',
    'qAndMode',
    'qIsNumeric',
    'qComment',
    'qTags',
    'qIsDefinitionOnly',
    'qByteSize',
  ];
  const out: Record<string, unknown> = {};
  for (const key of order) if (description[key] !== undefined) out[key] = description[key];
  return out as unknown as FieldDescription;
}

/** A rough static size: symbol texts plus 8 bytes per number and 4 per row reference. */
function byteSize(field: ModelField): number {
  let bytes = 0;
  for (const value of field.values) bytes += value.text.length + (Number.isNaN(value.num) ? 0 : 8);
  for (const column of field.columns.values()) bytes += column.length * 4;
  return bytes;
}

/** The FieldListDef flags that filter and shape `qFieldList`. */
export interface FieldListOptions {
  readonly qShowSystem?: boolean;
  readonly qShowHidden?: boolean;
  readonly qShowSrcTables?: boolean;
  readonly qShowSemantic?: boolean;
  readonly qShowDerivedFields?: boolean;
  readonly qShowImplicit?: boolean;
  readonly qShowDefinitionOnly?: boolean;
}

/**
 * The `qFieldList` of a layout: `{qItems: NxFieldDescription[]}` for the data fields (system fields
 * with `qShowSystem`, hidden ones with `qShowHidden`), keys in the schema's order, false flags left out.
 */
export function fieldList(model: AssociativeModel, options: FieldListOptions): { qItems: Record<string, unknown>[] } {
  const items: Record<string, unknown>[] = [];
  for (const field of model.fields) {
    if (field.isSystem && options.qShowSystem !== true) continue;
    if (field.isHidden && !field.isSystem && options.qShowHidden !== true) continue;
    if (field.derivedFrom) continue;
    const item: Record<string, unknown> = {};
    if (field.isHidden) item.qIsHidden = true;
    if (field.isSystem) item.qIsSystem = true;
    item.qName = field.name;
    item.qCardinal = field.cardinal;
    item.qTags = [...field.tags];
    const derived = options.qShowDerivedFields === true ? derivedSets(model, field) : [];
    if (derived.length > 0) item.qDerivedFieldData = { qDerivedFieldLists: derived.map(derivedFieldsData) };
    if (options.qShowSrcTables === true) {
      item.qSrcTables = field.tables.filter((t) => !model.tables[t]?.derived).map((t) => model.tables[t]?.name ?? '');
    }
    items.push(item);
  }
  return { qItems: items };
}

/** The DERIVE sets made from `field`, in the order the script derived them. */
function derivedSets(model: AssociativeModel, field: ModelField): DerivedFieldSet[] {
  if (field.derivedLinks === 0) return [];
  return (model.loaded.derivedFields ?? []).filter((set) => set.source === field.name);
}

/**
 * NxDerivedFieldsData of one DERIVE set. The engine names a derived field
 * `<field>.<definition>.<name>` and gives its expression as `=${<definition>(<field>).<name>}`
 * (Engine API, NxDerivedField); its `qId` is undocumented — the simulator uses the name.
 */
function derivedFieldsData(set: DerivedFieldSet): Record<string, unknown> {
  const source = /^[A-Za-z_][A-Za-z0-9_]*$/.test(set.source) ? set.source : `[${set.source}]`;
  return {
    qDerivedDefinitionName: set.definition,
    qFieldDefs: set.fields.map((f) => ({
      qId: f.name,
      qName: f.name,
      qMethod: f.method,
      qExpr: `=\${${set.definition}(${source}).${f.method}}`,
      qTags: [...f.tags],
    })),
    qGroupDefs: [],
    qTags: [...set.tags],
  };
}
