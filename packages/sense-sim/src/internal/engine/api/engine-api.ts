import methodsFile from '../../../generated/engine-methods.json' with { type: 'json' };
import structsFile from '../../../generated/engine-structs.json' with { type: 'json' };
import { hasType, isPlainObject, type ParamType } from './param-type.js';

/** One parameter of an engine method (`src/generated/engine-methods.json`). */
interface ParamSpec {
  readonly name: string;
  /** Whether the caller may leave it out (then {@link ParamSpec.default} applies). */
  readonly optional: boolean;
  /** Value used when an optional parameter is omitted; absent when the schema has none. */
  readonly default?: unknown;
  readonly type: ParamType;
  /** Enum name (see {@link enumValues}) when the parameter is an enum; its value is normalised to the short title. */
  readonly enum?: string;
  /** Struct name (`engine-structs.json`) when the parameter is a struct. */
  readonly ref?: string;
  /** Element type when the parameter is an array. */
  readonly items?: { readonly type: ParamType };
}

/** An engine method: parameters in order and the out-keys of its `result` object in order. */
export interface MethodSpec {
  /** The struct (`qType` of the handle) the method belongs to: Global, Doc, GenericObject, … */
  struct: string;
  name: string;
  params: ParamSpec[];
  /** Result keys, e.g. `['qInfo', 'qReturn']` for CreateObject, `[]` for AbortAll. */
  results: string[];
}

/** One enum member: the number, the short title the engine emits, and the long name it also accepts. */
export interface EnumMember {
  readonly value: number;
  readonly short: string;
  readonly long: string;
}

/** What {@link normalizeParams} returns: positional arguments, or the parameter to name in a -32602 answer. */
export type NormalizedParams = { ok: true; args: unknown[] } | { ok: false; parameter: string };

interface MethodsFile {
  structs: Record<string, Record<string, { params: ParamSpec[]; results: string[] }>>;
  enums: Record<string, EnumMember[]>;
}
interface StructsFile {
  enums: Record<string, EnumMember[]>;
}

// The JSON modules are typed by inference; only the parts read here are described.
const methods = methodsFile as unknown as MethodsFile;
const schemaEnums = (structsFile as unknown as StructsFile).enums;

const specs = new Map<string, MethodSpec | null>();

/**
 * The schema of `struct.method`, or undefined when the engine has no such method (answer -32601).
 *
 * @example
 * methodSpec('Doc', 'CreateObject')?.results; // ['qInfo', 'qReturn']
 */
export function methodSpec(struct: string, method: string): MethodSpec | undefined {
  const key = `${struct}.${method}`;
  let spec = specs.get(key);
  if (spec === undefined) {
    // Own-property lookups only: method names come from the wire ("constructor", "__proto__").
    const methodsOfStruct = Object.hasOwn(methods.structs, struct) ? methods.structs[struct] : undefined;
    const entry = methodsOfStruct && Object.hasOwn(methodsOfStruct, method) ? methodsOfStruct[method] : undefined;
    spec = entry ? { struct, name: method, params: entry.params, results: entry.results } : null;
    specs.set(key, spec);
  }
  return spec ?? undefined;
}

/**
 * Members of an engine enum (`NxHypercubeMode`, `BNFType`, …, or one only a parameter description defines,
 * named `Struct.Method.param`), or undefined for an unknown name.
 */
export function enumValues(name: string): readonly EnumMember[] | undefined {
  if (Object.hasOwn(schemaEnums, name)) return schemaEnums[name];
  if (Object.hasOwn(methods.enums, name)) return methods.enums[name];
  return undefined;
}

const enumLookups = new Map<string, Map<string | number, string>>();

/**
 * The short title of an enum value given as the numeric const, the short title, the long name or the long name
 * with an `EQ_` prefix (`0`, `'S'`, `'DATA_MODE_STRAIGHT'`, `'EQ_DATA_MODE_STRAIGHT'` → `'S'`); undefined when the
 * value is none of these.
 *
 * @example
 * normalizeEnum('BNFType', 'SCRIPT_TEXT_EXPRESSION'); // 'E'
 */
export function normalizeEnum(name: string, value: unknown): string | undefined {
  let lookup = enumLookups.get(name);
  if (!lookup) {
    lookup = new Map();
    // Short titles first: where a short title equals another member's long name, the short title wins.
    for (const m of enumValues(name) ?? []) {
      if (!lookup.has(m.value)) lookup.set(m.value, m.short);
      if (!lookup.has(m.short)) lookup.set(m.short, m.short);
    }
    for (const m of enumValues(name) ?? []) {
      if (!lookup.has(m.long)) lookup.set(m.long, m.short);
      // Examples and older clients write the C++ enumerator name, e.g. EQ_DATA_MODE_PIVOT.
      if (!lookup.has(`EQ_${m.long}`)) lookup.set(`EQ_${m.long}`, m.short);
    }
    enumLookups.set(name, lookup);
  }
  return typeof value === 'string' || typeof value === 'number' ? lookup.get(value) : undefined;
}

/** Omitted value of an optional parameter; object defaults are copied so a handler may keep or change them. */
function defaultOf(param: ParamSpec): unknown {
  const value = param.default;
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

const MISSING: unique symbol = Symbol('missing');

/** The argument for one parameter, or MISSING when the value is not acceptable. */
function argument(param: ParamSpec, value: unknown): unknown {
  if (value === MISSING || value === undefined) return param.optional ? defaultOf(param) : MISSING;
  if (value === null) {
    // JSON has no undefined: enigma.js turns an undefined argument into null inside the params array, and
    // enigma-go encodes nil pointers and slices as null. So null means "not given" for an optional parameter
    // and "empty" for a required struct or array; a required string/number/boolean cannot be null.
    if (param.optional) return defaultOf(param);
    if (param.type === 'object') return {};
    if (param.type === 'array') return [];
    return param.type === 'any' ? null : MISSING;
  }
  if (param.enum) return normalizeEnum(param.enum, value) ?? MISSING;
  if (!hasType(value, param.type)) return MISSING;
  const items = param.items?.type;
  // Element types are checked for scalar elements (qValues: int[], qFieldNames: string[]); struct elements
  // are the handler's to read, as they read any struct parameter.
  if (items && items !== 'object' && items !== 'array' && Array.isArray(value)) {
    if (!value.every((element) => hasType(element, items))) return MISSING;
  }
  return value;
}

/**
 * Turns the `params` of a request into positional arguments in schema order, as the engine reads them:
 *
 * - `params` is an array (positional), an object (named: keys are parameter names, an unknown key is an error),
 *   or absent/null (no arguments);
 * - a missing trailing optional parameter takes the schema default (undefined when the schema has none); a
 *   missing required parameter is an error; `null` counts as missing for an optional parameter and as empty
 *   (`{}`/`[]`) for a required struct/array parameter;
 * - values are type-checked strictly, as JSON types: no string-to-number or number-to-boolean coercion (the
 *   engine answers `ConfigureReload('dummy', true, true)` with -32602), integers must be whole numbers, scalar
 *   array elements are checked too;
 * - enum parameters accept the numeric const, the short title, the long name or `EQ_` + long name and are
 *   passed on as the short title;
 * - positional values beyond the schema's parameters are ignored: enigma-go sends every parameter of its newer
 *   schema, which an older engine does not know.
 *
 * Returns the parameter to name in the -32602 "Invalid method parameter(s)" answer when the params are not
 * acceptable (`'params'` when they are neither an array nor an object).
 *
 * @example
 * normalizeParams(methodSpec('Global', 'OpenDoc')!, ['Sales.qvf']);
 * // { ok: true, args: ['Sales.qvf', '', '', '', false] }
 */
export function normalizeParams(spec: MethodSpec, params: unknown): NormalizedParams {
  const args: unknown[] = [];
  if (Array.isArray(params)) {
    for (const [index, param] of spec.params.entries()) {
      const value = argument(param, index < params.length ? params[index] : MISSING);
      if (value === MISSING) return { ok: false, parameter: param.name };
      args.push(value);
    }
    return { ok: true, args };
  }
  let named: Record<string, unknown> = {};
  if (isPlainObject(params)) named = params;
  else if (params !== undefined && params !== null) return { ok: false, parameter: 'params' };
  for (const key of Object.keys(named)) {
    if (!spec.params.some((param) => param.name === key)) return { ok: false, parameter: key };
  }
  for (const param of spec.params) {
    const value = argument(param, Object.hasOwn(named, param.name) ? named[param.name] : MISSING);
    if (value === MISSING) return { ok: false, parameter: param.name };
    args.push(value);
  }
  return { ok: true, args };
}
