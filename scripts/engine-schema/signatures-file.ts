/**
 * The TypeScript half of the simulator's engine tables: `engine-signatures.ts`, per struct and method the
 * arguments a handler receives and the result it answers with. It is written from the same parameter table as
 * `engine-methods.json` (which `normalizeParams` reads at run time), so a type says exactly what the normalizer
 * guarantees:
 *
 * - `string`, `boolean`, `integer`/`number` (→ `number`) and scalar arrays are checked by the normalizer, so they
 *   are typed exactly; an enum parameter is passed on as the short title, so it is the union of short titles;
 * - a struct parameter is only checked to be a JSON object (an array of structs, to be an array): it is typed
 *   loosely (`EngineStruct`, `unknown[]`), its members are the handler's to read;
 * - an optional parameter the schema gives a default always arrives (the default fills it), so it is typed as
 *   required; one without a default is `T | undefined`: the normalizer passes every parameter, positionally;
 * - parameters of methods only the older npm schema knows are untyped (`unknown`).
 *
 * Results are keyed by the schema's out-parameter names (a missing or misspelt key is a compile error); scalars
 * and scalar arrays are typed exactly, `ObjectInterface` as the simulator's, structs and arrays of structs are
 * `unknown`: the handlers build them from stored, loosely typed properties.
 */

// The normalizer's own type check: a default is checked as an argument would be.
import { hasType, type ParamType } from '../../packages/sense-sim/src/internal/engine/api/param-type.js';

/** A parameter as `engine-methods.json` stores it (only what is read here). */
interface SignatureParam {
  name: string;
  optional: boolean;
  default?: unknown;
  type: ParamType;
  enum?: string;
  items?: { type: ParamType };
}

/** A result out-parameter: its value type, struct name and element type (`any` for untyped methods). */
export interface SignatureResult {
  name: string;
  type: ParamType;
  ref?: string;
  items?: { type: ParamType; ref?: string };
}

export interface SignatureMethod {
  params: SignatureParam[];
  results: SignatureResult[];
}

const SCALAR: Readonly<Record<string, string>> = {
  string: 'string',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
};

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function paramType(p: SignatureParam, shorts: (name: string) => string[], where: string): string {
  let type: string;
  if (p.enum) type = shorts(p.enum).map(quote).join(' | ');
  else if (p.type === 'object') type = 'EngineStruct';
  else if (p.type === 'array') type = `${SCALAR[p.items?.type ?? ''] ?? 'unknown'}[]`;
  else type = SCALAR[p.type] ?? 'unknown';
  if (!p.optional || type === 'unknown') return type;
  if (p.default === undefined) return `${type} | undefined`;
  // The type claims the default fills the parameter: it must be a value of that type.
  const ok = p.enum ? shorts(p.enum).includes(p.default as string) : hasType(p.default, p.type);
  if (!ok) throw new Error(`engine-schema: ${where}(${p.name}) has a default that is not a ${p.type}`);
  return type;
}

function resultType(r: SignatureResult): string {
  if (r.ref === 'ObjectInterface') return 'ObjectInterface';
  if (r.type === 'array') {
    const scalar = r.items && !r.items.ref ? SCALAR[r.items.type] : undefined;
    return scalar ? `readonly ${scalar}[]` : 'unknown';
  }
  return SCALAR[r.type] ?? 'unknown';
}

function signature(method: SignatureMethod, shorts: (name: string) => string[], where: string): string {
  const params = method.params.map((p) => `${p.name}: ${paramType(p, shorts, where)}`).join(', ');
  const result =
    method.results.length === 0
      ? 'Record<string, never>'
      : `{ ${method.results.map((r) => `${r.name}: ${resultType(r)}`).join('; ')} }`;
  return `{ params: [${params}]; result: ${result} }`;
}

/** `text` as `//` comment lines of at most 115 characters. */
function lineComment(text: string): string {
  const lines: string[] = [];
  let line = '//';
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 115 && line !== '//') {
      lines.push(line);
      line = '//';
    }
    line += ` ${word}`;
  }
  return [...lines, line].join('\n');
}

/**
 * The text of `engine-signatures.ts` (`header` is the generated-file notice): `EngineSignatures`, struct → method → `{params, result}`.
 * `shorts` gives the short titles of an enum by name.
 */
export function signaturesFile(
  header: string,
  structs: Record<string, Record<string, SignatureMethod>>,
  shorts: (name: string) => string[],
): string {
  const blocks = Object.entries(structs).map(([struct, methods]) => {
    const rows = Object.entries(methods).map(
      ([name, method]) => `    ${name}: ${signature(method, shorts, `${struct}.${name}`)};`,
    );
    return `  ${struct}: {\n${rows.join('\n')}\n  };`;
  });
  return [
    lineComment(header),
    '',
    "import type { ObjectInterface } from '../internal/engine/model/engine-object.js';",
    '',
    '/**',
    ' * A struct argument: normalizeParams checks that it is a JSON object (`{}` for a required one sent as',
    " * `null`), not its members — they are the handler's to read.",
    ' */',
    'export type EngineStruct = Record<string, unknown>;',
    '',
    '/**',
    ' * Every method of the simulated QIX interfaces: `params`, the positional arguments a handler receives',
    ' * after normalizeParams (schema order, every parameter present; an optional one without a schema default',
    ' * may be undefined), and `result`, the object it answers with, keyed by out-parameter names.',
    ' */',
    'export interface EngineSignatures {',
    ...blocks,
    '}',
    '',
  ].join('\n');
}
