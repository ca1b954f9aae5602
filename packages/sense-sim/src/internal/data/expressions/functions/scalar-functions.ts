import { CONDITIONAL_FUNCTIONS } from './conditional-functions.js';
import { DATE_FUNCTIONS } from './date-functions.js';
import { FORMAT_FUNCTIONS } from './format-functions.js';
import type { FunctionSpec, FunctionTable } from './function-types.js';
import { HASH_FUNCTIONS } from './hash-functions.js';
import { MATH_FUNCTIONS } from './math-functions.js';
import { RANGE_FUNCTIONS } from './range-functions.js';
import { STRING_FUNCTIONS } from './string-functions.js';

/** Every scalar (non-aggregating) function the evaluator knows, by lower-case name. */
const SCALAR_FUNCTIONS: FunctionTable = {
  ...STRING_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...RANGE_FUNCTIONS,
  ...CONDITIONAL_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...FORMAT_FUNCTIONS,
  ...HASH_FUNCTIONS,
};

/** The scalar function called `name` (any case), if the evaluator implements it. */
export function scalarFunction(name: string): FunctionSpec | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(SCALAR_FUNCTIONS, key) ? SCALAR_FUNCTIONS[key] : undefined;
}
