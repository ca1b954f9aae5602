/**
 * Generates `@qixflow/qix`: the QIX API as TypeScript declarations plus the engine error table.
 *
 * - `structs.ts`: every enum of the engine schema as a union of its short titles, every struct as an interface;
 * - `classes.ts`: Global, Doc, GenericObject, … as the enigma.js API objects the user holds: camelCase methods,
 *   positional parameters, results unwrapped the way enigma.js unwraps them (see `resultType`);
 * - `engine-errors.ts`: the `NxLocalizedErrorCode` enum with each error's message, as a `const` table.
 *
 * Sources: the QIX OpenRPC description 12.2528.0 (qlik-oss/enigma-go `schema/engine-rpc.json`, MIT, kept beside
 * the repository in `../shared/reference/`), and the enigma.js 2.15.0 npm package, whose response interceptors
 * decide what a method resolves to (`qix-api/enigma-facts.ts`); the generator reads them from
 * `node_modules/enigma.js/enigma.js` and stops when they no longer look as described there.
 *
 * Not typed: methods only the older enigma.js schema (12.2027.0) knows, and enigma.js's named-parameter form.
 *
 *   pnpm qix-api          regenerate
 *   pnpm qix-api:check    fail when a generated file is out of date (CI); passes with a notice when the OpenRPC
 *                         file is not beside the repository
 *   … --out <dir>         write or check another folder (relative to the repository root)
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOpenRpc } from './lib/read-open-rpc.js';
import { writeGenerated } from './lib/write-generated.js';
import { API_OBJECT_MEMBERS, checkEnigmaUnwrapping, QRETURN_DROPPED, RETURNED_CLASS } from './qix-api/enigma-facts.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OPENRPC_PATH = join(root, '../shared/reference/engine-rpc-12.2528.json');
const ENIGMA_DIST_PATH = join(root, 'node_modules/enigma.js/enigma.js');
const DEFAULT_OUT_DIR = 'packages/qix/src/generated';

// ---- input shapes (only what is read) ----

interface RpcSchema {
  type?: string;
  format?: string;
  $ref?: string;
  items?: RpcSchema;
  properties?: Record<string, RpcSchema>;
  description?: string;
  oneOf?: { 'x-qlik-const': number; title: string; description?: string }[];
  additionalProperties?: { anyOf?: { name: string; schema: { $ref: string } }[] };
  'x-qlik-deprecated'?: boolean;
  'x-qlik-stability'?: string;
}
interface RpcParam {
  name: string;
  description?: string;
  required?: boolean;
  schema: RpcSchema;
}
interface RpcMethod {
  name: string;
  description?: string;
  params: RpcParam[];
  result: { schema: RpcSchema };
  'x-qlik-deprecated'?: boolean;
  'x-qlik-deprecation-description'?: string;
  'x-qlik-stability'?: string;
}
interface OpenRpc {
  info: { version: string };
  methods: RpcMethod[];
  components: { schemas: Record<string, RpcSchema>; errors: Record<string, { code?: number; message?: string }> };
}

/**
 * The `q…Def` members of generic object properties that the layout does not show under a `q…` counterpart
 * (`qHyperCubeDef → qHyperCube` pairs by name); `layout-of.ts` gives each its own rule.
 */
const UNPAIRED_DEFINITIONS: ReadonlySet<string> = new Set(['qStringExpression', 'qValueExpression', 'qLayoutExclude']);

/**
 * Structs that carry keys the schema does not list (it lists only `qName` for NxMeta), beyond the free-form ones
 * without properties: the recorded engine output (`shared/reference/golden/corectl`) shows `qMeta.privileges` in
 * layouts and a client's `title` in `qMeasure`; `qDim` is taken to behave as `qMeasure` (unverified).
 */
const OPEN_STRUCTS: ReadonlySet<string> = new Set(['NxMeta', 'NxLibraryMeasureDef', 'NxLibraryDimensionDef']);

/** Structs the classes narrow through type parameters instead of naming them. */
const OBJECT_PROPERTIES = 'GenericObjectProperties';
const OBJECT_LAYOUT = 'GenericObjectLayout';

// ---- helpers ----

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

function camel(name: string): string {
  return name.slice(0, 1).toLowerCase() + name.slice(1);
}

/** A single-quoted string literal (the house style; the generated folder is not formatted). */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

const ENTITIES: Readonly<Record<string, string>> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"' };

/** Schema prose as TSDoc text: entities decoded, HTML notes flattened, nothing that ends or opens a tag. */
function docText(text: string): string {
  return text
    .replace(/&(lt|gt|amp|quot);/g, (m) => ENTITIES[m] ?? m)
    .replace(/<div class=note>(.*?)<\/div>/gs, 'Note: $1\n')
    .replace(/\*\//g, '*\\/')
    .replace(/@/g, '\\@')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

/** A TSDoc block at `indent` from lines and `@tag text` lines; `''` separates paragraphs, `undefined` is skipped. */
function docBlock(indent: string, lines: (string | undefined)[]): string {
  const body = lines
    .filter((l): l is string => l !== undefined)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (body === '') return '';
  const rendered = body
    .split('\n')
    .map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`))
    .join('\n');
  return `${indent}/**\n${rendered}\n${indent} */\n`;
}

function stabilityTags(node: { 'x-qlik-stability'?: string; 'x-qlik-deprecated'?: boolean }, why?: string): string[] {
  const tags: string[] = [];
  if (node['x-qlik-deprecated']) tags.push(`@deprecated ${why ? docText(why) : 'Deprecated in the engine schema.'}`);
  if (node['x-qlik-stability'] === 'experimental') tags.push('@experimental');
  return tags;
}

// ---- types ----

class TypeWriter {
  constructor(private readonly schemas: Record<string, RpcSchema>) {}

  /**
   * The TypeScript type of a property, parameter or result schema; `readonly` arrays for parameters, so that
   * callers holding readonly arrays can pass them.
   */
  type(schema: RpcSchema, where: string, readonlyArray = false): string {
    if (schema.$ref) {
      const name = refName(schema.$ref);
      if (!this.schemas[name]) throw new Error(`${where}: dangling $ref ${schema.$ref}`);
      return name;
    }
    switch (schema.type) {
      case 'string':
        return 'string';
      case 'boolean':
        return 'boolean';
      case 'integer':
        return 'number';
      case 'number':
        return schema.format === 'double' ? 'QixDouble' : 'number';
      case 'array': {
        if (!schema.items) throw new Error(`${where}: array without items`);
        const item = this.type(schema.items, `${where}[]`);
        const array = /^[\w.]+$/.test(item) ? `${item}[]` : `(${item})[]`;
        return readonlyArray ? `readonly ${array}` : array;
      }
      default:
        throw new Error(`${where}: unsupported schema type ${String(schema.type)}`);
    }
  }
}

/** Members a description calls mandatory; the schema has no `required` list for struct members. */
function isMandatory(description: string | undefined): boolean {
  return /\bparameter is mandatory\b/i.test(description ?? '');
}

function enumDeclaration(name: string, schema: RpcSchema): string {
  const members = schema.oneOf ?? [];
  const lines = members.map((m) => {
    const long = m.description && m.description !== m.title ? ` ${m.description}` : '';
    return `  | ${quote(m.title)} /* ${m['x-qlik-const']}${long} */`;
  });
  const doc = docBlock('', [
    schema.description ? docText(schema.description) : `The engine enumeration \`${name}\`.`,
    '',
    'Short titles, as the engine writes them (it also reads the long names and the numbers in the comments).',
    ...stabilityTags(schema),
  ]);
  return `${doc}export type ${name} =\n${lines.join('\n')};\n`;
}

function structDeclaration(name: string, schema: RpcSchema, types: TypeWriter): string {
  const doc = docBlock('', [
    schema.description ? docText(schema.description) : `The engine struct \`${name}\`.`,
    ...stabilityTags(schema),
  ]);
  if (schema.type !== 'object') return `${doc}export type ${name} = ${types.type(schema, name)};\n`;
  const members: string[] = [];
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const memberDoc = docBlock('  ', [
      prop.description ? docText(prop.description) : undefined,
      ...stabilityTags(prop),
    ]);
    const optional = isMandatory(prop.description) ? '' : '?';
    members.push(`${memberDoc}  ${propertyKey(key)}${optional}: ${types.type(prop, `${name}.${key}`)};`);
  }
  for (const dynamic of schema.additionalProperties?.anyOf ?? []) {
    const target = refName(dynamic.schema.$ref);
    members.push(
      `  /** Computed by the engine wherever it occurs in the properties (\`${target}\`). */\n` +
        `  ${propertyKey(dynamic.name)}?: ${target};`,
    );
  }
  // Free-form structs (NxMeta, NxMetaDef) and generic object properties carry keys the schema does not list.
  if (members.length === 0 || schema.additionalProperties || OPEN_STRUCTS.has(name)) {
    members.push(
      "  /** Keys the schema does not list: the engine's own, or a client's, which the engine keeps. */\n  [key: string]: unknown;",
    );
  }
  return `${doc}export interface ${name} {\n${members.join('\n')}\n}\n`;
}

/** `qHyperCubeDef → {key: 'qHyperCube', value: HyperCube}`, by pairing the two `additionalProperties` lists. */
function counterpartsDeclaration(schemas: Record<string, RpcSchema>): string {
  const defs = schemas[OBJECT_PROPERTIES]?.additionalProperties?.anyOf ?? [];
  const layouts = new Map(
    (schemas[OBJECT_LAYOUT]?.additionalProperties?.anyOf ?? []).map((d) => [d.name, refName(d.schema.$ref)]),
  );
  const lines: string[] = [];
  const unpaired: string[] = [];
  for (const def of defs) {
    const key = def.name.replace(/Def$/, '');
    const value = def.name.endsWith('Def') ? layouts.get(key) : undefined;
    if (value === undefined) {
      unpaired.push(def.name);
      continue;
    }
    layouts.delete(key);
    lines.push(`  ${def.name}: { key: '${key}'; value: ${value} };`);
  }
  const expected = [...UNPAIRED_DEFINITIONS].sort().join(', ');
  if (unpaired.sort().join(', ') !== expected || layouts.size > 0) {
    throw new Error(
      `qix-api: dynamic properties changed (unpaired definitions: ${unpaired.join(', ')}; layout members without ` +
        `a definition: ${[...layouts.keys()].join(', ')}); review UNPAIRED_DEFINITIONS and layout-of.ts`,
    );
  }
  const doc = docBlock('', [
    'The `q…Def` members of generic object properties that the engine replaces in the layout by a computed',
    'member of another name, at any depth (`qHyperCubeDef` → `qHyperCube`). Used by `LayoutOf`.',
  ]);
  return `${doc}export interface DefinitionCounterparts {\n${lines.join('\n')}\n}\n`;
}

// ---- classes ----

interface Param {
  name: string;
  type: string;
  optional: boolean;
  doc?: string;
}

/** Enum members a string parameter lists in its description ("One of: * S or SHORT …"): its short titles. */
function describedChoices(description: string | undefined): string[] | undefined {
  const at = description?.indexOf('One of:') ?? -1;
  if (!description || at < 0) return undefined;
  const choices: string[] = [];
  for (const line of description.slice(at + 'One of:'.length).split('\n')) {
    const text = line.trim();
    if (text === '') {
      if (choices.length > 0) break;
      continue;
    }
    const match = /^\* (\w+)(?: or \w+)?$/.exec(text);
    if (!match?.[1]) return undefined;
    choices.push(match[1]);
  }
  return choices.length > 0 ? choices : undefined;
}

/** The named enum whose short titles are exactly `choices`, else their inline union. */
function choiceType(choices: string[], schemas: Record<string, RpcSchema>): string {
  for (const [name, schema] of Object.entries(schemas)) {
    const titles = schema.oneOf?.map((m) => m.title);
    if (titles && titles.length === choices.length && titles.every((t) => choices.includes(t))) return name;
  }
  return choices.map(quote).join(' | ');
}

class ClassWriter {
  constructor(
    private readonly schemas: Record<string, RpcSchema>,
    private readonly types: TypeWriter,
  ) {}

  declaration(owner: string, methods: RpcMethod[]): string {
    const generic = owner === 'GenericObject';
    const head = generic
      ? `export interface GenericObject<P extends ${OBJECT_PROPERTIES} = ${OBJECT_PROPERTIES}> extends QixObject<'GenericObject'>`
      : `export interface ${owner} extends QixObject<'${owner}'>`;
    const doc = docBlock('', [
      `The enigma.js API object of a QIX \`${owner}\`: the engine methods in camelCase with positional parameters,`,
      'each resolving to what enigma.js unwraps from the response.',
      generic ? '' : undefined,
      generic
        ? '@typeParam P - The properties the object was created with; `getLayout()` computes from them.'
        : undefined,
    ]);
    const members = methods.map((m) => this.method(owner, m));
    return `${doc}${head} {\n${members.join('\n')}\n}\n`;
  }

  private method(owner: string, method: RpcMethod): string {
    const name = method.name.slice(owner.length + 1);
    const fn = camel(name);
    if (API_OBJECT_MEMBERS.has(fn)) throw new Error(`${method.name}: ${fn} would shadow an API object member`);
    const returned = RETURNED_CLASS[method.name];
    const childProps = returned === 'GenericObject' ? 'Q' : undefined;
    const params = method.params.map((p, index) => this.param(owner, method, p, index, childProps));
    const result = this.resultType(owner, method, name, returned);
    const typeParams = childProps ? `<Q extends ${OBJECT_PROPERTIES} = ${OBJECT_PROPERTIES}>` : '';
    const signature = params.map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.type}`).join(', ');
    const doc = docBlock('  ', [
      method.description ? docText(method.description) : undefined,
      ...(childProps && !method.params.some((p) => p.name === 'qProp')
        ? ['', '@typeParam Q - Properties the caller knows the object has (not checked).']
        : childProps
          ? ['', '@typeParam Q - The properties passed, which type the layout of the returned object.']
          : []),
      ...params.map((p) => `@param ${p.name} - ${p.doc ?? ''}`),
      `@returns ${this.resultDoc(method, returned)}`,
      ...stabilityTags(method, method['x-qlik-deprecation-description']),
    ]);
    return `${doc}  ${fn}${typeParams}(${signature}): QixPromise<${result}>;`;
  }

  private param(owner: string, method: RpcMethod, p: RpcParam, index: number, childProps?: string): Param {
    const where = `${method.name}(${p.name})`;
    let type = this.types.type(p.schema, where, true);
    if (type === 'string' && !p.schema.$ref) {
      const choices = describedChoices(p.description);
      if (choices) type = choiceType(choices, this.schemas);
    }
    if (type === OBJECT_PROPERTIES) {
      if (childProps && p.name === 'qProp') type = childProps;
      else if (owner === 'GenericObject') type = 'P';
    }
    const required = p.required === true;
    // TypeScript has no optional parameter before a required one: pass '' (the engine's default) instead.
    const laterRequired = method.params.slice(index + 1).some((q) => q.required === true);
    const doc = [
      p.description ? docText(p.description).replace(/\n/g, ' ') : '',
      !required && laterRequired ? '(Optional for the engine: pass the empty value for its default.)' : '',
    ]
      .filter((s) => s !== '')
      .join(' ');
    return { name: p.name, type, optional: !required && !laterRequired, doc };
  }

  /**
   * What the enigma.js method resolves to (enigma.js 2.15 `outParamResponseInterceptor`, `apiResponseInterceptor`):
   * `qReturn` when the result has one (an API object when it is `{qHandle, qType}`), else the only out-parameter,
   * else the whole result object; `{}` (no out-parameter) is typed `void`.
   */
  private resultType(owner: string, method: RpcMethod, name: string, returned: string | undefined): string {
    const props = { ...(method.result.schema.properties ?? {}) };
    if (QRETURN_DROPPED.has(name)) delete props.qReturn;
    const qReturn = props.qReturn;
    if (qReturn) {
      const type = this.types.type(qReturn, `${method.name} qReturn`);
      if (type !== 'ObjectInterface') return returned ? this.fail(method, 'does not return an object') : type;
      if (!returned) return this.fail(method, 'returns an object of unknown class: add it to RETURNED_CLASS');
      return returned === 'GenericObject' ? 'GenericObject<Q>' : returned;
    }
    if (returned) return this.fail(method, 'no longer returns an object');
    const outs = Object.entries(props);
    const typed = outs.map(([key, schema]) => {
      const type = this.types.type(schema, `${method.name} ${key}`);
      if (owner === 'GenericObject' && type === OBJECT_LAYOUT) return [key, 'LayoutOf<P>'] as const;
      if (owner === 'GenericObject' && type === OBJECT_PROPERTIES) return [key, 'P'] as const;
      return [key, type] as const;
    });
    if (typed.length === 0) return 'void';
    if (typed.length === 1) return typed[0]?.[1] ?? 'void';
    return `{ ${typed.map(([key, type]) => `${propertyKey(key)}: ${type}`).join('; ')} }`;
  }

  private resultDoc(method: RpcMethod, returned: string | undefined): string {
    const props = Object.entries(method.result.schema.properties ?? {}).filter(
      ([key]) => !(key === 'qReturn' && QRETURN_DROPPED.has(method.name.split('.')[1] ?? '')),
    );
    if (props.length === 0) return 'Nothing (enigma.js resolves to `{}`).';
    if (props.some(([key]) => key === 'qReturn')) {
      const other = props.filter(([key]) => key !== 'qReturn').map(([key]) => `\`${key}\``);
      const lost = other.length > 0 ? ` (enigma.js drops ${other.join(', ')})` : '';
      return `${returned ? `The \`${returned}\` API object` : '`qReturn`'}${lost}.`;
    }
    if (props.length === 1) {
      const [key, schema] = props[0] ?? ['', {}];
      return `\`${key}\`${schema.description ? `: ${docText(schema.description).replace(/\n/g, ' ')}` : '.'}`;
    }
    return `The result object: ${props.map(([key]) => `\`${key}\``).join(', ')}.`;
  }

  private fail(method: RpcMethod, why: string): never {
    throw new Error(`qix-api: ${method.name} ${why}`);
  }
}

// ---- errors ----

function errorsFile(rpc: OpenRpc): string {
  const codes = rpc.components.schemas.NxLocalizedErrorCode?.oneOf;
  if (!codes) throw new Error('qix-api: the schema has no NxLocalizedErrorCode enum');
  const rows = codes.map((c) => {
    const message = rpc.components.errors[c.title];
    if (message?.code !== c['x-qlik-const'] || typeof message.message !== 'string') {
      throw new Error(`qix-api: components.errors.${c.title} does not match NxLocalizedErrorCode`);
    }
    const title = quote(message.message);
    return `  ${c.title}: { code: ${c['x-qlik-const']}, name: ${quote(c.title)}, title: ${title} },`;
  });
  return [
    "import type { NxLocalizedErrorCode } from './structs.js';",
    '',
    docBlock('', [
      'One engine error: the `code` the engine answers with (`{"error": {code, parameter, message}}`), the name',
      'of the code in the schema and the message the schema gives for it.',
    ]).trimEnd(),
    'export interface EngineErrorEntry<N extends string = string> {',
    '  readonly code: number;',
    '  readonly name: N;',
    '  readonly title: string;',
    '}',
    '',
    docBlock('', [
      'Every engine error code by name, from the schema: `NxLocalizedErrorCode` (code ↔ name) and',
      '`components.errors` (title). It includes the JSON-RPC codes the engine answers with',
      '(`LOCERR_JSON_RPC_METHOD_NOT_FOUND` −32601, `LOCERR_JSON_RPC_INVALID_PARAMETERS` −32602,',
      '`LOCERR_JSON_RPC_PARSE_ERROR` −32700) and names −1 `LOCERR_GENERIC_UNKNOWN`: the engine\'s "unknown',
      'error". enigma.js rejects with its own negative codes (−1 `NOT_CONNECTED`, −2 `OBJECT_NOT_FOUND`, …) for',
      'errors it raises itself; those carry `enigmaError: true` and are not in this table.',
      '',
      '@example',
      '```ts',
      "ENGINE_ERRORS.LOCERR_APP_NOT_FOUND; // { code: 1003, name: 'LOCERR_APP_NOT_FOUND', title: 'App not found' }",
      'const byCode = new Map(Object.values(ENGINE_ERRORS).map((e) => [e.code as number, e]));',
      '```',
    ]).trimEnd(),
    'export const ENGINE_ERRORS = {',
    ...rows,
    '} as const satisfies { readonly [N in NxLocalizedErrorCode]: EngineErrorEntry<N> };',
    '',
    '/** The name of an engine error code (`LOCERR_APP_NOT_FOUND`, …). */',
    'export type EngineErrorName = keyof typeof ENGINE_ERRORS;',
    '',
    '/** An engine error code the schema knows (1003, −32601, …); newer engines may answer with others. */',
    "export type EngineErrorCode = (typeof ENGINE_ERRORS)[EngineErrorName]['code'];",
    '',
  ].join('\n');
}

// ---- output ----

function header(rpc: OpenRpc, what: string): string {
  return (
    `// Generated by scripts/qix-api.ts; do not edit, run \`pnpm qix-api\`. ${what}\n` +
    `// Derived from the QIX engine OpenRPC description ${rpc.info.version} (qlik-oss/enigma-go schema/engine-rpc.json,\n` +
    '// MIT License, Copyright (c) QlikTech International AB) and the response handling of enigma.js 2.15.0.\n\n'
  );
}

function structsFile(rpc: OpenRpc): string {
  const schemas = rpc.components.schemas;
  const types = new TypeWriter(schemas);
  const missing = [...OPEN_STRUCTS].filter((name) => !schemas[name]?.properties);
  if (missing.length > 0) throw new Error(`qix-api: OPEN_STRUCTS names unknown structs: ${missing.join(', ')}`);
  const blocks: string[] = ["import type { QixDouble } from '../qix-double.js';\n"];
  for (const [name, schema] of Object.entries(schemas)) {
    blocks.push(schema.oneOf ? enumDeclaration(name, schema) : structDeclaration(name, schema, types));
  }
  blocks.push(counterpartsDeclaration(schemas));
  return header(rpc, 'Every enum and struct of the engine schema.') + blocks.join('\n');
}

function classesFile(rpc: OpenRpc): string {
  const schemas = rpc.components.schemas;
  const writer = new ClassWriter(schemas, new TypeWriter(schemas));
  const byOwner = new Map<string, RpcMethod[]>();
  for (const method of rpc.methods) {
    const owner = method.name.split('.')[0] ?? '';
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), method]);
  }
  const known = new Set(rpc.methods.map((m) => m.name));
  const stale = Object.keys(RETURNED_CLASS).filter((m) => !known.has(m));
  if (stale.length > 0) throw new Error(`qix-api: RETURNED_CLASS names unknown methods: ${stale.join(', ')}`);

  const used = new Set<string>();
  const blocks = [...byOwner].map(([owner, methods]) => writer.declaration(owner, methods));
  const body = blocks.join('\n');
  const code = body.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const match of code.matchAll(/\b([A-Z]\w+)\b/g)) {
    const name = match[1] ?? '';
    if (schemas[name]) used.add(name);
  }
  const imports = [
    "import type { LayoutOf } from '../layout-of.js';",
    "import type { QixObject } from '../qix-object.js';",
    "import type { QixPromise } from '../qix-promise.js';",
    ...(body.includes('QixDouble') ? ["import type { QixDouble } from '../qix-double.js';"] : []),
    `import type {\n${[...used]
      .sort()
      .map((n) => `  ${n},`)
      .join('\n')}\n} from './structs.js';`,
  ];
  const classList = [...byOwner.keys()];
  const union = docBlock('', ['Any QIX API object enigma.js hands out.']);
  const tail = `${union}export type AnyQixObject = ${classList.join(' | ')};\n`;
  return `${header(rpc, 'The API classes of the engine schema, as enigma.js exposes them.')}${imports.join('\n')}\n\n${body}\n${tail}`;
}

const check = process.argv.includes('--check');
// `--out <dir>` (relative to the repository) lets the tests check a copy instead of the package.
const outAt = process.argv.indexOf('--out');
const OUT_DIR = (outAt >= 0 ? process.argv[outAt + 1] : undefined) ?? DEFAULT_OUT_DIR;
const rpc = await readOpenRpc<OpenRpc>('qix-api', OPENRPC_PATH, check);
if (rpc !== undefined) {
  checkEnigmaUnwrapping(await readFile(ENIGMA_DIST_PATH, 'utf8'));
  const files = [
    { name: 'structs.ts', text: structsFile(rpc) },
    { name: 'classes.ts', text: classesFile(rpc) },
    { name: 'engine-errors.ts', text: header(rpc, 'The engine error codes.') + errorsFile(rpc) },
  ];
  await writeGenerated(
    root,
    files.map((f) => ({ path: `${OUT_DIR}/${f.name}`, text: f.text })),
    { check, command: 'pnpm qix-api' },
  );
}
