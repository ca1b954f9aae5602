import type { Dual } from '../model/loaded-model.js';
import { parseDateTime } from './date-format.js';
import type { FormatSettings } from './format-settings.js';

/** Distinct texts an interpreter remembers: data columns repeat their values. */
const CACHE_LIMIT = 1 << 16;

/** Texts longer than this are never numbers or dates (and are not worth a regular expression). */
const MAX_INTERPRETED_LENGTH = 64;

/**
 * Qlik's automatic interpretation of loaded text (delimited files, INLINE tables): a value that
 * reads as a number with the script's DecimalSep/ThousandSep, or as a time, date or timestamp in
 * its TimeFormat/DateFormat/TimestampFormat, becomes a dual that keeps the text as written and
 * gains the number (`2025-01-15` with `DateFormat='YYYY-MM-DD'` is 45672 shown as written); any
 * other text stays text. Charts, `Year()`, sorting and derived calendar fields depend on it.
 *
 * One interpreter serves one set of format variables; it remembers the texts it has read.
 *
 * @example
 * const interpret = new TextInterpreter({ ...DEFAULT_FORMAT_SETTINGS, dateFormat: 'YYYY-MM-DD' });
 * interpret.dual('2025-01-15'); // { text: '2025-01-15', num: 45672 }
 * interpret.dual('1,250.5');    // { text: '1,250.5', num: 1250.5 } (ThousandSep ',')
 * interpret.dual('C1');         // { text: 'C1', num: NaN }
 */
export class TextInterpreter {
  readonly #settings: FormatSettings;
  readonly #number: RegExp;
  readonly #known = new Map<string, Dual>();

  constructor(settings: FormatSettings) {
    this.#settings = settings;
    this.#number = numberPattern(settings.decimalSep, settings.thousandSep);
  }

  /** `text` as a dual: with its number when it reads as one, else as text. */
  dual(text: string): Dual {
    const known = this.#known.get(text);
    if (known !== undefined) return known;
    const dual: Dual = { text, num: this.#read(text) };
    if (this.#known.size >= CACHE_LIMIT) this.#known.clear();
    this.#known.set(text, dual);
    return dual;
  }

  #read(text: string): number {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.length > MAX_INTERPRETED_LENGTH) return Number.NaN;
    const number = this.#readNumber(trimmed);
    if (!Number.isNaN(number)) return number;
    // Dates and times have digits; most text does not, and skips the pattern matching.
    if (!/\d/.test(trimmed)) return Number.NaN;
    const settings = this.#settings;
    return (
      parseDateTime(trimmed, settings.timeFormat, settings) ??
      parseDateTime(trimmed, settings.dateFormat, settings) ??
      parseDateTime(trimmed, settings.timestampFormat, settings) ??
      Number.NaN
    );
  }

  #readNumber(text: string): number {
    const match = this.#number.exec(text);
    if (!match) return Number.NaN;
    const { thousandSep, decimalSep } = this.#settings;
    let plain = text;
    if (thousandSep !== '' && thousandSep !== decimalSep) plain = plain.split(thousandSep).join('');
    if (decimalSep !== '.' && decimalSep !== '') plain = plain.replace(decimalSep, '.');
    const value = Number(plain);
    return Number.isFinite(value) ? value : Number.NaN;
  }
}

/**
 * A number as written with these separators: digits, either plain or grouped by three with the
 * thousands separator, an optional decimal part, an optional exponent. The plain `.` form is
 * always accepted when `.` is not the thousands separator (files often carry it whatever the
 * app's locale).
 */
function numberPattern(decimalSep: string, thousandSep: string): RegExp {
  const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const decimals = [decimalSep, thousandSep === '.' ? '' : '.']
    .filter((s, i, all) => s !== '' && all.indexOf(s) === i)
    .map(literal)
    .join('|');
  const grouped = thousandSep !== '' && thousandSep !== decimalSep ? `|\\d{1,3}(?:${literal(thousandSep)}\\d{3})+` : '';
  const fraction = decimals === '' ? '' : `(?:(?:${decimals})\\d*)?`;
  const bare = decimals === '' ? '' : `|(?:${decimals})\\d+`;
  return new RegExp(`^[-+]?(?:(?:\\d+${grouped})${fraction}${bare})(?:[eE][-+]?\\d+)?$`);
}
