import type { Expression, IntervalMatchPrefix } from '@qixflow/script';
import { valueKey } from '../data/expressions/functions/script-host.js';
import { toNumber } from '../data/expressions/value-ops.js';
import type { Dual } from '../data/model/loaded-model.js';
import { ColumnTable } from './column-table.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';

/** A discrete value of the match field, with its number. */
interface Point {
  readonly value: Dual;
  readonly num: number;
}

/**
 * `IntervalMatch(matchfield[, key…]) LOAD lower, upper[, key…] …` (help.qlik.com, IntervalMatch):
 * the loaded table of intervals becomes a table with one more field, the match field, and one
 * row per interval and discrete value of the match field inside it. The match field (and, in the
 * extended form, the keys with it) must already be loaded: its values are those of the script's
 * tables — in the extended form the combinations of value and keys that occur together in a table,
 * and an interval only takes the values whose keys equal its own.
 *
 * Intervals are closed (`lower <= value <= upper`). An interval with a limit that is not a number —
 * NULL included, as the documentation advises replacing NULL limits to keep such intervals — is
 * left out, as are intervals whose lower limit is above the upper one and match values that are
 * not numbers. Intervals may overlap: a value then links to each of them.
 */
export async function intervalMatch(
  state: ScriptState,
  prefix: IntervalMatchPrefix,
  loaded: ColumnTable,
  text: string,
): Promise<ColumnTable> {
  const [matchField, ...keys] = prefix.args.map((arg) => fieldName(arg, text));
  if (matchField === undefined) throw new ExecutionError('IntervalMatch needs the field of the values to match');
  if (loaded.fields.length < 2 + keys.length) {
    throw new ExecutionError(
      `IntervalMatch(${[matchField, ...keys].join(', ')}) needs a LOAD of the lower and upper limits${keys.length > 0 ? ' and the key fields' : ''}`,
    );
  }
  const keyColumns = keys.map((key) => {
    const at = loaded.fields.indexOf(key);
    if (at < 2) throw new ExecutionError(`IntervalMatch: the LOAD of the intervals has no key field '${key}'`);
    return at;
  });
  if (loaded.fields.includes(matchField)) {
    throw new ExecutionError(`IntervalMatch: the LOAD of the intervals must not load the match field '${matchField}'`);
  }
  const groups = await pointGroups(state, matchField, keys);
  const { guard } = state;
  const fields = [...loaded.fields, matchField];
  const grow = state.growth(fields.length);
  const out = new ColumnTable(fields);
  for (let r = 0; r < loaded.rowCount; r++) {
    const lower = toNumber(loaded.cell(r, 0));
    const upper = toNumber(loaded.cell(r, 1));
    const points = groups.get(keyOf(loaded, r, keyColumns));
    if (points && !Number.isNaN(lower) && !Number.isNaN(upper)) {
      const interval = loaded.row(r);
      for (let i = firstAtLeast(points, lower); i < points.length; i++) {
        const point = points[i] as Point;
        if (point.num > upper) break;
        interval[loaded.fields.length] = point.value;
        out.pushRow(interval);
        grow(out.rowCount);
      }
    }
    if (guard.due()) await guard.pause();
  }
  return out;
}

/** The field an IntervalMatch argument names (written bare or as a string). */
function fieldName(argument: Expression, text: string): string {
  if (argument.kind === 'FieldRef') return argument.name;
  if (argument.kind === 'StringLiteral') return argument.value;
  const written = text.slice(argument.span.start.offset, argument.span.end.offset);
  throw new ExecutionError(`IntervalMatch takes field names, not '${written}'`);
}

/** The key values of a row as one string (one group of points per key combination). */
function keyOf(table: ColumnTable, row: number, columns: readonly number[]): string {
  let key = '';
  for (const column of columns) {
    const cell = table.cell(row, column);
    key += `${cell === null ? '\u0000' : valueKey(cell)}\u0001`;
  }
  return key;
}

/**
 * The discrete numeric values of `matchField`, grouped by the values of `keys` they occur with and
 * sorted, from every table holding the match field and the keys.
 */
async function pointGroups(
  state: ScriptState,
  matchField: string,
  keys: readonly string[],
): Promise<Map<string, Point[]>> {
  const groups = new Map<string, Point[]>();
  const seen = new Set<string>();
  let found = false;
  for (const table of state.tables) {
    const column = table.fields.indexOf(matchField);
    const keyColumns = keys.map((key) => table.fields.indexOf(key));
    if (column < 0 || keyColumns.some((c) => c < 0)) continue;
    found = true;
    for (let row = 0; row < table.rowCount; row++) {
      const value = table.cell(row, column);
      const num = toNumber(value);
      if (value === null || Number.isNaN(num)) continue;
      const group = keyOf(table, row, keyColumns);
      const identity = `${group}${valueKey(value)}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      const points = groups.get(group);
      if (points) points.push({ value, num });
      else groups.set(group, [{ value, num }]);
      if (state.guard.due()) await state.guard.pause();
    }
  }
  if (!found) {
    const what =
      keys.length === 0
        ? `field '${matchField}'`
        : `fields ${[matchField, ...keys].map((f) => `'${f}'`).join(', ')} in one table`;
    throw new ExecutionError(`IntervalMatch: no ${what} loaded before it`);
  }
  for (const points of groups.values()) points.sort((a, b) => a.num - b.num);
  return groups;
}

/** The index of the first point not below `lower` (points sorted by number). */
function firstAtLeast(points: readonly Point[], lower: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((points[mid] as Point).num < lower) low = mid + 1;
    else high = mid;
  }
  return low;
}
