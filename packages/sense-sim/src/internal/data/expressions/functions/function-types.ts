import type { FormatSettings } from '../../formats/format-settings.js';
import type { Cell, Dual } from '../../model/loaded-model.js';
import { numberCell, toNumber } from '../value-ops.js';

/** A mapping table for `ApplyMap`: the first column's values to the second column's. */
export interface MappingTable {
  /** The mapped value of `key`, or undefined when the key is not in the table. */
  lookup(key: Dual): Cell | undefined;
}

/** What scalar functions may read besides their arguments. */
export interface FunctionContext {
  readonly settings: FormatSettings;
  /** The current time, in milliseconds since the Unix epoch. */
  now(): number;
  /** The minutes local time is ahead of UTC at `ms` (Today/Now return local time, as the engine does). */
  utcOffsetMinutes(ms: number): number;
  recNo(): number;
  rowNo(): number;
  iterNo(): number;
  mapping(name: string): MappingTable | undefined;
}

/** A scalar function over evaluated arguments. */
export type ScalarFunction = (args: readonly Cell[], ctx: FunctionContext) => Cell;

/**
 * A function of numbers: NaN stands for NULL in its arguments and its result, and a result that is
 * not finite is NULL too (as `numberCell` reads it). Arguments left out are the spec's defaults.
 */
export type NumericKernel = (a: number, b: number, c: number, ctx: FunctionContext) => number;

/** A function with the number of arguments it accepts. */
export interface FunctionSpec {
  readonly min: number;
  readonly max: number;
  readonly fn: ScalarFunction;
  /**
   * The same function over numbers, when it is one (numbers in, a number out): a LOAD computes
   * `Mod(RecNo(), 7)` without a cell per intermediate value. `fn` is made from it, so both agree.
   */
  readonly numeric?: { readonly kernel: NumericKernel; readonly defaults: readonly number[] };
}

/** A table of functions by lower-case name. */
export type FunctionTable = Readonly<Record<string, FunctionSpec>>;

/** Shorthand for a spec. */
export function fn(min: number, max: number, body: ScalarFunction): FunctionSpec {
  return { min, max, fn: body };
}

/**
 * A spec for a function of numbers (at most three arguments): each argument read as a number
 * (`toNumber`: NULL and text that is no number are NaN), a left-out one as `defaults[i]`, the
 * kernel's result as a number cell (NaN and infinities: NULL).
 */
export function numericFn(
  min: number,
  max: number,
  kernel: NumericKernel,
  defaults: readonly number[] = [],
): FunctionSpec {
  if (max > 3) throw new TypeError(`numericFn takes at most 3 arguments, got max ${max}`);
  const arg = (args: readonly Cell[], i: number): number =>
    i < args.length ? toNumber(args[i] ?? null) : (defaults[i] ?? Number.NaN);
  return {
    min,
    max,
    numeric: { kernel, defaults },
    fn: (args, ctx) => numberCell(kernel(arg(args, 0), arg(args, 1), arg(args, 2), ctx)),
  };
}
