import { type DateParts, dateParts, makeSerial } from './date-serial.js';
import type { FormatSettings } from './format-settings.js';

/** One piece of a date/time format pattern. */
type DateToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'optional'; readonly tokens: readonly DateToken[] }
  | {
      readonly kind: 'year' | 'month' | 'monthName' | 'day' | 'dayName' | 'hour' | 'minute' | 'second' | 'fraction';
      readonly width: number;
    }
  | { readonly kind: 'ampm' };

const patternCache = new Map<string, readonly DateToken[]>();
// Patterns come from clients (`Date#(x, '…')`): a bounded cache, so that a stream of distinct ones
// cannot grow it forever.
const PATTERN_CACHE_SIZE = 1000;

/**
 * The longest text read as a date: far beyond any written date or timestamp (long day and month
 * names, nine fraction digits), and short enough that matching stays cheap whatever the pattern.
 */
const MAX_DATE_TEXT = 256;

/**
 * Splits a Qlik date pattern (`YYYY-MM-DD`, `M/D/YYYY h:mm:ss[.fff] TT`, `DD MMM YYYY`, `WWW`) into
 * tokens. `M` is month and `m` minute; the other letters are read in either case, as the engine does.
 */
function tokenize(pattern: string): readonly DateToken[] {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  const tokens = tokenizeRange(pattern, 0, pattern.length);
  if (patternCache.size >= PATTERN_CACHE_SIZE) patternCache.clear();
  patternCache.set(pattern, tokens);
  return tokens;
}

function tokenizeRange(pattern: string, from: number, to: number): DateToken[] {
  const tokens: DateToken[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  let i = from;
  while (i < to) {
    const ch = pattern[i] ?? '';
    if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close > 0 && close < to) {
        flush();
        tokens.push({ kind: 'optional', tokens: tokenizeRange(pattern, i + 1, close) });
        i = close + 1;
        continue;
      }
    }
    let run = 1;
    while (i + run < to && pattern[i + run] === ch) run++;
    const lower = ch.toLowerCase();
    let token: DateToken | undefined;
    if (lower === 'y') token = { kind: 'year', width: run >= 3 ? 4 : 2 };
    else if (ch === 'M') token = run >= 3 ? { kind: 'monthName', width: run } : { kind: 'month', width: run };
    else if (ch === 'm') token = { kind: 'minute', width: run };
    else if (lower === 'd') token = { kind: 'day', width: Math.min(run, 2) };
    else if (lower === 'w' && run >= 3) token = { kind: 'dayName', width: run };
    else if (lower === 'h') token = { kind: 'hour', width: Math.min(run, 2) };
    else if (lower === 's') token = { kind: 'second', width: Math.min(run, 2) };
    else if (lower === 'f') token = { kind: 'fraction', width: run };
    else if (lower === 't' && run === 2) token = { kind: 'ampm' };
    if (token) {
      flush();
      tokens.push(token);
    } else literal += pattern.slice(i, i + run);
    i += run;
  }
  flush();
  return tokens;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function hasAmPm(tokens: readonly DateToken[]): boolean {
  return tokens.some((t) => t.kind === 'ampm' || (t.kind === 'optional' && hasAmPm(t.tokens)));
}

/**
 * Formats a serial number with a date/time pattern. Optional `[…]` sections (the `[.fff]` of the
 * default TimestampFormat) are left out, as the engine's display of such values shows.
 *
 * @example
 * formatDateTime(45322, 'YYYY-MM-DD', settings); // '2024-01-31'
 */
export function formatDateTime(serial: number, pattern: string, settings: FormatSettings): string {
  const tokens = tokenize(pattern);
  return render(tokens, dateParts(serial), hasAmPm(tokens), settings);
}

function render(tokens: readonly DateToken[], parts: DateParts, twelveHour: boolean, settings: FormatSettings): string {
  let out = '';
  for (const token of tokens) {
    switch (token.kind) {
      case 'literal':
        out += token.text;
        break;
      case 'optional':
        break;
      case 'year':
        out += token.width === 2 ? pad(parts.year % 100, 2) : String(parts.year);
        break;
      case 'month':
        out += pad(parts.month, token.width);
        break;
      case 'monthName':
        out += (token.width >= 4 ? settings.longMonthNames : settings.monthNames)[parts.month - 1] ?? '';
        break;
      case 'day':
        out += pad(parts.day, token.width);
        break;
      case 'dayName':
        out += (token.width >= 4 ? settings.longDayNames : settings.dayNames)[parts.weekday] ?? '';
        break;
      case 'hour': {
        const hour = twelveHour ? ((parts.hour + 11) % 12) + 1 : parts.hour;
        out += pad(hour, token.width);
        break;
      }
      case 'minute':
        out += pad(parts.minute, token.width);
        break;
      case 'second':
        out += pad(parts.second, token.width);
        break;
      case 'fraction':
        out += pad(parts.millisecond, 3).slice(0, token.width).padEnd(token.width, '0');
        break;
      case 'ampm':
        out += parts.hour < 12 ? 'AM' : 'PM';
        break;
    }
  }
  return out;
}

/**
 * Formats an interval (a duration in days) with `hh:mm:ss`-style patterns, where the largest unit
 * is not wrapped: 1.3 days with `hh:mm` is `31:12`.
 */
export function formatInterval(days: number, pattern: string): string {
  const negative = days < 0;
  let remaining = Math.round(Math.abs(days) * 86_400_000);
  const tokens = tokenize(pattern);
  const units: Record<string, number> = { day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 };
  let out = '';
  let first = true;
  for (const token of tokens) {
    if (token.kind === 'literal') {
      out += token.text;
      continue;
    }
    const unit = token.kind === 'fraction' ? 1 : units[token.kind];
    if (unit === undefined || token.kind === 'optional' || token.kind === 'ampm') continue;
    const width = 'width' in token ? token.width : 1;
    // Each unit takes what the larger units before it left; the first one is unbounded.
    const value = Math.floor(remaining / unit);
    remaining -= value * unit;
    out += token.kind === 'fraction' ? pad(value, 3).slice(0, width) : pad(value, width);
    first = false;
  }
  return (negative && !first ? '-' : '') + out;
}

/**
 * Reads `text` as a date/time written with `pattern` (the `Date#` / `Timestamp#` interpretation).
 * Returns the serial number, or undefined when the text does not match.
 */
export function parseDateTime(text: string, pattern: string, settings: FormatSettings): number | undefined {
  if (text.length > MAX_DATE_TEXT) return undefined;
  const tokens = tokenize(pattern);
  const groups: CapturedToken[] = [];
  const source = `^\\s*${regexFor(tokens, groups, settings, { count: 0 })}\\s*$`;
  const match = new RegExp(source, 'i').exec(text);
  if (!match) return undefined;
  let year = 1899;
  let month = 12;
  let day = 30;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millisecond = 0;
  let pm: boolean | undefined;
  let hasDate = false;
  for (const { token, capture } of groups) {
    const value = match[capture];
    if (value === undefined) continue;
    switch (token.kind) {
      case 'year': {
        const n = Number(value);
        year = value.length <= 2 ? (n < 30 ? 2000 + n : 1900 + n) : n;
        hasDate = true;
        break;
      }
      case 'month':
        month = Number(value);
        hasDate = true;
        break;
      case 'monthName':
        month = nameIndex(value, token.width >= 4 ? settings.longMonthNames : settings.monthNames) + 1;
        hasDate = true;
        break;
      case 'day':
        day = Number(value);
        hasDate = true;
        break;
      case 'hour':
        hour = Number(value);
        break;
      case 'minute':
        minute = Number(value);
        break;
      case 'second':
        second = Number(value);
        break;
      case 'fraction':
        millisecond = Math.round(Number(`0.${value}`) * 1000);
        break;
      case 'ampm':
        pm = value.toUpperCase() === 'PM';
        break;
      default:
        break;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (pm !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (!hasDate) return (hour * 3600 + minute * 60 + second + millisecond / 1000) / 86400;
  const serial = makeSerial(year, month, day, hour, minute, second, millisecond);
  // Reject 2/31 and the like instead of rolling over.
  const check = dateParts(Math.floor(serial));
  if (check.day !== day || check.month !== month) return undefined;
  return serial;
}

function nameIndex(value: string, names: readonly string[]): number {
  const lower = value.toLowerCase();
  return names.findIndex((name) => name.toLowerCase() === lower);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A token that captures, with the number of its capture group in the generated expression. */
interface CapturedToken {
  readonly token: DateToken;
  readonly capture: number;
}

/**
 * `(?=(inner))(?:\N)` matches what `inner` matches first and never gives any of it back: an
 * atomic group, which JavaScript lacks (the `(?:)` stops a digit that follows from extending `\N`).
 * Every piece of variable length is wrapped so, because patterns come from clients and
 * backtracking over `[D][D][D]…` or `DMDMDM…` grows exponentially (18 optional days took 46 s on
 * one short text). The wrapper is capture group N; `inner`'s own groups are numbered after it.
 */
function atomic(numbering: { count: number }, inner: (numbering: { count: number }) => string): string {
  const n = ++numbering.count;
  return `(?=(${inner(numbering)}))(?:\\${n})`;
}

function regexFor(
  tokens: readonly DateToken[],
  groups: CapturedToken[],
  settings: FormatSettings,
  numbering: { count: number },
): string {
  let source = '';
  const captured = (token: DateToken, body: string): string => {
    groups.push({ token, capture: ++numbering.count });
    return `(${body})`;
  };
  const capturedAtomic = (token: DateToken, body: string): string =>
    atomic(numbering, () => {
      groups.push({ token, capture: numbering.count });
      return body;
    });
  for (const token of tokens) {
    switch (token.kind) {
      case 'literal':
        // Any run of spaces matches any other, as typed dates vary.
        for (const part of token.text.split(/( +)/)) {
          if (part === '') continue;
          source += part.startsWith(' ') ? atomic(numbering, () => '\\s+') : escapeRegex(part);
        }
        break;
      case 'optional':
        source += atomic(numbering, (inner) => `(?:${regexFor(token.tokens, groups, settings, inner)})?`);
        break;
      case 'monthName': {
        const names = token.width >= 4 ? settings.longMonthNames : settings.monthNames;
        source += capturedAtomic(token, names.map(escapeRegex).join('|'));
        break;
      }
      case 'dayName': {
        const names = token.width >= 4 ? settings.longDayNames : settings.dayNames;
        source += capturedAtomic(token, names.map(escapeRegex).join('|'));
        break;
      }
      case 'ampm':
        source += captured(token, 'AM|PM');
        break;
      case 'year':
        source += captured(token, token.width === 2 ? '\\d{2}' : '\\d{4}');
        break;
      case 'fraction':
        source += capturedAtomic(token, '\\d{1,9}');
        break;
      default:
        source += token.width >= 2 ? captured(token, `\\d{${token.width}}`) : capturedAtomic(token, '\\d{1,2}');
        break;
    }
  }
  return source;
}
