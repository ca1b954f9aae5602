/**
 * What a reload produces and the associative engine consumes: the contract between the script
 * executor (which builds tables) and the data model (which associates them and answers queries).
 */

/**
 * A value as Qlik holds it: a dual of text and number. Pure text has `num` NaN; pure numbers have
 * the text their format gives (e.g. '3', '2025-01-31' for a date with the DateFormat).
 */
export interface Dual {
  readonly text: string;
  readonly num: number;
}

/** A cell: a dual, or null (missing/NULL). */
export type Cell = Dual | null;

/**
 * One field of a table as the engine stores it: the distinct values (its symbol table) and, per
 * row, the number of the row's value in it (-1 for NULL). See `ColumnBuilder`.
 */
export interface DataColumn {
  readonly values: readonly Dual[];
  readonly rows: Int32Array;
  /**
   * True when every value occurs and each first occurs after the one before it (how a column
   * filled row by row is): the symbols are then already in load order.
   */
  readonly inOrder?: boolean;
}

/**
 * One table of the data model (after QUALIFY, RENAME, DROP …), stored by column: per field its
 * symbol table and a typed array of symbol numbers, as the engine holds it. `tableRows` reads
 * the rows back where rows are wanted (tests, small tables).
 */
export interface DataTable {
  readonly name: string;
  /** Field names, in load order. */
  readonly fields: readonly string[];
  readonly rowCount: number;
  /** One column per field, each `rowCount` long. */
  readonly columns: readonly DataColumn[];
  readonly comment?: string;
}

/** A row of `GetLineage`. */
export interface LineageRow {
  readonly qDiscriminator: string;
  readonly qStatement: string;
}

/**
 * The fields DERIVE made from one data field with one field definition (`OrderDate.autoCalendar.Year` …):
 * a table keyed by the data field, with one row per distinct value of it. The model links it to
 * the data field's tables, so charts use the derived fields and their selections associate, but
 * lists it under the data field (GetFieldList's `qDerivedFieldData`), not as a table of its own.
 */
export interface DerivedFieldSet {
  /** The data field derived from. */
  readonly source: string;
  /** The field definition's name (`autoCalendar`). */
  readonly definition: string;
  /** The definition's own tags (`$date`). */
  readonly tags: readonly string[];
  /** The derived fields: full name (`OrderDate.autoCalendar.Year`), the definition's name for it (`Year`), its tags. */
  readonly fields: readonly { readonly name: string; readonly method: string; readonly tags: readonly string[] }[];
  /** One row per value of `source`: that value, then each derived field's value. */
  readonly rows: readonly (readonly Cell[])[];
}

/** Everything a reload leaves behind. */
export interface LoadedModel {
  readonly tables: readonly DataTable[];
  /** `Comment Field … With …` and `Tag` results. */
  readonly fieldComments: ReadonlyMap<string, string>;
  readonly fieldTags: ReadonlyMap<string, readonly string[]>;
  /** Variables defined by SET/LET (name → text as stored). */
  readonly variables: ReadonlyMap<string, string>;
  readonly lineage: readonly LineageRow[];
  /** DERIVE's fields, by data field and definition (none when the script derived nothing). */
  readonly derivedFields?: readonly DerivedFieldSet[];
  /** The tables the script loaded in `Section Access` (none without one): who sees what, not data. */
  readonly sectionAccess?: SectionAccessData;
}

/**
 * Section access as the reload leaves it: the access section's tables as one list of rows, field
 * names and values in upper case as Qlik keeps them (NULL as ''); a row lacks the fields its table lacks.
 */
export interface SectionAccessData {
  readonly fields: readonly string[];
  readonly rows: readonly Readonly<Record<string, string>>[];
}

/** A dual for a number, with `text` as Qlik would show it when no format applies. */
export function numberDual(num: number, text?: string): Dual {
  return text === undefined ? new PlainNumber(num) : { text, num };
}

/** Whether `cell` is a number with Qlik's default text (short: at most ~24 characters). */
export function isPlainNumber(cell: Dual): boolean {
  return cell instanceof PlainNumber;
}

/**
 * A number whose text is made when first read. Most numbers a LOAD computes are intermediate
 * (`Rand() * 100` inside `Round(…)`) or stored by value, and formatting a fraction costs more than
 * the arithmetic; the text is formatted once, on demand. Serialises like any other dual.
 */
class PlainNumber implements Dual {
  readonly num: number;
  #text: string | undefined;

  constructor(num: number) {
    this.num = num;
  }

  get text(): string {
    if (this.#text === undefined) this.#text = formatNumber(this.num);
    return this.#text;
  }

  toJSON(): { text: string; num: number } {
    return { text: this.text, num: this.num };
  }
}

/** A dual for text (num NaN), or, when the text is a plain number, a dual of both. */
export function textDual(text: string): Dual {
  const trimmed = text.trim();
  if (trimmed !== '' && /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(trimmed))
    return { text, num: Number(trimmed) };
  return { text, num: Number.NaN };
}

/** Qlik's default number text: integers without decimals, others with up to 14 significant digits. */
export function formatNumber(num: number): string {
  if (Number.isNaN(num)) return '-';
  if (!Number.isFinite(num)) return num > 0 ? '+Inf' : '-Inf';
  if (Number.isInteger(num)) return String(num);
  // One conversion (toPrecision) and a scan instead of a regex: measures format many numbers.
  const fixed = num.toPrecision(14);
  if (fixed.includes('e')) return String(Number(fixed));
  return fixed.includes('.') ? withoutTrailingZeros(fixed) : fixed;
}

/** `12.500` → `12.5`, `3.000` → `3`. */
function withoutTrailingZeros(fixed: string): string {
  let end = fixed.length;
  while (end > 0 && fixed.charCodeAt(end - 1) === 48) end--;
  if (fixed.charCodeAt(end - 1) === 46) end--;
  return fixed.slice(0, end);
}
