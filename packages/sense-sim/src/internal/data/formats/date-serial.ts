/**
 * Qlik dates are serial numbers: days since 1899-12-30 (so 1 is 1899-12-31 and 2 is 1900-01-01,
 * as in spreadsheets without their 1900 leap-year bug), with the time of day as the fraction.
 * These helpers convert through UTC, so no local time zone or DST ever shifts a value.
 */

/** The serial number of 1970-01-01. */
const UNIX_EPOCH_SERIAL = 25569;

const MS_PER_DAY = 86_400_000;

/** Calendar parts of a serial number. `month` is 1–12; `weekday` 0 is Monday. */
export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  readonly weekday: number;
}

/** The calendar parts of `serial` (rounded to the millisecond, as the engine shows them). */
export function dateParts(serial: number): DateParts {
  const ms = Math.round((serial - UNIX_EPOCH_SERIAL) * MS_PER_DAY);
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
    weekday: (date.getUTCDay() + 6) % 7,
  };
}

/** The serial number of a calendar date and time; months and days out of range roll over like `MakeDate`. */
export function makeSerial(
  year: number,
  month = 1,
  day = 1,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): number {
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, millisecond));
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999; it rolls months and days over.
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() / MS_PER_DAY + UNIX_EPOCH_SERIAL;
}

/** The serial number of a JavaScript time (milliseconds since the Unix epoch), in UTC. */
export function serialFromEpochMs(ms: number): number {
  return ms / MS_PER_DAY + UNIX_EPOCH_SERIAL;
}
