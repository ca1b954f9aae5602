import type { SectionAccessData } from './loaded-model.js';

/** Who opens an app, as section access matches it. */
export interface AccessUser {
  readonly userDirectory: string;
  readonly userId: string;
  /** The user's groups (matched against the GROUP column). */
  readonly groups: readonly string[];
}

/** What section access grants one user. */
export interface AccessGrant {
  /** Some matching row has `ACCESS` = ADMIN. */
  readonly admin: boolean;
  /** Per reduction column (upper-case field name), the values the user may see. */
  readonly reductions: ReadonlyMap<string, ReadonlySet<string>>;
  /** Fields the user may not see (OMIT), upper case. */
  readonly omit: ReadonlySet<string>;
}

/**
 * Section access system fields: every other column of the access table is a reduction field
 * (it reduces the data field of the same name, if the data has one).
 */
const SYSTEM_FIELDS: ReadonlySet<string> = new Set([
  'ACCESS',
  'USERID',
  'GROUP',
  'OMIT',
  'PASSWORD',
  'SERIAL',
  'NTNAME',
  'NTDOMAINSID',
  'NTSID',
  'USER.EMAIL',
]);

/**
 * What section access grants `user`, or undefined when no row of the access table admits them
 * (access denied). A row admits the user when its ACCESS is ADMIN or USER and its identity columns
 * match: USERID is `DIRECTORY\USERID` (case-insensitive) or `*` (every user), GROUP one of the
 * user's groups or `*`; an empty identity cell sets no condition, but a row needs at least one
 * non-empty identity cell. Over the admitting rows, each reduction column grants the union of its
 * values (`*` = every value listed in that column of the table, not every value of the data), and
 * OMIT the union of its fields (`*` likewise).
 *
 * @example
 * grantFor({ fields: ['ACCESS', 'USERID', 'REGION'], rows: [{ ACCESS: 'USER', USERID: 'CORP\\ALICE', REGION: 'EU' }] },
 *   { userDirectory: 'corp', userId: 'alice', groups: [] });
 * // → { admin: false, reductions: Map { 'REGION' => Set { 'EU' } }, omit: Set {} }
 */
export function grantFor(access: SectionAccessData, user: AccessUser): AccessGrant | undefined {
  const id = `${user.userDirectory}\\${user.userId}`.toUpperCase();
  const groups = new Set(user.groups.map((g) => g.trim().toUpperCase()));
  const admits = (row: Readonly<Record<string, string>>): boolean => {
    const level = row.ACCESS ?? '';
    if (level !== 'ADMIN' && level !== 'USER') return false;
    const userId = row.USERID ?? '';
    const group = row.GROUP ?? '';
    if (userId === '' && group === '') return false;
    return (userId === '' || userId === '*' || userId === id) && (group === '' || group === '*' || groups.has(group));
  };
  const rows = access.rows.filter(admits);
  if (rows.length === 0) return undefined;
  const listed = (field: string): string[] =>
    access.rows.map((row) => row[field] ?? '').filter((value) => value !== '' && value !== '*');
  const granted = (field: string): Set<string> => {
    const values = new Set<string>();
    for (const row of rows) {
      const value = row[field] ?? '';
      if (value === '*') for (const v of listed(field)) values.add(v);
      else if (value !== '') values.add(value);
    }
    return values;
  };
  const reductions = new Map<string, Set<string>>();
  for (const field of access.fields) if (!SYSTEM_FIELDS.has(field)) reductions.set(field, granted(field));
  return {
    admin: rows.some((row) => row.ACCESS === 'ADMIN'),
    reductions,
    omit: access.fields.includes('OMIT') ? granted('OMIT') : new Set(),
  };
}
