import type { Cell } from '../../model/loaded-model.js';
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
  /**
   * RangeFractile(fractile, expr…): linear interpolation between the closest ranks of the sorted
   * numbers (help.qlik.com: `RangeFractile(0.24, 1, 2, 4, 6)` is 1.72); NULL without numbers or
   * with a fractile outside 0…1.
   */
  rangefractile: fn(2, Number.POSITIVE_INFINITY, (args) => {
    const fractile = toNumber(args[0] ?? null);
    const values = numbers(args.slice(1)).sort((a, b) => a - b);
    if (values.length === 0 || !(fractile >= 0 && fractile <= 1)) return null;
    const position = (values.length - 1) * fractile;
    const below = Math.floor(position);
    const low = values[below] as number;
    const high = values[Math.min(below + 1, values.length - 1)] as number;
    return numberCell(low + (high - low) * (position - below));
  }),
};
