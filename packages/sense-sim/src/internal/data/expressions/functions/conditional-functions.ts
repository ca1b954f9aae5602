import type { Cell, Dual } from '../../model/loaded-model.js';
import { ExpressionError } from '../expression-error.js';
import { wildcardMatch } from '../script-bridge.js';
import { booleanCell, FALSE, numberCell, sameValue, TRUE, textEquals, toNumber } from '../value-ops.js';
import { type FunctionTable, fn, numericFn } from './function-types.js';

/** The 1-based position of the first candidate that `test` accepts, 0 when none (NULL never matches). */
function matchIndex(args: readonly Cell[], test: (value: Dual, candidate: Dual) => boolean): Cell {
  const value = args[0] ?? null;
  if (value === null) return numberCell(0);
  for (let i = 1; i < args.length; i++) {
    const candidate = args[i] ?? null;
    if (candidate !== null && test(value, candidate)) return numberCell(i);
  }
  return numberCell(0);
}

/** Conditional, logical and record functions. */
export const CONDITIONAL_FUNCTIONS: FunctionTable = {
  // Match is case-sensitive, MixMatch is not, WildMatch adds * and ? (both case-insensitive).
  match: fn(2, Number.POSITIVE_INFINITY, (args) =>
    matchIndex(
      args,
      (value, candidate) =>
        value.text === candidate.text || (sameValue(value, candidate) && !Number.isNaN(toNumber(value))),
    ),
  ),
  mixmatch: fn(2, Number.POSITIVE_INFINITY, (args) =>
    matchIndex(
      args,
      (value, candidate) =>
        textEquals(value.text, candidate.text) || (sameValue(value, candidate) && !Number.isNaN(toNumber(value))),
    ),
  ),
  wildmatch: fn(2, Number.POSITIVE_INFINITY, (args) =>
    matchIndex(args, (value, candidate) => wildcardMatch(value.text, candidate.text)),
  ),
  pick: fn(2, Number.POSITIVE_INFINITY, (args) => {
    const n = toNumber(args[0] ?? null);
    if (!Number.isInteger(n) || n < 1 || n >= args.length) return null;
    return args[n] ?? null;
  }),
  // The first argument with a number, else the last one (the "otherwise" value).
  alt: fn(1, Number.POSITIVE_INFINITY, (args) => {
    for (const cell of args) if (!Number.isNaN(toNumber(cell))) return cell;
    return args[args.length - 1] ?? null;
  }),
  coalesce: fn(1, Number.POSITIVE_INFINITY, (args) => {
    for (const cell of args) if (cell !== null) return cell;
    return null;
  }),
  isnull: fn(1, 1, (args) => booleanCell((args[0] ?? null) === null)),
  isnum: fn(1, 1, (args) => booleanCell(!Number.isNaN(toNumber(args[0] ?? null)))),
  istext: fn(1, 1, (args) => {
    const cell = args[0] ?? null;
    return booleanCell(cell !== null && Number.isNaN(toNumber(cell)));
  }),
  null: fn(0, 0, () => null),
  true: fn(0, 0, () => TRUE),
  false: fn(0, 0, () => FALSE),
  recno: numericFn(0, 0, (_a, _b, _c, ctx) => ctx.recNo()),
  rowno: numericFn(0, 1, (_a, _b, _c, ctx) => ctx.rowNo()),
  iterno: numericFn(0, 0, (_a, _b, _c, ctx) => ctx.iterNo()),
  applymap: fn(2, 3, (args, ctx) => {
    const name = args[0]?.text ?? '';
    const table = ctx.mapping(name);
    if (!table) throw new ExpressionError(`mapping table ${name} not found`);
    const key = args[1] ?? null;
    const fallback = args.length > 2 ? (args[2] ?? null) : key;
    if (key === null) return fallback;
    const mapped = table.lookup(key);
    return mapped === undefined ? fallback : mapped;
  }),
};
