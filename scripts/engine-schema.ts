/**
 * Generates the simulator's QIX engine tables from the engine's published schemas:
 *
 * - `engine-methods.json`: per struct (Global, Doc, GenericObject, …) and method, the parameters in order
 *   (name, optional, default, type, enum) and the result out-keys in order;
 * - `engine-structs.json`: every struct of the engine schema (properties with type, struct/enum reference and
 *   default) and every enum (numeric const, short title, long name);
 * - `engine-signatures.ts`: the same methods as types — per struct and method, the arguments a handler receives
 *   from `normalizeParams` and the result it answers with — which type the handler tables
 *   (`engine-schema/signatures-file.ts` says what each schema type becomes).
 *
 * Sources: the QIX OpenRPC description 12.2528.0 (qlik-oss/enigma-go `schema/engine-rpc.json`, MIT, kept beside
 * the repository in `../shared/reference/`), which types everything, and the enigma.js npm schema 12.2027.0,
 * which adds a few older methods and the `DefaultValue` of each parameter.
 *
 *   pnpm engine-schema          regenerate
 *   pnpm engine-schema:check    fail when a generated file is out of date (CI); passes with a notice when the
 *                               OpenRPC file is not beside the repository
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SignatureMethod, type SignatureResult, signaturesFile } from './engine-schema/signatures-file.js';
import { readOpenRpc } from './lib/read-open-rpc.js';
import { writeGenerated } from './lib/write-generated.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OPENRPC_PATH = join(root, '../shared/reference/engine-rpc-12.2528.json');
const NPM_SCHEMA_PATH = join(root, 'node_modules/enigma.js/schemas/12.2027.0.json');
const OUT_DIR = 'packages/sense-sim/src/generated';

/** The structs whose methods the simulator serves, in the order the table lists them. */
const STRUCTS = [
  'Global',
  'Doc',
  'GenericObject',
  'GenericDimension',
  'GenericMeasure',
  'GenericVariable',
  'GenericBookmark',
  'Field',
  'Variable',
] as const;

type ValueType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'any';
const VALUE_TYPES: ReadonlySet<string> = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array']);

// ---- input shapes (only what is read) ----

interface RpcSchema {
  type?: string;
  $ref?: string;
  items?: RpcSchema;
  properties?: Record<string, RpcSchema>;
  default?: unknown;
  description?: string;
  oneOf?: { 'x-qlik-const': number; title: string; description?: string }[];
  additionalProperties?: { anyOf?: { name: string; schema: { $ref: string } }[] };
}
interface RpcParam {
  name: string;
  description?: string;
  required?: boolean;
  schema: RpcSchema;
}
interface RpcMethod {
  name: string;
  params: RpcParam[];
  result: { schema: RpcSchema };
}
interface OpenRpc {
  info: { version: string };
  methods: RpcMethod[];
  components: { schemas: Record<string, RpcSchema> };
}
interface NpmParam {
  Name: string;
  DefaultValue?: unknown;
  Optional?: boolean;
}
interface NpmSchema {
  structs: Record<string, Record<string, { In: NpmParam[]; Out: { Name: string }[] }>>;
}

// ---- output shapes ----

/** An enum member as the tables store it. */
interface EnumMember {
  value: number;
  short: string;
  long: string;
}
interface ItemOut {
  type: ValueType;
  ref?: string;
  enum?: string;
}
interface PropertyOut extends ItemOut {
  items?: ItemOut;
  default?: unknown;
}
interface StructOut {
  /** Only for the few schemas that are not objects (row arrays, base64 blobs). */
  type?: ValueType;
  items?: ItemOut;
  properties: Record<string, PropertyOut>;
  /** Dynamic `q…Def` members of generic object properties/layouts: member name → struct. */
  additionalProperties?: Record<string, string>;
}
interface ParamOut {
  name: string;
  optional: boolean;
  default?: unknown;
  type: ValueType;
  enum?: string;
  ref?: string;
  items?: { type: ValueType };
}
interface MethodOut {
  params: ParamOut[];
  results: string[];
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

function valueType(type: string | undefined, where: string): ValueType {
  if (type !== undefined && VALUE_TYPES.has(type)) return type as ValueType;
  throw new Error(`${where}: unsupported schema type ${String(type)}`);
}

function compactEnums(schemas: Record<string, RpcSchema>): Record<string, EnumMember[]> {
  const enums: Record<string, EnumMember[]> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (!schema.oneOf) continue;
    enums[name] = schema.oneOf.map((m) => ({
      value: m['x-qlik-const'],
      short: m.title,
      long: m.description ?? m.title,
    }));
  }
  return enums;
}

/** `{type, ref?/enum?}` of a schema that may be a `$ref` to a struct or an enum. */
function itemOut(schema: RpcSchema, schemas: Record<string, RpcSchema>, where: string): ItemOut {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    const target = schemas[name];
    if (!target) throw new Error(`${where}: dangling $ref ${schema.$ref}`);
    if (target.oneOf) return { type: 'string', enum: name };
    return { type: valueType(target.type, where), ref: name };
  }
  return { type: valueType(schema.type, where) };
}

function compactStructs(schemas: Record<string, RpcSchema>): Record<string, StructOut> {
  const structs: Record<string, StructOut> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (schema.oneOf) continue;
    const out: StructOut = { properties: {} };
    const type = valueType(schema.type, name);
    if (type !== 'object') out.type = type;
    if (schema.items) out.items = itemOut(schema.items, schemas, name);
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const where = `${name}.${key}`;
      const p: PropertyOut = itemOut(prop, schemas, where);
      // A property written `{type: string, $ref: Enum}` is the enum; `{type: object, $ref: Struct}` the struct.
      if (prop.$ref && !p.enum) p.type = valueType(prop.type, where);
      if (prop.items) p.items = itemOut(prop.items, schemas, `${where}[]`);
      if (prop.default !== undefined) p.default = prop.default;
      out.properties[key] = p;
    }
    const dynamic = schema.additionalProperties?.anyOf;
    if (dynamic) out.additionalProperties = Object.fromEntries(dynamic.map((d) => [d.name, refName(d.schema.$ref)]));
    structs[name] = out;
  }
  return structs;
}

// ---- parameters ----

/**
 * The `One of:` list of a parameter description as (short, long?) pairs, or undefined when the list is prose
 * (a few descriptions use the same heading for free text, such as "Path and name of the app").
 */
function describedChoices(description: string | undefined): { short: string; long?: string }[] | undefined {
  if (!description) return undefined;
  const at = description.indexOf('One of:');
  if (at < 0) return undefined;
  const choices: { short: string; long?: string }[] = [];
  for (const line of description.slice(at + 'One of:'.length).split('\n')) {
    const text = line.trim();
    if (text === '') {
      if (choices.length > 0) break;
      continue;
    }
    const match = /^\* (\w+)(?: or (\w+))?$/.exec(text);
    if (!match?.[1]) return undefined;
    choices.push(match[2] ? { short: match[1], long: match[2] } : { short: match[1] });
  }
  return choices.length > 0 ? choices : undefined;
}

/** The schema enum whose members are exactly these choices. */
function matchingEnum(
  choices: { short: string; long?: string }[],
  enums: Record<string, EnumMember[]>,
): string | undefined {
  for (const [name, members] of Object.entries(enums)) {
    if (members.length !== choices.length) continue;
    const same = choices.every((c) => members.some((m) => m.short === c.short && m.long === (c.long ?? c.short)));
    if (same) return name;
  }
  return undefined;
}

function enumShort(members: EnumMember[], value: unknown): string | undefined {
  const found = members.find((m) => m.value === value || m.short === value || m.long === value);
  return found?.short;
}

/**
 * enigma.js's `DefaultValue`s are zero values of the parameter type: arrays hold one sample element
 * (`qColIndices: [0]` would mean "column 0" where the engine means "all columns"). Omitting a parameter
 * means an empty array, so samples are dropped at every depth.
 */
function withoutSampleElements(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSampleElements(v)]));
  }
  return value;
}

/**
 * A default the OpenRPC description states ("The default value is 10 000.", "…is _Main_ ."), when it reads
 * as a value of the parameter's type. These are the engine's documented defaults, which enigma.js's zero
 * values sometimes contradict (qMaxNbrCells 0, qExportState P, qLocalizedMainSection "").
 */
function describedDefault(param: ParamOut, description: string | undefined): unknown {
  const match = /^The default value is (.+)$/m.exec(description ?? '');
  if (!match?.[1]) return undefined;
  const text = match[1]
    .trim()
    .replace(/\s*\.$/, '')
    .replace(/^_(.*)_$/, '$1')
    .trim();
  switch (param.type) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'integer':
    case 'number': {
      const digits = text.replace(/ /g, '');
      return /^-?\d+(\.\d+)?$/.test(digits) ? Number(digits) : undefined;
    }
    case 'string':
      return /^[\w$]+$/.test(text) ? text : undefined;
    default:
      return undefined;
  }
}

function buildMethods(
  rpc: OpenRpc,
  npm: NpmSchema,
  enums: Record<string, EnumMember[]>,
): {
  structs: Record<string, Record<string, MethodOut>>;
  enums: Record<string, EnumMember[]>;
  signatures: Record<string, Record<string, SignatureMethod>>;
} {
  const schemas = rpc.components.schemas;
  const synthesized: Record<string, EnumMember[]> = {};
  const out: Record<string, Record<string, MethodOut>> = {};
  const signatures: Record<string, Record<string, SignatureMethod>> = {};
  for (const struct of STRUCTS) {
    const methods: Record<string, MethodOut> = {};
    const typed: Record<string, SignatureMethod> = {};
    const npmMethods = npm.structs[struct] ?? {};
    for (const method of rpc.methods) {
      const [owner, name] = method.name.split('.');
      if (owner !== struct || !name) continue;
      const npmIn = npmMethods[name]?.In ?? [];
      const params = method.params.map((param, index): ParamOut => {
        const where = `${method.name}(${param.name})`;
        const item = itemOut(param.schema, schemas, where);
        const p: ParamOut = { name: param.name, optional: param.required !== true, type: item.type };
        if (item.ref) p.ref = item.ref;
        if (item.enum) p.enum = item.enum;
        if (param.schema.items) p.items = { type: itemOut(param.schema.items, schemas, `${where}[]`).type };
        if (!p.enum && p.type === 'string') {
          // Enum parameters are typed `string` and list their members in the description.
          const choices = describedChoices(param.description);
          if (choices) {
            const found = matchingEnum(choices, enums);
            if (found) {
              p.enum = found;
            } else {
              const synthetic = `${method.name}.${param.name}`;
              synthesized[synthetic] = choices.map((c, i) => ({ value: i, short: c.short, long: c.long ?? c.short }));
              p.enum = synthetic;
            }
          }
        }
        if (p.optional) {
          const npmParam = npmIn[index];
          let value =
            param.schema.default ??
            describedDefault(p, param.description) ??
            (npmParam?.Name === param.name ? withoutSampleElements(npmParam.DefaultValue) : undefined);
          const members = p.enum ? (enums[p.enum] ?? synthesized[p.enum]) : undefined;
          if (members && value !== undefined && value !== null) value = enumShort(members, value);
          // enigma.js writes `null` where it has no zero value (qSoftLock, qPropForThis): that is "no default".
          if (value !== undefined && value !== null) p.default = value;
        }
        return p;
      });
      const results = Object.keys(method.result.schema.properties ?? {});
      methods[name] = { params, results };
      typed[name] = { params, results: resultSignatures(method, schemas) };
    }
    // Methods only the older npm schema knows: untyped, but servable (GetConfiguration, ImportApp, …).
    for (const [name, legacy] of Object.entries(npmMethods)) {
      if (methods[name]) continue;
      const params = legacy.In.map((param): ParamOut => {
        const p: ParamOut = { name: param.Name, optional: param.Optional === true, type: 'any' };
        const value = p.optional ? withoutSampleElements(param.DefaultValue) : undefined;
        if (value !== undefined && value !== null) p.default = value;
        return p;
      });
      methods[name] = { params, results: legacy.Out.map((o) => o.Name) };
      typed[name] = { params, results: legacy.Out.map((o) => ({ name: o.Name, type: 'any' })) };
    }
    out[struct] = methods;
    signatures[struct] = typed;
  }
  return { structs: out, enums: synthesized, signatures };
}

/** The out-parameters of a method with their value types (`engine-signatures.ts`). */
function resultSignatures(method: RpcMethod, schemas: Record<string, RpcSchema>): SignatureResult[] {
  return Object.entries(method.result.schema.properties ?? {}).map(([key, schema]) => {
    const where = `${method.name} ${key}`;
    const item = itemOut(schema, schemas, where);
    const result: SignatureResult = { name: key, ...item };
    if (schema.items) result.items = itemOut(schema.items, schemas, `${where}[]`);
    return result;
  });
}

// ---- output ----

/** JSON with objects expanded one member per line down to `depth`, inline below it: compact yet diffable. */
function render(value: unknown, depth: number, indent = ''): string {
  if (depth <= 0 || value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  const members = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${render(v, depth - 1, inner)}`);
  return members.length === 0 ? '{}' : `{\n${members.join(',\n')}\n${indent}}`;
}

function header(rpc: OpenRpc, what: string): string {
  return (
    `Generated by scripts/engine-schema.ts; do not edit, run \`pnpm engine-schema\`. ${what} ` +
    `Derived from the QIX engine OpenRPC description ${rpc.info.version} (qlik-oss/enigma-go schema/engine-rpc.json, ` +
    'MIT License, Copyright (c) QlikTech International AB) and the enigma.js 2.15.0 npm schema 12.2027.0 ' +
    '(MIT License, Copyright (c) 2016-present QlikTech International AB).'
  );
}

const check = process.argv.includes('--check');
const rpc = await readOpenRpc<OpenRpc>('engine-schema', OPENRPC_PATH, check);
if (rpc !== undefined) {
  const npm = JSON.parse(await readFile(NPM_SCHEMA_PATH, 'utf8')) as NpmSchema;
  const enums = compactEnums(rpc.components.schemas);
  const structs = compactStructs(rpc.components.schemas);
  const methods = buildMethods(rpc, npm, enums);

  const files: { name: string; text: string }[] = [
    {
      name: 'engine-methods.json',
      text: `${render(
        {
          $comment: header(
            rpc,
            'Per struct and method: parameters in order {name, optional, default?, type, enum?, ref?, items?} and ' +
              'result out-keys in order. "enums" holds enumerations that only a parameter description defines.',
          ),
          version: rpc.info.version,
          structs: methods.structs,
          enums: methods.enums,
        },
        3,
      )}\n`,
    },
    {
      name: 'engine-structs.json',
      text: `${render(
        {
          $comment: header(
            rpc,
            'Every engine struct {properties: {qX: {type, ref?, items?, enum?, default?}}} and every enum ' +
              '[{value, short, long}].',
          ),
          version: rpc.info.version,
          structs,
          enums,
        },
        2,
      )}\n`,
    },
  ];

  const shorts = (name: string): string[] => (enums[name] ?? methods.enums[name] ?? []).map((m) => m.short);
  files.push({
    name: 'engine-signatures.ts',
    text: signaturesFile(
      header(rpc, 'Per struct and method: the arguments a handler receives and the result it answers with.'),
      methods.signatures,
      shorts,
    ),
  });

  await writeGenerated(
    root,
    files.map((f) => ({ path: join(OUT_DIR, f.name), text: f.text })),
    { check, command: 'pnpm engine-schema' },
  );
}
