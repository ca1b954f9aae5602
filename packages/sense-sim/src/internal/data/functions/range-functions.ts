import type { Cell } from '../loaded-model.js';
import { numberCell, toNumber } from '../value-ops.js';
import { type FunctionTable, fn } from './function-types.js';

function numbers(args: readonly Cell[]): number[] {
  return args.map((cell) => toNumber(cell)).filter((value) => !Number.isNaN(value));
}

/** Range functions: aggregate their arguments (help.qlik.com "Range functions"); text and NULL are skipped. */
export const RANGE_FUNCTIONS: FunctionTable = {
  rangesum: fn(1, Number.POSITIVE_INFINITY, (args) => numberCell(numbers(args).reduce((a, b) => a + b, 0))),
  rangeavg: fn(1, Number.POSITIVE_INFINITY, (args) => {
    const values = numbers(args);
    return values.length === 0 ? null : numberCell(values.reduce((a, b) => a + b, 0) / values.length);
  }),
  rangemin: fn(1, Number.POSITIVE_INFINITY, (args) => {
    const values = numbers(args);
    return values.length === 0 ? null : numberCell(Math.min(...values));
  }),
  rangemax: fn(1, Number.POSITIVE_INFINITY, (args) => {
    const values = numbers(args);
    return values.length === 0 ? null : numberCell(Math.max(...values));
  }),
  rangecount: fn(1, Number.POSITIVE_INFINITY, (args) => numberCell(args.filter((cell) => cell !== null).length)),
  rangenumericcount: fn(1, Number.POSITIVE_INFINITY, (args) => numberCell(numbers(args).length)),
  rangenullcount: fn(1, Number.POSITIVE_INFINITY, (args) => numberCell(args.filter((cell) => cell === null).length)),
  rangetextcount: fn(1, Number.POSITIVE_INFINITY, (args) =>
    numberCell(args.filter((cell) => cell !== null && Number.isNaN(toNumber(cell))).length),
  ),
};
