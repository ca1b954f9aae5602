import { isJsonRecord, type JsonRecord, setEntry } from '../../data/json-record.js';
import { dynamicProperty } from './dynamic-properties.js';
import { engineStructTable } from './engine-struct-table.js';
import type { FieldSpec } from './struct-table.js';

/**
 * Integer fields the engine leaves out when they are 0. They are `int8` sort flags (-1/0/1) in the
 * schema; the CTL goldens drop `qSortByFrequency: 0`, `qSortByExpression: 0`, `qSortByGreyness: 0`
 * and `qSortbyYValue: 0`, while int32 zeros (`qActiveField`, `qAccumulate`, `qLeft`) stay. The
 * struct table carries no integer formats, hence the list.
 */
const ZERO_OMITTED_INTEGERS: ReadonlySet<string> = new Set([
  'SortCriteria.qSortByState',
  'SortCriteria.qSortByFrequency',
  'SortCriteria.qSortByNumeric',
  'SortCriteria.qSortByAscii',
  'SortCriteria.qSortByLoadOrder',
  'SortCriteria.qSortByExpression',
  'SortCriteria.qSortByGreyness',
  'HyperCubeDef.qSortbyYValue',
]);

/**
 * Struct fields the engine leaves out until a client sets them, where every other struct field
 * comes back as at least `{}`. Evidence: the CTL `object properties` golden (qlikcore 12.1050) has
 * no `qNumFormat` in an inline measure `qDef` (an older CTL golden did), the variable golden has no
 * `qConstraints`, and the full property tree drops `qEmbeddedSnapshotRef: null`. Attribute
 * expressions' `qNumFormat` is assumed to behave like the inline measure's.
 */
const OPTIONAL_STRUCT_FIELDS: ReadonlySet<string> = new Set([
  'NxInlineMeasureDef.qNumFormat',
  'NxAttrExprDef.qNumFormat',
  'GenericVariableProperties.qConstraints',
  'GenericObjectEntry.qEmbeddedSnapshotRef',
]);

/** Structs that also accept a bare string for their single expression field (schema descriptions). */
const ABBREVIATED_STRUCTS: Readonly<Record<string, string>> = {
  StringExpr: 'qv',
  ValueExpr: 'qv',
  StringExpression: 'qExpr',
  ValueExpression: 'qExpr',
};

/**
 * Returns `value` read as the engine struct `structName` and written back the way the engine does
 * in GetProperties / GetFullPropertyTree: struct fields first in schema order with defaults filled,
 * then every other key in input order. The input is never mutated.
 *
 * Rules (derived from the CTL goldens, see the comments on the constants above):
 * - nested structs become at least `{}` and arrays at least `[]`;
 * - enums always appear, in their short title (`qGrouping: "N"`, `qMode: "S"`,
 *   `qOtherMode: "OTHER_OFF"` — that enum's title is its long name), defaulting to the schema default
 *   or the member valued 0;
 * - integers and numbers always appear (schema default or 0), except the int8 sort flags when 0;
 * - strings appear only when not empty, booleans only when true (or false where the default is true);
 * - abbreviated expressions (`"qOtherLabel": "=…"`) are written as their struct (`{qv: "=…"}`);
 * - non-`q` and unknown keys are kept, and `q…Def` keys inside them are read as their structs too
 *   (CTL full property tree: `qUndoExclude.generated.qHyperCubeDef` comes back defaulted).
 *
 * @example
 * fillPropertyDefaults('GenericDimensionProperties', { qInfo: { qType: 'dimension' }, qDim: { qFieldDefs: ['abcs'] } });
 * // → { qInfo: { qType: 'dimension' }, qDim: { qGrouping: 'N', qFieldDefs: ['abcs'], qFieldLabels: [] }, qMetaDef: {} }
 */
export function fillPropertyDefaults(structName: string, value: Readonly<JsonRecord>): JsonRecord {
  return fillStruct(structName, value, new Set());
}

/**
 * `building` holds the structs being filled from nothing on the current path: a struct that
 * (through required fields) contains itself would otherwise recurse forever.
 */
function fillStruct(name: string, value: Readonly<JsonRecord>, building: ReadonlySet<string>): JsonRecord {
  const spec = Object.hasOwn(engineStructTable.structs, name) ? engineStructTable.structs[name] : undefined;
  if (!spec) return copyRecord(value);
  const out: JsonRecord = {};
  for (const [key, field] of Object.entries(spec.properties)) {
    const raw = value[key];
    const filled = fillField(name, key, field, raw === null ? undefined : raw, building);
    if (filled !== undefined) out[key] = filled;
  }
  for (const [key, raw] of Object.entries(value)) {
    if (!Object.hasOwn(spec.properties, key)) setEntry(out, key, copyEntry(key, raw));
  }
  return out;
}

function fillField(owner: string, key: string, field: FieldSpec, raw: unknown, building: ReadonlySet<string>): unknown {
  if (field.enum !== undefined) return enumValue(field.enum, raw ?? field.default);
  switch (field.type) {
    case 'string': {
      const text = raw ?? field.default;
      return text === '' ? undefined : copy(text);
    }
    case 'boolean': {
      const flag = raw ?? field.default ?? false;
      // A false that differs from a true default must survive, or a round trip would flip it.
      if (flag === false) return field.default === true ? false : undefined;
      return copy(flag);
    }
    case 'integer':
    case 'number': {
      const number = raw ?? field.default ?? 0;
      return number === 0 && ZERO_OMITTED_INTEGERS.has(`${owner}.${key}`) ? undefined : copy(number);
    }
    case 'object': {
      if (field.ref === undefined) return copy(raw);
      if (raw === undefined) {
        if (OPTIONAL_STRUCT_FIELDS.has(`${owner}.${key}`) || building.has(field.ref)) return undefined;
        return fillStruct(field.ref, {}, new Set([...building, field.ref]));
      }
      return structValue(field.ref, raw, building);
    }
    case 'array': {
      if (raw === undefined) return [];
      const ref = field.items?.ref;
      if (!Array.isArray(raw) || ref === undefined) return copy(raw);
      return raw.map((item) => structValue(ref, item, building));
    }
    default:
      return copy(raw);
  }
}

/** A value that should be the struct `name`: objects and abbreviated strings are read, the rest kept. */
function structValue(name: string, raw: unknown, building: ReadonlySet<string>): unknown {
  if (isJsonRecord(raw)) return fillStruct(name, raw, building);
  const abbreviated = ABBREVIATED_STRUCTS[name];
  if (typeof raw === 'string' && abbreviated !== undefined) return fillStruct(name, { [abbreviated]: raw }, building);
  if (raw === undefined || raw === null) return fillStruct(name, {}, building);
  return copy(raw);
}

/** The short title of an enum value given as number, short or long form; unknown values are kept. */
function enumValue(enumName: string, raw: unknown): unknown {
  const members = Object.hasOwn(engineStructTable.enums, enumName) ? engineStructTable.enums[enumName] : undefined;
  if (!members) return copy(raw);
  if (raw === undefined) return (members.find((m) => m.value === 0) ?? members[0])?.short;
  return members.find((m) => m.value === raw || m.short === raw || m.long === raw)?.short ?? copy(raw);
}

/** Any JSON value outside the known struct fields: copied, with `q…Def` keys read as structs. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  return isJsonRecord(value) ? copyRecord(value) : value;
}

function copyRecord(value: Readonly<JsonRecord>): JsonRecord {
  const out: JsonRecord = {};
  for (const [key, raw] of Object.entries(value)) setEntry(out, key, copyEntry(key, raw));
  return out;
}

function copyEntry(key: string, raw: unknown): unknown {
  const dynamic = dynamicProperty(key);
  return dynamic ? structValue(dynamic.struct, raw, new Set()) : copy(raw);
}
