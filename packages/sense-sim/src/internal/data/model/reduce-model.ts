import { DataEngine } from '../data-engine.js';
import { propagateSelections, type RowMasks } from '../selections/propagate-selections.js';
import type { DataColumn, DataTable, Dual, LoadedModel } from './loaded-model.js';
import { type AccessGrant, type AccessUser, grantFor } from './section-access-grant.js';

/** The model a user of a section-access app sees: reduced, or none at all (access denied). */
export type UserModel = { readonly model: LoadedModel } | { readonly denied: true };

/** Per loaded model, per user (identity and groups), what they see: computed once per reload. */
const views = new WeakMap<LoadedModel, Map<string, UserModel>>();

/**
 * What `user` may see of `loaded`: the model itself when it has no section access, else the
 * model reduced for the user (see {@link reduceModel}), or `denied` when section access does not
 * admit them. Kept per reload and user, so every session of a user shares one reduced model.
 */
export function modelForUser(loaded: LoadedModel, user: AccessUser): UserModel {
  const access = loaded.sectionAccess;
  if (!access) return { model: loaded };
  let byUser = views.get(loaded);
  if (!byUser) {
    byUser = new Map();
    views.set(loaded, byUser);
  }
  const key = `${user.userDirectory}\\${user.userId}|${[...user.groups].sort().join('|')}`.toUpperCase();
  let view = byUser.get(key);
  if (!view) {
    const grant = grantFor(access, user);
    const reduced = grant ? reduceModel(loaded, grant) : undefined;
    view = reduced ? { model: reduced } : { denied: true };
    byUser.set(key, view);
  }
  return view;
}

/**
 * The data model reduced by a grant, as the engine reduces it when a user opens the app: the
 * reduction values are applied as selections in the data fields named like the reduction columns,
 * and only the rows those selections leave possible remain — in every table associated with the
 * field, through the keys, while tables not associated keep every row. OMIT fields are removed
 * from every table (a table left without fields is dropped). Each field's values are renumbered
 * as if only the remaining rows had been loaded.
 *
 * Strict exclusion (always on in Qlik Sense): a USER whose values for a reduction field that the
 * data has match none of its values is refused (undefined). An ADMIN is not refused: a reduction
 * field with no matching value does not reduce their data.
 */
function reduceModel(loaded: LoadedModel, grant: AccessGrant): LoadedModel | undefined {
  const model = new DataEngine(loaded).model;
  const selected = new Map<number, Uint8Array>();
  for (const [name, values] of grant.reductions) {
    const field = model.field(name);
    if (!field) continue;
    const flags = new Uint8Array(field.cardinal);
    let matched = false;
    field.values.forEach((value, elem) => {
      if (values.has(value.text)) {
        flags[elem] = 1;
        matched = true;
      }
    });
    if (!matched) {
      if (grant.admin) continue;
      return undefined;
    }
    selected.set(field.index, flags);
  }
  const masks: RowMasks = selected.size > 0 ? propagateSelections(model, selected) : [];
  const tables = loaded.tables
    .map((table, index) => keepRows(table, masks[index] ?? null, grant.omit))
    .filter((table) => table.fields.length > 0);
  const derivedFields = loaded.derivedFields?.filter((set) => !grant.omit.has(set.source));
  return { ...loaded, tables, ...(derivedFields ? { derivedFields } : {}) };
}

/** A table with only the rows of `mask` (all when null) and without the `omit` fields. */
function keepRows(table: DataTable, mask: Uint8Array | null, omit: ReadonlySet<string>): DataTable {
  const kept = table.fields.map((name, c) => ({ name, c })).filter(({ name }) => !omit.has(name));
  if (!mask && kept.length === table.fields.length) return table;
  const rows: number[] = [];
  for (let r = 0; r < table.rowCount; r++) if (!mask || mask[r] === 1) rows.push(r);
  return {
    ...table,
    fields: kept.map(({ name }) => name),
    rowCount: rows.length,
    columns: kept.map(({ c }) => renumbered(table.columns[c], rows)),
  };
}

/** A column of the given rows only, its symbols renumbered in order of first occurrence. */
function renumbered(column: DataColumn | undefined, rows: readonly number[]): DataColumn {
  const values: Dual[] = [];
  const out = new Int32Array(rows.length);
  if (!column) return { values, rows: out.fill(-1) };
  const remap = new Int32Array(column.values.length).fill(-1);
  rows.forEach((r, i) => {
    const symbol = column.rows[r] ?? -1;
    if (symbol < 0) {
      out[i] = -1;
      return;
    }
    if (remap[symbol] === -1) {
      remap[symbol] = values.length;
      values.push(column.values[symbol] as Dual);
    }
    out[i] = remap[symbol] as number;
  });
  return { values, rows: out, inOrder: values.length > 0 };
}
