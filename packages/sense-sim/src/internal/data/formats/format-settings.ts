/**
 * The number-interpretation variables a script sets at its top (`SET DateFormat='YYYY-MM-DD';` …)
 * that formatting and interpretation functions read. Missing ones take Qlik Sense's en-US defaults.
 */
export interface FormatSettings {
  readonly dateFormat: string;
  readonly timeFormat: string;
  readonly timestampFormat: string;
  readonly decimalSep: string;
  readonly thousandSep: string;
  readonly moneyFormat: string;
  readonly monthNames: readonly string[];
  readonly longMonthNames: readonly string[];
  readonly dayNames: readonly string[];
  readonly longDayNames: readonly string[];
  /** 0 = Monday … 6 = Sunday. */
  readonly firstWeekDay: number;
  readonly brokenWeeks: boolean;
  /** The day of January that is always in week 1 (4 gives ISO weeks). */
  readonly referenceDay: number;
}

const DEFAULTS: FormatSettings = {
  dateFormat: 'M/D/YYYY',
  timeFormat: 'h:mm:ss TT',
  timestampFormat: 'M/D/YYYY h:mm:ss[.fff] TT',
  decimalSep: '.',
  thousandSep: ',',
  moneyFormat: '$#,##0.00;-$#,##0.00',
  monthNames: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  longMonthNames: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  dayNames: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  longDayNames: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  firstWeekDay: 0,
  brokenWeeks: false,
  referenceDay: 4,
};

/** The defaults, for contexts without variables. */
export const DEFAULT_FORMAT_SETTINGS: FormatSettings = DEFAULTS;

/** Reads the settings from variable values (as SET left them: text). */
export function formatSettings(variable: (name: string) => string | undefined): FormatSettings {
  const text = (name: string, fallback: string): string => {
    const value = variable(name);
    return value === undefined || value === '' ? fallback : value;
  };
  const names = (name: string, fallback: readonly string[]): readonly string[] => {
    const value = variable(name);
    if (value === undefined || value === '') return fallback;
    const parts = value.split(';');
    return parts.length === fallback.length ? parts : fallback;
  };
  const integer = (name: string, fallback: number): number => {
    const value = Number(variable(name));
    return Number.isInteger(value) ? value : fallback;
  };
  return {
    dateFormat: text('DateFormat', DEFAULTS.dateFormat),
    timeFormat: text('TimeFormat', DEFAULTS.timeFormat),
    timestampFormat: text('TimestampFormat', DEFAULTS.timestampFormat),
    decimalSep: text('DecimalSep', DEFAULTS.decimalSep),
    thousandSep: variable('ThousandSep') ?? DEFAULTS.thousandSep,
    moneyFormat: text('MoneyFormat', DEFAULTS.moneyFormat),
    monthNames: names('MonthNames', DEFAULTS.monthNames),
    longMonthNames: names('LongMonthNames', DEFAULTS.longMonthNames),
    dayNames: names('DayNames', DEFAULTS.dayNames),
    longDayNames: names('LongDayNames', DEFAULTS.longDayNames),
    firstWeekDay: integer('FirstWeekDay', DEFAULTS.firstWeekDay),
    brokenWeeks: integer('BrokenWeeks', 0) !== 0,
    referenceDay: integer('ReferenceDay', DEFAULTS.referenceDay) || DEFAULTS.referenceDay,
  };
}
