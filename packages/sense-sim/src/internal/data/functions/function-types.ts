import type { FormatSettings } from '../format-settings.js';
import type { Cell, Dual } from '../loaded-model.js';

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

/** A function with the number of arguments it accepts. */
export interface FunctionSpec {
  readonly min: number;
  readonly max: number;
  readonly fn: ScalarFunction;
}

/** A table of functions by lower-case name. */
export type FunctionTable = Readonly<Record<string, FunctionSpec>>;

/** Shorthand for a spec. */
export function fn(min: number, max: number, body: ScalarFunction): FunctionSpec {
  return { min, max, fn: body };
}
