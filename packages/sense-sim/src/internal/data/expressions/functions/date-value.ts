import { formatDateTime, parseDateTime } from '../../formats/date-format.js';
import type { FormatSettings } from '../../formats/format-settings.js';
import type { Cell, Dual } from '../../model/loaded-model.js';
import { toNumber } from '../value-ops.js';

/**
 * The serial number of a value used as a date: its number, or its text read with the
 * DateFormat / TimestampFormat (then ISO forms), as the engine's automatic interpretation does.
 * NaN when it is neither.
 */
export function dateNumber(cell: Cell, settings: FormatSettings): number {
  const num = toNumber(cell);
  if (!Number.isNaN(num) || cell === null) return num;
  return (
    parseDateTime(cell.text, settings.dateFormat, settings) ??
    parseDateTime(cell.text, settings.timestampFormat, settings) ??
    parseDateTime(cell.text, 'YYYY-MM-DD', settings) ??
    parseDateTime(cell.text, 'YYYY-MM-DD hh:mm:ss[.fff]', settings) ??
    Number.NaN
  );
}

/** A date dual: the number with its text in `pattern` (DateFormat when not given). */
export function dateDual(serial: number, settings: FormatSettings, pattern?: string): Dual | null {
  if (!Number.isFinite(serial)) return null;
  return { text: formatDateTime(serial, pattern ?? settings.dateFormat, settings), num: serial };
}
