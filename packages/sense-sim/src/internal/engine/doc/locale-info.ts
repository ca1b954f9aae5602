import { formatSettings } from '../../data/formats/format-settings.js';
import type { JsonRecord } from '../../data/json-record.js';
import type { AppDoc } from '../app/app-doc.js';

const DEFAULT_NUMERICAL_ABBREVIATION =
  '3:k;6:M;9:G;12:T;15:P;18:E;21:Z;24:Y;-3:m;-6:μ;-9:n;-12:p;-15:f;-18:a;-21:z;-24:y';

/**
 * The app's `LocaleInfo`: what its script set in the last reload (`SET DateFormat=…`,
 * `SET MoneyDecimalSep=…`), else the engine defaults. `GetLocaleInfo` answers it and
 * `GetAppLayout` carries it as `qLocaleInfo`, from which clients format numbers and dates.
 */
export function localeInfo(app: AppDoc): JsonRecord {
  const variables = app.data?.variables;
  const read = (name: string): string | undefined => variables?.get(name);
  const settings = formatSettings(read);
  return {
    qDecimalSep: settings.decimalSep,
    qThousandSep: settings.thousandSep,
    qListSep: read('ListSep') ?? ',',
    qMoneyDecimalSep: read('MoneyDecimalSep') ?? settings.decimalSep,
    qMoneyThousandSep: read('MoneyThousandSep') ?? settings.thousandSep,
    qCurrentYear: new Date().getUTCFullYear(),
    qMoneyFmt: settings.moneyFormat,
    qTimeFmt: settings.timeFormat,
    qDateFmt: settings.dateFormat,
    qTimestampFmt: settings.timestampFormat,
    qCalendarStrings: {
      qDayNames: [...settings.dayNames],
      qMonthNames: [...settings.monthNames],
      qLongDayNames: [...settings.longDayNames],
      qLongMonthNames: [...settings.longMonthNames],
    },
    qFirstWeekDay: settings.firstWeekDay,
    qBrokenWeeks: settings.brokenWeeks,
    qReferenceDay: settings.referenceDay,
    qFirstMonthOfYear: Number(read('FirstMonthOfYear') ?? 1),
    qCollation: read('CollationLocale') ?? 'en-US',
    qNumericalAbbreviation: read('NumericalAbbreviation') ?? DEFAULT_NUMERICAL_ABBREVIATION,
  };
}
