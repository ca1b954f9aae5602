/**
 * The value check of the engine schema's parameter types, in a module of its own (no JSON, no engine state):
 * {@link normalizeParams} checks request arguments with it, and `scripts/engine-schema/signatures-file.ts`
 * checks that a schema default fits the type it gives the parameter in `engine-signatures.ts`.
 */

/** Value kinds the engine schema types parameters with; `any` for methods only the older npm schema knows. */
export type ParamType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'any';

/** Whether `value` is a JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `value` is a value of the schema type `type`, as JSON types: no coercion, an `integer` is a whole
 * number, a `number` a finite one, an `object` a plain object (not an array, not null); `any` takes anything.
 *
 * @example
 * hasType(1.5, 'integer'); // false
 * hasType([], 'object'); // false
 */
export function hasType(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'any':
      return true;
  }
}
