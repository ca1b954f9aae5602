import { asText, type JsonRecord } from '../json-record.js';
import type { ModelField } from '../model/associative-model.js';
import { formatNumber } from '../model/loaded-model.js';
import type { NumberFormat } from '../views/hypercube-shape.js';
import { formatDateTime, formatInterval } from './date-format.js';
import type { FormatSettings } from './format-settings.js';
import { formatNumberPattern } from './number-format.js';

/** Whether a number format is fixed (the client chose it) rather than automatic. */
export function isFixedFormat(format: Readonly<JsonRecord> | undefined): format is Readonly<JsonRecord> {
  if (!format) return false;
  const type = format.qType;
  return type !== undefined && type !== 'U' && type !== 'UNKNOWN' && type !== 0;
}

/**
 * The text of a number under a FieldAttributes format (`qNumFormat`, `qNumberPresentations`):
 * I/R/F/M use the pattern with its separators, D/T/TS/IV the date patterns (the DateFormat … when
 * `qFmt` is empty). Undefined for automatic formats: the value keeps its own text.
 */
export function applyNumFormat(
  num: number,
  format: Readonly<JsonRecord>,
  settings: FormatSettings,
): string | undefined {
  if (!Number.isFinite(num)) return undefined;
  const type = asText(format.qType);
  const pattern = asText(format.qFmt);
  const dec = asText(format.qDec) || settings.decimalSep;
  const thou = asText(format.qThou) || settings.thousandSep;
  // Patterns show at most 20 decimals (toFixed's limit), so a client's qnDec of 1e9 need not build a
  // billion-character pattern first.
  const decimals = typeof format.qnDec === 'number' ? Math.min(format.qnDec, 20) : 0;
  switch (type) {
    case 'I':
      return pattern ? formatNumberPattern(num, pattern, dec, thou) : formatNumber(Math.round(num));
    case 'R':
      return pattern ? formatNumberPattern(num, pattern, dec, thou) : formatNumber(num);
    case 'F':
      return formatNumberPattern(num, pattern || (decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0'), dec, thou);
    case 'M':
      return formatNumberPattern(num, pattern || settings.moneyFormat, dec, thou);
    case 'D':
      return formatDateTime(num, pattern || settings.dateFormat, settings);
    case 'T':
      return formatDateTime(num, pattern || settings.timeFormat, settings);
    case 'TS':
      return formatDateTime(num, pattern || settings.timestampFormat, settings);
    case 'IV':
      return formatInterval(num, pattern || 'hh:mm:ss');
    default:
      return undefined;
  }
}

/** The number format the engine reports for a field: date/timestamp formats for such fields, else unknown. */
export function fieldNumberFormat(field: ModelField, settings: FormatSettings): NumberFormat {
  if (field.kind.isDate) return { qType: 'D', qnDec: 0, qUseThou: 0, qFmt: settings.dateFormat };
  if (field.kind.isTimestamp) return { qType: 'TS', qnDec: 0, qUseThou: 0, qFmt: settings.timestampFormat };
  return { qType: 'U', qnDec: 0, qUseThou: 0 };
}
