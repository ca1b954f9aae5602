import type { Cell } from '../../model/loaded-model.js';
import { checkTextLength } from '../text-limit.js';
import { numberCell, textCell, toNumber } from '../value-ops.js';
import { type FunctionTable, fn } from './function-types.js';

/** The text of argument `i`, or undefined when it is NULL or missing. */
function text(args: readonly Cell[], i: number): string | undefined {
  const cell = args[i];
  return cell === null || cell === undefined ? undefined : cell.text;
}

/** Argument `i` as an integer, or NaN. */
function integer(args: readonly Cell[], i: number): number {
  const num = toNumber(args[i] ?? null);
  return Number.isNaN(num) ? Number.NaN : Math.trunc(num);
}

/** A function of one text argument; NULL in, NULL out (Qlik's rule for functions). */
function unary(body: (value: string) => Cell): (args: readonly Cell[]) => Cell {
  return (args) => {
    const value = text(args, 0);
    return value === undefined ? null : body(value);
  };
}

/** Counts from 1; a negative position counts from the end. */
function substringIndex(haystack: string, needle: string, occurrence: number): number {
  if (needle === '' || occurrence === 0) return 0;
  if (occurrence > 0) {
    let from = 0;
    for (let n = 0; n < occurrence; n++) {
      const at = haystack.indexOf(needle, from);
      if (at < 0) return 0;
      if (n === occurrence - 1) return at + 1;
      from = at + 1;
    }
    return 0;
  }
  let from = haystack.length;
  for (let n = 0; n < -occurrence; n++) {
    const at = haystack.lastIndexOf(needle, from);
    if (at < 0) return 0;
    if (n === -occurrence - 1) return at + 1;
    from = at - 1;
    if (from < 0) return 0;
  }
  return 0;
}

/**
 * Non-overlapping occurrences of `needle`, left to right (0 for ''), without splitting: a split of a
 * long text would allocate one string per piece.
 */
function occurrences(haystack: string, needle: string): number {
  if (needle === '') return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

// Counted by hand: `/ +$/` retries from every space of a run that is not at the end, so
// RTrim(Repeat(' ', 100000) & 'x') took 15 s as a regular expression.
function leadingSpaces(value: string): number {
  let n = 0;
  while (n < value.length && value.charCodeAt(n) === 0x20) n++;
  return n;
}

function trailingSpaces(value: string): number {
  let n = 0;
  while (n < value.length && value.charCodeAt(value.length - 1 - n) === 0x20) n++;
  return n;
}

/** String functions (help.qlik.com "String functions"). */
export const STRING_FUNCTIONS: FunctionTable = {
  len: fn(
    1,
    1,
    unary((value) => numberCell(value.length)),
  ),
  upper: fn(
    1,
    1,
    unary((value) => textCell(value.toUpperCase())),
  ),
  lower: fn(
    1,
    1,
    unary((value) => textCell(value.toLowerCase())),
  ),
  trim: fn(
    1,
    1,
    unary((value) => textCell(value.slice(leadingSpaces(value), value.length - trailingSpaces(value)))),
  ),
  ltrim: fn(
    1,
    1,
    unary((value) => textCell(value.slice(leadingSpaces(value)))),
  ),
  rtrim: fn(
    1,
    1,
    unary((value) => textCell(value.slice(0, value.length - trailingSpaces(value)))),
  ),
  capitalize: fn(
    1,
    1,
    unary((value) =>
      textCell(
        value
          .toLowerCase()
          .replace(
            /(^|[^\p{L}\p{N}'])(\p{L})/gu,
            (_m, before: string, letter: string) => before + letter.toUpperCase(),
          ),
      ),
    ),
  ),
  left: fn(2, 2, (args) => {
    const value = text(args, 0);
    const count = integer(args, 1);
    return value === undefined || Number.isNaN(count) ? null : textCell(value.slice(0, Math.max(count, 0)));
  }),
  right: fn(2, 2, (args) => {
    const value = text(args, 0);
    const count = integer(args, 1);
    if (value === undefined || Number.isNaN(count)) return null;
    return textCell(count <= 0 ? '' : value.slice(-count));
  }),
  mid: fn(2, 3, (args) => {
    const value = text(args, 0);
    const start = integer(args, 1);
    if (value === undefined || Number.isNaN(start)) return null;
    const from = Math.max(start - 1, 0);
    if (args.length < 3) return textCell(value.slice(from));
    const count = integer(args, 2);
    return Number.isNaN(count) ? null : textCell(value.slice(from, from + Math.max(count, 0)));
  }),
  index: fn(2, 3, (args) => {
    const haystack = text(args, 0);
    const needle = text(args, 1);
    if (haystack === undefined || needle === undefined) return null;
    const occurrence = args.length > 2 ? integer(args, 2) : 1;
    return Number.isNaN(occurrence) ? null : numberCell(substringIndex(haystack, needle, occurrence));
  }),
  replace: fn(3, 3, (args) => {
    const value = text(args, 0);
    const from = text(args, 1);
    const to = text(args, 2);
    if (value === undefined || from === undefined || to === undefined) return null;
    if (from === '') return textCell(value);
    // The pieces take no more room than the text itself; the joined result is what must be checked.
    const pieces = value.split(from);
    checkTextLength(value.length + (pieces.length - 1) * (to.length - from.length), 'Replace');
    return textCell(pieces.join(to));
  }),
  subfield: fn(3, 3, (args) => {
    const value = text(args, 0);
    const delimiter = text(args, 1);
    const n = integer(args, 2);
    if (value === undefined || delimiter === undefined || Number.isNaN(n) || n === 0) return null;
    const parts = delimiter === '' ? [value] : value.split(delimiter);
    const part = n > 0 ? parts[n - 1] : parts[parts.length + n];
    return part === undefined ? null : textCell(part);
  }),
  substringcount: fn(2, 2, (args) => {
    const value = text(args, 0);
    const needle = text(args, 1);
    if (value === undefined || needle === undefined) return null;
    return numberCell(occurrences(value, needle));
  }),
  textbetween: fn(3, 4, (args) => {
    const value = text(args, 0);
    const open = text(args, 1);
    const close = text(args, 2);
    if (value === undefined || open === undefined || close === undefined) return null;
    const n = args.length > 3 ? integer(args, 3) : 1;
    let from = 0;
    for (let i = 0; i < n; i++) {
      const at = value.indexOf(open, from);
      if (at < 0) return null;
      from = at + open.length;
    }
    const end = value.indexOf(close, from);
    return end < 0 ? null : textCell(value.slice(from, end));
  }),
  purgechar: fn(2, 2, (args) => {
    const value = text(args, 0);
    const chars = text(args, 1);
    if (value === undefined || chars === undefined) return null;
    // A set, not chars.includes per character: both texts may be long (n × m otherwise).
    const set = new Set(chars);
    return textCell([...value].filter((ch) => !set.has(ch)).join(''));
  }),
  keepchar: fn(2, 2, (args) => {
    const value = text(args, 0);
    const chars = text(args, 1);
    if (value === undefined || chars === undefined) return null;
    const set = new Set(chars);
    return textCell([...value].filter((ch) => set.has(ch)).join(''));
  }),
  findoneof: fn(2, 3, (args) => {
    const value = text(args, 0);
    const chars = text(args, 1);
    if (value === undefined || chars === undefined) return null;
    const occurrence = args.length > 2 ? integer(args, 2) : 1;
    // Code units, as positions count them.
    const set = new Set(chars.split(''));
    let seen = 0;
    for (let i = 0; i < value.length; i++) {
      if (set.has(value[i] ?? '') && ++seen === occurrence) return numberCell(i + 1);
    }
    return numberCell(0);
  }),
  repeat: fn(1, 2, (args) => {
    const value = text(args, 0);
    const count = args.length > 1 ? integer(args, 1) : 1;
    if (value === undefined || Number.isNaN(count)) return null;
    const times = Math.max(count, 0);
    checkTextLength(value.length * times, 'Repeat');
    return textCell(value.repeat(times));
  }),
  chr: fn(1, 1, (args) => {
    const code = integer(args, 0);
    return Number.isNaN(code) || code < 0 || code > 0x10ffff ? null : textCell(String.fromCodePoint(code));
  }),
  ord: fn(1, 1, (args) => {
    const value = text(args, 0);
    if (value === undefined) return null;
    const code = value.codePointAt(0);
    return code === undefined ? null : numberCell(code);
  }),
};
