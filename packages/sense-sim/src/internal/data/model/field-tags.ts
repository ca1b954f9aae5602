import { parseDateTime } from '../formats/date-format.js';
import type { FormatSettings } from '../formats/format-settings.js';
import { type Dual, formatNumber } from './loaded-model.js';
import { runSteps, STEP_UNITS, type WorkSteps } from './work-steps.js';

/** What the tags of a field rest on. */
export interface FieldTagInput {
  readonly values: readonly Dual[];
  readonly isKey: boolean;
  readonly isSystem: boolean;
  readonly isHidden: boolean;
  /** Tags added by the script (`TAG FIELD … WITH …`). */
  readonly userTags: readonly string[];
  readonly settings: FormatSettings;
}

/** The value-kind facts behind the data tags, also used for dimension types and formats. */
export interface FieldKind {
  readonly hasNumbers: boolean;
  readonly allNumeric: boolean;
  readonly allIntegers: boolean;
  readonly allText: boolean;
  readonly allAscii: boolean;
  readonly isDate: boolean;
  readonly isTimestamp: boolean;
}

// Checking every value of a million-value field against a date pattern costs more than it tells.
const DATE_SAMPLE = 1000;

/** Classifies a field's values. */
export function fieldKind(values: readonly Dual[], settings: FormatSettings): FieldKind {
  return runSteps(fieldKindSteps(values, settings));
}

/** {@link fieldKind} as steps (one value per unit), for the paced model build. */
export function* fieldKindSteps(values: readonly Dual[], settings: FormatSettings): WorkSteps<FieldKind> {
  let hasNumbers = false;
  let allNumeric = values.length > 0;
  let allIntegers = values.length > 0;
  let allText = values.length > 0;
  let allAscii = true;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as Dual;
    if (Number.isNaN(value.num)) {
      allNumeric = false;
      allIntegers = false;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is exactly the range tested.
      if (allAscii && !/^[\x00-\x7f]*$/.test(value.text)) allAscii = false;
    } else {
      hasNumbers = true;
      allText = false;
      if (!Number.isInteger(value.num)) allIntegers = false;
    }
    if ((i & (STEP_UNITS - 1)) === STEP_UNITS - 1) yield STEP_UNITS;
  }
  let isDate = false;
  let isTimestamp = false;
  if (allNumeric) {
    const sample = values.slice(0, DATE_SAMPLE);
    const formatted = sample.every((value) => value.text !== formatNumber(value.num));
    if (formatted) {
      isDate = allIntegers && sample.every((value) => readsAs(value, settings.dateFormat, settings));
      isTimestamp = isDate || sample.every((value) => readsAs(value, settings.timestampFormat, settings));
    }
  }
  return { hasNumbers, allNumeric, allIntegers, allText, allAscii: allText && allAscii, isDate, isTimestamp };
}

function readsAs(value: Dual, pattern: string, settings: FormatSettings): boolean {
  const parsed = parseDateTime(value.text, pattern, settings);
  return parsed !== undefined && Math.abs(parsed - value.num) < 1e-6;
}

/**
 * The tags the engine gives a field, in its order: `$system`/`$hidden`, `$key`, then either
 * `$numeric` `$integer` `$timestamp` `$date` or `$ascii` `$text` (a field mixing numbers and text
 * has none of these), then the script's own tags. CTL golden: `$key, $numeric, $integer` and
 * `$ascii, $text`; halyard golden: a date field has `$numeric, $integer, $timestamp, $date`.
 */
export function fieldTags(input: FieldTagInput, kind: FieldKind): string[] {
  const tags: string[] = [];
  if (input.isSystem) tags.push('$system');
  if (input.isHidden) tags.push('$hidden');
  if (input.isKey) tags.push('$key');
  if (kind.allNumeric) {
    tags.push('$numeric');
    if (kind.allIntegers) tags.push('$integer');
    if (kind.isTimestamp) tags.push('$timestamp');
    if (kind.isDate) tags.push('$date');
  } else if (kind.allText) {
    if (kind.allAscii) tags.push('$ascii');
    tags.push('$text');
  }
  for (const tag of input.userTags) if (!tags.includes(tag)) tags.push(tag);
  return tags;
}
