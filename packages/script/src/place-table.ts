import type { JoinPrefix, KeepPrefix, LoadPrefix, LoadStatement, QualifyStatement, UnqualifyStatement } from './ast.js';
import { wildcardMatch } from './wildcard-match.js';

/** One `QUALIFY` (`on`) or `UNQUALIFY` statement: its field-name patterns (`*` and `?` wildcards). */
export interface QualifyRule {
  readonly patterns: readonly string[];
  readonly on: boolean;
}

/** The rule a `QUALIFY` / `UNQUALIFY` statement adds. */
export function qualifyRule(statement: QualifyStatement | UnqualifyStatement): QualifyRule {
  return { patterns: [...statement.fields], on: statement.kind === 'Qualify' };
}

const CASE_SENSITIVE = { caseSensitive: true } as const;

/**
 * Whether QUALIFY applies to a field name after `rules` (the script's QUALIFY / UNQUALIFY
 * statements so far, in order): the last rule with a matching pattern decides; none, no. Field
 * names are case-sensitive, so the patterns are too.
 *
 * @example
 * ```ts
 * const rules = [{ patterns: ['*'], on: true }, { patterns: ['Id'], on: false }];
 * isQualified(rules, 'Name'); // true
 * isQualified(rules, 'Id'); // false
 * ```
 */
export function isQualified(rules: readonly QualifyRule[], field: string): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i] as QualifyRule;
    if (rule.patterns.some((p) => wildcardMatch(field, p, CASE_SENSITIVE))) return rule.on;
  }
  return false;
}

/** The names the fields of a table named `tableName` get under `rules`: `Table.Field` where qualified. */
export function qualifyFieldNames(
  rules: readonly QualifyRule[],
  tableName: string,
  fields: readonly string[],
): string[] {
  if (rules.length === 0) return [...fields];
  return fields.map((f) => (isQualified(rules, f) ? `${tableName}.${f}` : f));
}

/** `label`, or `label-1`, `label-2` … — the first name `taken` does not claim. */
export function uniqueTableName(label: string, taken: (name: string) => boolean): string {
  if (!taken(label)) return label;
  let n = 1;
  while (taken(`${label}-${n}`)) n++;
  return `${label}-${n}`;
}

/** A table already loaded, as {@link placeTable} sees it. */
export interface PlacedTable {
  readonly name: string;
  readonly fields: readonly string[];
  /** A mapping table (only mapping loads concatenate onto it). */
  readonly mapping?: boolean;
  /** Its fields are not all known (never a target of implicit concatenation). */
  readonly open?: boolean;
}

/** What {@link placeTable} decides from. */
export interface TablePlacementInput<T extends PlacedTable> {
  /** The LOAD / SELECT: its prefixes and label. */
  readonly statement: Pick<LoadStatement, 'prefixes' | 'label'>;
  /** The name of an unlabelled table (the file's base name, the SQL table …). */
  readonly defaultName: string;
  /** The statement's field names in order, after CROSSTABLE and before QUALIFY. */
  readonly fields: readonly string[];
  /** The statement's fields are not all known (`*` over unknown columns): no implicit concatenation. */
  readonly open?: boolean;
  /** The live tables, in load order. */
  readonly tables: readonly T[];
  /** The table the previous LOAD put its rows in, if it is still live. */
  readonly lastTable: T | undefined;
  /** The QUALIFY / UNQUALIFY rules so far. */
  readonly qualify: readonly QualifyRule[];
  /** Looks a table up by the name a prefix or label gives; by default the exact name among `tables`. */
  readonly findTable?: (name: string) => T | undefined;
}

/** A JOIN or CONCATENATE whose target table was not found: the statement was placed without it. */
export interface UnresolvedTarget {
  readonly prefix: 'JOIN' | 'CONCATENATE';
  /** The table the prefix names; null for "the previous table". */
  readonly table: string | null;
}

/** Where a LOAD's rows go, and what its fields are called there. */
export type TablePlacement<T extends PlacedTable> =
  | {
      /** JOIN onto `target`. */
      readonly kind: 'join';
      readonly target: T;
      readonly prefix: JoinPrefix;
      readonly fields: readonly string[];
      readonly unresolved: null;
    }
  | {
      /** Appended to `target`: CONCATENATE (`implicit: false`) or the same field set (`implicit: true`). */
      readonly kind: 'concatenate';
      readonly target: T;
      readonly implicit: boolean;
      readonly fields: readonly string[];
      readonly unresolved: UnresolvedTarget | null;
    }
  | {
      /** A new table `name` (KEEP: `keep` names the other table, undefined when not found). */
      readonly kind: 'new';
      readonly name: string;
      readonly fields: readonly string[];
      readonly mapping: boolean;
      readonly keep: { readonly prefix: KeepPrefix; readonly target: T | undefined } | null;
      readonly unresolved: UnresolvedTarget | null;
    };

function prefixOf<K extends LoadPrefix['kind']>(
  statement: Pick<LoadStatement, 'prefixes'>,
  kind: K,
): Extract<LoadPrefix, { kind: K }> | undefined {
  return statement.prefixes.find((p): p is Extract<LoadPrefix, { kind: K }> => p.kind === kind);
}

/**
 * Decides where a LOAD / SELECT puts its rows, as the engine does, and what its fields are called:
 * - `JOIN [(T)]` (not of a MAPPING load) joins onto T, else the previous table; its fields are
 *   qualified with the statement's label, else the target's name;
 * - `CONCATENATE [(T)]` (not of a MAPPING load) appends to T, else the previous table;
 * - otherwise, unless `NOCONCATENATE` or `KEEP`, a LOAD whose known field set (QUALIFY applied with
 *   its label, else its default name) equals a live table's — mapping onto mapping only — appends
 *   to the first such table (implicit concatenation);
 * - else a new table, named after the label (else the default name) made unique with `-1`, `-2` …,
 *   its fields qualified with that name. `KEEP [(T)]` names the table kept with (T, else the
 *   previous table). MAPPING fields are never qualified.
 *
 * A JOIN or CONCATENATE target that is not found leaves `unresolved` set on the placement made
 * without it (the executor refuses it, lineage notes it). Pure: nothing is changed.
 *
 * @example
 * ```ts
 * const [load] = parseScript('Sales: LOAD OrderID, Amount FROM more.csv;').ast.body;
 * placeTable({
 *   statement: load as LoadStatement,
 *   defaultName: 'more',
 *   fields: ['Amount', 'OrderID'],
 *   tables: [{ name: 'Orders', fields: ['OrderID', 'Amount'] }],
 *   lastTable: undefined,
 *   qualify: [],
 * }); // { kind: 'concatenate', target: { name: 'Orders', … }, implicit: true, … }
 * ```
 */
export function placeTable<T extends PlacedTable>(input: TablePlacementInput<T>): TablePlacement<T> {
  const { statement, qualify } = input;
  const find = input.findTable ?? ((name: string) => input.tables.find((t) => t.name === name));
  const mapping = prefixOf(statement, 'MappingPrefix') !== undefined;
  const names = (tableName: string) =>
    mapping ? [...input.fields] : qualifyFieldNames(qualify, tableName, input.fields);
  let unresolved: UnresolvedTarget | null = null;
  const join = prefixOf(statement, 'JoinPrefix');
  if (join && !mapping) {
    const target = join.table !== null ? find(join.table) : input.lastTable;
    if (target)
      return { kind: 'join', target, prefix: join, fields: names(statement.label ?? target.name), unresolved: null };
    unresolved = { prefix: 'JOIN', table: join.table };
  }
  const label = statement.label ?? input.defaultName;
  const labelled = names(label);
  const concat = prefixOf(statement, 'ConcatenatePrefix');
  const keep = prefixOf(statement, 'KeepPrefix');
  if (concat && !mapping) {
    const target = concat.table !== null ? find(concat.table) : input.lastTable;
    if (target) return { kind: 'concatenate', target, implicit: false, fields: labelled, unresolved };
    unresolved = { prefix: 'CONCATENATE', table: concat.table };
  } else if (!prefixOf(statement, 'NoConcatenatePrefix') && !keep && !input.open && labelled.length > 0) {
    const wanted = fieldSetKey(labelled);
    const target = input.tables.find(
      (t) => (t.mapping ?? false) === mapping && !t.open && fieldSetKey(t.fields) === wanted,
    );
    if (target) return { kind: 'concatenate', target, implicit: true, fields: labelled, unresolved };
  }
  const name = uniqueTableName(label, (n) => find(n) !== undefined);
  const keepWith = keep ? { prefix: keep, target: keep.table !== null ? find(keep.table) : input.lastTable } : null;
  return { kind: 'new', name, fields: names(name), mapping, keep: keepWith, unresolved };
}

/** The field set of a table as one comparable text (order and repeats ignored). */
function fieldSetKey(fields: readonly string[]): string {
  return [...new Set(fields)].sort().join('\u0000');
}
