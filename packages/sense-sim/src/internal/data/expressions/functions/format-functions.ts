import { formatDateTime, formatInterval, parseDateTime } from '../../formats/date-format.js';
import type { FormatSettings } from '../../formats/format-settings.js';
import { formatNumberPattern, parseNumberPattern } from '../../formats/number-format.js';
import { type Cell, formatNumber } from '../../model/loaded-model.js';
import { textCell, toNumber } from '../value-ops.js';
import { dateNumber } from './date-value.js';
import { type FunctionContext, type FunctionTable, fn } from './function-types.js';

function optionalText(args: readonly Cell[], i: number): string | undefined {
  const cell = args[i];
  return cell === undefined || cell === null ? undefined : cell.text;
}

/** A formatting function: keeps the number, replaces the text. */
function formatting(
  pattern: (args: readonly Cell[], settings: FormatSettings) => string | undefined,
  render: (num: number, pattern: string | undefined, args: readonly Cell[], settings: FormatSettings) => string,
  interpretDates: boolean,
): (args: readonly Cell[], ctx: FunctionContext) => Cell {
  return (args, ctx) => {
    const cell = args[0] ?? null;
    const num = interpretDates ? dateNumber(cell, ctx.settings) : toNumber(cell);
    if (Number.isNaN(num)) return null;
    return { text: render(num, pattern(args, ctx.settings), args, ctx.settings), num };
  };
}

/** An interpretation function: keeps the text, reads the number from it. */
function interpretation(
  read: (text: string, args: readonly Cell[], settings: FormatSettings) => number | undefined,
): (args: readonly Cell[], ctx: FunctionContext) => Cell {
  return (args, ctx) => {
    const cell = args[0] ?? null;
    if (cell === null) return null;
    const num = read(cell.text, args, ctx.settings);
    return num === undefined || !Number.isFinite(num) ? null : { text: cell.text, num };
  };
}

function numberPattern(
  num: number,
  pattern: string | undefined,
  args: readonly Cell[],
  settings: FormatSettings,
): string {
  if (pattern === undefined) return formatNumber(num);
  return formatNumberPattern(
    num,
    pattern,
    optionalText(args, 2) ?? settings.decimalSep,
    optionalText(args, 3) ?? settings.thousandSep,
  );
}

/** Formatting and interpretation functions (help.qlik.com). */
export const FORMAT_FUNCTIONS: FunctionTable = {
  num: fn(
    1,
    4,
    formatting((args) => optionalText(args, 1), numberPattern, false),
  ),
  money: fn(
    1,
    4,
    formatting((args, settings) => optionalText(args, 1) ?? settings.moneyFormat, numberPattern, false),
  ),
  date: fn(
    1,
    2,
    formatting(
      (args, settings) => optionalText(args, 1) ?? settings.dateFormat,
      (num, pattern, _args, settings) => formatDateTime(num, pattern ?? settings.dateFormat, settings),
      true,
    ),
  ),
  timestamp: fn(
    1,
    2,
    formatting(
      (args, settings) => optionalText(args, 1) ?? settings.timestampFormat,
      (num, pattern, _args, settings) => formatDateTime(num, pattern ?? settings.timestampFormat, settings),
      true,
    ),
  ),
  time: fn(
    1,
    2,
    formatting(
      (args, settings) => optionalText(args, 1) ?? settings.timeFormat,
      (num, pattern, _args, settings) => formatDateTime(num, pattern ?? settings.timeFormat, settings),
      true,
    ),
  ),
  interval: fn(
    1,
    2,
    formatting(
      (args) => optionalText(args, 1) ?? 'hh:mm:ss',
      (num, pattern) => formatInterval(num, pattern ?? 'hh:mm:ss'),
      false,
    ),
  ),
  'num#': fn(
    1,
    4,
    interpretation((text, args, settings) =>
      parseNumberPattern(
        text,
        optionalText(args, 1) ?? '',
        optionalText(args, 2) ?? settings.decimalSep,
        optionalText(args, 3) ?? settings.thousandSep,
      ),
    ),
  ),
  'money#': fn(
    1,
    4,
    interpretation((text, args, settings) =>
      parseNumberPattern(
        text.replace(/[^\d.,\-+()%eE]/g, ''),
        optionalText(args, 1) ?? '',
        optionalText(args, 2) ?? settings.decimalSep,
        optionalText(args, 3) ?? settings.thousandSep,
      ),
    ),
  ),
  'date#': fn(
    1,
    2,
    interpretation((text, args, settings) =>
      parseDateTime(text, optionalText(args, 1) ?? settings.dateFormat, settings),
    ),
  ),
  'timestamp#': fn(
    1,
    2,
    interpretation((text, args, settings) =>
      parseDateTime(text, optionalText(args, 1) ?? settings.timestampFormat, settings),
    ),
  ),
  'time#': fn(
    1,
    2,
    interpretation((text, args, settings) =>
      parseDateTime(text, optionalText(args, 1) ?? settings.timeFormat, settings),
    ),
  ),
  text: fn(1, 1, (args) => {
    const cell = args[0] ?? null;
    return cell === null ? null : textCell(cell.text);
  }),
  dual: fn(2, 2, (args) => {
    const text = args[0] ?? null;
    const num = toNumber(args[1] ?? null);
    if (text === null) return null;
    return { text: text.text, num };
  }),
};
