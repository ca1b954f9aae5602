import { type DateParts, dateParts, makeSerial, serialFromEpochMs } from '../../formats/date-serial.js';
import type { FormatSettings } from '../../formats/format-settings.js';
import type { Cell } from '../../model/loaded-model.js';
import { numberCell, toNumber } from '../value-ops.js';
import { dateDual, dateNumber } from './date-value.js';
import { type FunctionContext, type FunctionTable, fn } from './function-types.js';

type DatePartFn = (parts: DateParts, serial: number, settings: FormatSettings) => Cell;

/** A function of one date argument. */
function ofDate(body: DatePartFn): (args: readonly Cell[], ctx: FunctionContext) => Cell {
  return (args, ctx) => {
    const serial = dateNumber(args[0] ?? null, ctx.settings);
    return Number.isNaN(serial) ? null : body(dateParts(serial), serial, ctx.settings);
  };
}

function optionalInteger(args: readonly Cell[], i: number, fallback: number): number {
  const cell = args[i];
  if (cell === undefined) return fallback;
  const num = toNumber(cell);
  return Number.isNaN(num) ? Number.NaN : Math.trunc(num);
}

/** The serial of the local time now (the engine reports Today/Now in the server's time zone). */
function localNow(ctx: FunctionContext): number {
  const ms = ctx.now();
  return serialFromEpochMs(ms + ctx.utcOffsetMinutes(ms) * 60_000);
}

/**
 * The week number of a date: weeks start on FirstWeekDay and week 1 is the week holding January
 * ReferenceDay (defaults: Monday and the 4th, i.e. ISO 8601 weeks).
 */
function weekNumber(serial: number, settings: FormatSettings): { week: number; year: number } {
  const day = Math.floor(serial);
  const weekStartOf = (d: number): number => d - ((dateParts(d).weekday - settings.firstWeekDay + 7) % 7);
  const start = weekStartOf(day);
  const { year } = dateParts(day);
  const firstWeekStart = (y: number): number => weekStartOf(Math.floor(makeSerial(y, 1, settings.referenceDay)));
  let weekYear = year;
  if (start < firstWeekStart(year)) weekYear = year - 1;
  else if (start >= firstWeekStart(year + 1)) weekYear = year + 1;
  return { week: Math.floor((start - firstWeekStart(weekYear)) / 7) + 1, year: weekYear };
}

/** A period start/end function: `shift` periods away from the one holding the date. */
function periodBoundary(
  boundary: (
    parts: DateParts,
    serial: number,
    shift: number,
    args: readonly Cell[],
    settings: FormatSettings,
  ) => number,
): (args: readonly Cell[], ctx: FunctionContext) => Cell {
  return (args, ctx) => {
    const serial = dateNumber(args[0] ?? null, ctx.settings);
    const shift = optionalInteger(args, 1, 0);
    if (Number.isNaN(serial) || Number.isNaN(shift)) return null;
    return dateDual(boundary(dateParts(serial), serial, shift, args, ctx.settings), ctx.settings);
  };
}

// The last representable moment of a day: the engine's period ends are one millisecond before the next start.
const ONE_MS = 1 / 86_400_000;

function monthStartSerial(parts: DateParts, shift: number): number {
  return makeSerial(parts.year, parts.month + shift, 1);
}

function weekStartSerial(serial: number, shift: number, settings: FormatSettings, firstDay?: number): number {
  const day = Math.floor(serial);
  const first = firstDay ?? settings.firstWeekDay;
  return day - ((dateParts(day).weekday - first + 7) % 7) + shift * 7;
}

function yearFirstMonth(args: readonly Cell[], i: number): number {
  const first = optionalInteger(args, i, 1);
  return Number.isNaN(first) || first < 1 || first > 12 ? 1 : first;
}

function yearStartSerial(parts: DateParts, shift: number, firstMonth: number): number {
  const year = parts.month >= firstMonth ? parts.year : parts.year - 1;
  return makeSerial(year + shift, firstMonth, 1);
}

/**
 * Days before each month's first day in a leap year. DayNumberOfYear and DayNumberOfQuarter count
 * as if every year had 366 days (help.qlik.com: 1 March 2022 is day 61, 31 December day 366), so a
 * date's number does not depend on its year.
 */
const LEAP_MONTH_OFFSETS = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];

/** The 1-based day of a 366-day year starting on the first of `firstMonth` that holds the date. */
function dayNumberFrom(parts: DateParts, firstMonth: number): number {
  const day = (LEAP_MONTH_OFFSETS[parts.month - 1] ?? 0) + parts.day;
  const number = day - (LEAP_MONTH_OFFSETS[firstMonth - 1] ?? 0);
  return number > 0 ? number : number + 366;
}

/** DayNumberOfYear / DayNumberOfQuarter: the date's day number in its year or quarter (a year may start in any month). */
function dayNumber(quarter: boolean): (args: readonly Cell[], ctx: FunctionContext) => Cell {
  return (args, ctx) => {
    const serial = dateNumber(args[0] ?? null, ctx.settings);
    if (Number.isNaN(serial)) return null;
    const parts = dateParts(serial);
    const firstMonth = yearFirstMonth(args, 1);
    if (!quarter) return numberCell(dayNumberFrom(parts, firstMonth));
    const intoYear = (parts.month - firstMonth + 12) % 12;
    const quarterMonth = ((firstMonth - 1 + intoYear - (intoYear % 3)) % 12) + 1;
    return numberCell(dayNumberFrom(parts, quarterMonth));
  };
}

/** Date and time functions (help.qlik.com "Date and time functions"). */
export const DATE_FUNCTIONS: FunctionTable = {
  year: fn(
    1,
    1,
    ofDate((parts) => numberCell(parts.year)),
  ),
  // Month and WeekDay are duals: the name from MonthNames / DayNames and the number.
  month: fn(
    1,
    1,
    ofDate((parts, _serial, settings) => ({ text: settings.monthNames[parts.month - 1] ?? '', num: parts.month })),
  ),
  day: fn(
    1,
    1,
    ofDate((parts) => numberCell(parts.day)),
  ),
  weekday: fn(1, 2, (args, ctx) => {
    const serial = dateNumber(args[0] ?? null, ctx.settings);
    if (Number.isNaN(serial)) return null;
    const first = optionalInteger(args, 1, ctx.settings.firstWeekDay);
    const weekday = dateParts(serial).weekday;
    return { text: ctx.settings.dayNames[weekday] ?? '', num: (weekday - first + 7) % 7 };
  }),
  week: fn(
    1,
    1,
    ofDate((_parts, serial, settings) => numberCell(weekNumber(serial, settings).week)),
  ),
  weekyear: fn(
    1,
    1,
    ofDate((_parts, serial, settings) => numberCell(weekNumber(serial, settings).year)),
  ),
  hour: fn(
    1,
    1,
    ofDate((parts) => numberCell(parts.hour)),
  ),
  minute: fn(
    1,
    1,
    ofDate((parts) => numberCell(parts.minute)),
  ),
  second: fn(
    1,
    1,
    ofDate((parts) => numberCell(parts.second)),
  ),
  makedate: fn(1, 3, (args, ctx) => {
    const year = optionalInteger(args, 0, Number.NaN);
    const month = optionalInteger(args, 1, 1);
    const day = optionalInteger(args, 2, 1);
    if ([year, month, day].some(Number.isNaN)) return null;
    return dateDual(makeSerial(year, month, day), ctx.settings);
  }),
  maketime: fn(1, 3, (args, ctx) => {
    const hour = optionalInteger(args, 0, Number.NaN);
    const minute = optionalInteger(args, 1, 0);
    const second = toNumber(args[2] ?? { text: '0', num: 0 });
    if ([hour, minute, second].some(Number.isNaN)) return null;
    return dateDual((hour * 3600 + minute * 60 + second) / 86400, ctx.settings, ctx.settings.timeFormat);
  }),
  monthstart: fn(
    1,
    2,
    periodBoundary((parts, _s, shift) => monthStartSerial(parts, shift)),
  ),
  monthend: fn(
    1,
    2,
    periodBoundary((parts, _s, shift) => monthStartSerial(parts, shift + 1) - ONE_MS),
  ),
  quarterstart: fn(
    1,
    2,
    periodBoundary((parts, _s, shift) =>
      makeSerial(parts.year, Math.floor((parts.month - 1) / 3) * 3 + 1 + shift * 3, 1),
    ),
  ),
  quarterend: fn(
    1,
    2,
    periodBoundary(
      (parts, _s, shift) => makeSerial(parts.year, Math.floor((parts.month - 1) / 3) * 3 + 4 + shift * 3, 1) - ONE_MS,
    ),
  ),
  yearstart: fn(
    1,
    3,
    periodBoundary((parts, _s, shift, args) => yearStartSerial(parts, shift, yearFirstMonth(args, 2))),
  ),
  yearend: fn(
    1,
    3,
    periodBoundary((parts, _s, shift, args) => yearStartSerial(parts, shift + 1, yearFirstMonth(args, 2)) - ONE_MS),
  ),
  weekstart: fn(
    1,
    3,
    periodBoundary((_p, serial, shift, args, settings) =>
      weekStartSerial(serial, shift, settings, args.length > 2 ? optionalInteger(args, 2, 0) : undefined),
    ),
  ),
  weekend: fn(
    1,
    3,
    periodBoundary(
      (_p, serial, shift, args, settings) =>
        weekStartSerial(serial, shift + 1, settings, args.length > 2 ? optionalInteger(args, 2, 0) : undefined) -
        ONE_MS,
    ),
  ),
  daystart: fn(
    1,
    2,
    periodBoundary((_p, serial, shift) => Math.floor(serial) + shift),
  ),
  dayend: fn(
    1,
    2,
    periodBoundary((_p, serial, shift) => Math.floor(serial) + shift + 1 - ONE_MS),
  ),
  monthname: fn(1, 2, (args, ctx) => {
    const serial = dateNumber(args[0] ?? null, ctx.settings);
    const shift = optionalInteger(args, 1, 0);
    if (Number.isNaN(serial) || Number.isNaN(shift)) return null;
    const start = monthStartSerial(dateParts(serial), shift);
    const parts = dateParts(start);
    return { text: `${ctx.settings.monthNames[parts.month - 1] ?? ''} ${parts.year}`, num: start };
  }),
  addmonths: fn(2, 3, (args, ctx) => {
    const serial = dateNumber(args[0] ?? null, ctx.settings);
    const months = optionalInteger(args, 1, Number.NaN);
    if (Number.isNaN(serial) || Number.isNaN(months)) return null;
    const parts = dateParts(serial);
    const lastDay = new Date(Date.UTC(2000, 0, 1));
    lastDay.setUTCFullYear(parts.year, parts.month - 1 + months + 1, 0);
    const day = Math.min(parts.day, lastDay.getUTCDate());
    return dateDual(makeSerial(parts.year, parts.month + months, day) + (serial - Math.floor(serial)), ctx.settings);
  }),
  addyears: fn(2, 2, (args, ctx) => {
    const serial = dateNumber(args[0] ?? null, ctx.settings);
    const years = optionalInteger(args, 1, Number.NaN);
    if (Number.isNaN(serial) || Number.isNaN(years)) return null;
    const parts = dateParts(serial);
    const day = parts.month === 2 && parts.day === 29 ? 28 : parts.day;
    return dateDual(makeSerial(parts.year + years, parts.month, day) + (serial - Math.floor(serial)), ctx.settings);
  }),
  daynumberofyear: fn(1, 2, dayNumber(false)),
  daynumberofquarter: fn(1, 2, dayNumber(true)),
  today: fn(0, 1, (_args, ctx) => dateDual(Math.floor(localNow(ctx)), ctx.settings)),
  now: fn(0, 1, (_args, ctx) => dateDual(localNow(ctx), ctx.settings, ctx.settings.timestampFormat)),
};
