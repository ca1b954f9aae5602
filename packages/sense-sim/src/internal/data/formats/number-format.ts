import { formatNumber } from '../model/loaded-model.js';

/**
 * Formats a number with a Qlik number format pattern, as `Num(x, '#,##0.00')` does:
 * `0` is a mandatory digit, `#` an optional one, the thousands separator in the integer part turns
 * on grouping, the decimal separator splits integer and decimals, `%` scales by 100, any other text
 * before or after is kept, and `pos;neg` gives negative numbers their own section.
 *
 * @example
 * formatNumberPattern(1234.5, '#,##0.00', '.', ','); // '1,234.50'
 * formatNumberPattern(-0.125, '0.0%;(0.0%)', '.', ','); // '(12.5%)'
 */
export function formatNumberPattern(num: number, pattern: string, decimalSep: string, thousandSep: string): string {
  if (!Number.isFinite(num)) return formatNumber(num);
  if (pattern === '') return formatNumber(num);
  const sections = splitSections(pattern);
  const negativeSection = num < 0 ? sections[1] : undefined;
  const section = negativeSection ?? sections[0] ?? pattern;
  const value = negativeSection === undefined ? num : Math.abs(num);
  const first = firstDigitIndex(section);
  if (first < 0) return section;
  const last = lastDigitIndex(section, decimalSep, thousandSep);
  const prefix = section.slice(0, first);
  const suffix = section.slice(last + 1);
  const body = section.slice(first, last + 1);
  const scaled = prefix.includes('%') || suffix.includes('%') ? value * 100 : value;
  const decimalAt = decimalSep === '' ? -1 : body.indexOf(decimalSep);
  const integerPattern = decimalAt < 0 ? body : body.slice(0, decimalAt);
  const decimalPattern = decimalAt < 0 ? '' : body.slice(decimalAt + decimalSep.length);
  const mandatoryDecimals = countOf(decimalPattern, '0');
  const maxDecimals = mandatoryDecimals + countOf(decimalPattern, '#');
  const minIntegerDigits = countOf(integerPattern, '0');
  const grouping = thousandSep !== '' && integerPattern.includes(thousandSep);
  const groupSize = grouping ? groupWidth(integerPattern, thousandSep) : 0;
  const negative = scaled < 0;
  const fixed = Math.abs(scaled).toFixed(Math.min(maxDecimals, 20));
  let [integerDigits = '0', decimals = ''] = fixed.split('.');
  while (decimals.length > mandatoryDecimals && decimals.endsWith('0')) decimals = decimals.slice(0, -1);
  integerDigits = integerDigits.replace(/^0+(?=\d)/, '');
  if (integerDigits === '0' && minIntegerDigits === 0 && decimals !== '') integerDigits = '';
  integerDigits = integerDigits.padStart(minIntegerDigits, '0');
  if (grouping && groupSize > 0) integerDigits = group(integerDigits, groupSize, thousandSep);
  const isZero = /^[0.,\s]*$/.test(integerDigits + decimals);
  const sign = negative && !isZero ? '-' : '';
  return `${sign}${prefix}${integerDigits}${decimals === '' ? '' : decimalSep + decimals}${suffix}`;
}

function splitSections(pattern: string): string[] {
  return pattern.split(';');
}

function firstDigitIndex(section: string): number {
  for (let i = 0; i < section.length; i++) if (section[i] === '0' || section[i] === '#') return i;
  return -1;
}

function lastDigitIndex(section: string, decimalSep: string, thousandSep: string): number {
  let last = -1;
  for (let i = 0; i < section.length; i++) {
    const ch = section[i] ?? '';
    if (ch === '0' || ch === '#') last = i;
    else if (last >= 0 && ch !== decimalSep && ch !== thousandSep) break;
  }
  return last;
}

function countOf(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

function groupWidth(integerPattern: string, thousandSep: string): number {
  const at = integerPattern.lastIndexOf(thousandSep);
  const width = integerPattern.length - at - thousandSep.length;
  return width > 0 ? width : 3;
}

function group(digits: string, size: number, separator: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    const fromEnd = digits.length - i;
    out += digits[i];
    if (fromEnd > 1 && (fromEnd - 1) % size === 0) out += separator;
  }
  return out;
}

/**
 * Reads text written with a number pattern (`Num#`): drops thousands separators, prefix and suffix
 * text, reads the decimal separator, and divides by 100 when the pattern or text has `%`.
 * Undefined when no number can be read.
 */
export function parseNumberPattern(
  text: string,
  pattern: string,
  decimalSep: string,
  thousandSep: string,
): number | undefined {
  let body = text.trim();
  if (body === '') return undefined;
  const percent = body.includes('%') || pattern.includes('%');
  let negative = false;
  if (/^\(.*\)$/.test(body)) {
    negative = true;
    body = body.slice(1, -1);
  }
  if (thousandSep !== '' && thousandSep !== decimalSep) body = body.split(thousandSep).join('');
  if (decimalSep !== '.' && decimalSep !== '') body = body.split(decimalSep).join('.');
  const match = /[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(body);
  if (!match) return undefined;
  const before = body.slice(0, match.index);
  if (/\d/.test(before)) return undefined;
  let value = Number(match[0]);
  if (before.includes('-')) value = -value;
  if (negative) value = -value;
  return percent ? value / 100 : value;
}
