import type { AssociativeModel } from './associative-model.js';

/** Which rows of each table are possible (1) or excluded (0); null means every row is possible. */
export type RowMasks = readonly (Uint8Array | null)[];

/**
 * The associative logic: which rows stay possible under a set of field selections.
 *
 * A table holding a selected field keeps the rows whose value is selected (a NULL is never
 * selected). Restrictions then travel along key fields: a table next to a restricted one keeps only
 * the rows whose key value occurs in that table's possible rows, which may restrict the next table,
 * until nothing changes. Tables with no path to a selection stay unrestricted (null), so orphan
 * key values are excluded only once something is selected, as in Qlik. The data model is assumed
 * free of loops (Qlik loosens a table to break one); shared multi-field keys are checked field by field.
 *
 * @param selected per field index, a flag per element number (1 = selected); fields without a selection are absent.
 */
export function propagateSelections(model: AssociativeModel, selected: ReadonlyMap<number, Uint8Array>): RowMasks {
  const masks: (Uint8Array | null)[] = model.tables.map(() => null);
  const queue: number[] = [];
  const queued = new Uint8Array(model.tables.length);
  const maskOf = (tableIndex: number): Uint8Array => {
    let mask = masks[tableIndex];
    if (!mask) {
      mask = new Uint8Array(model.tables[tableIndex]?.rowCount ?? 0).fill(1);
      masks[tableIndex] = mask;
    }
    return mask;
  };
  const enqueue = (tableIndex: number): void => {
    if (queued[tableIndex] === 0) {
      queued[tableIndex] = 1;
      queue.push(tableIndex);
    }
  };
  for (const [fieldIndex, flags] of selected) {
    const field = model.fields[fieldIndex];
    if (!field) continue;
    for (const tableIndex of field.tables) {
      const column = field.columns.get(tableIndex);
      if (!column) continue;
      const mask = maskOf(tableIndex);
      for (let r = 0; r < column.length; r++) {
        if (mask[r] === 0) continue;
        const elem = column[r] as number;
        if (elem < 0 || flags[elem] === 0) mask[r] = 0;
      }
      enqueue(tableIndex);
    }
  }
  while (queue.length > 0) {
    const tableIndex = queue.shift() as number;
    queued[tableIndex] = 0;
    const mask = masks[tableIndex];
    if (!mask) continue;
    for (const link of model.links[tableIndex] ?? []) {
      let changed = masks[link.table] === null;
      const target = maskOf(link.table);
      for (const fieldIndex of link.fields) {
        const field = model.fields[fieldIndex];
        const from = field?.columns.get(tableIndex);
        const to = field?.columns.get(link.table);
        if (!field || !from || !to) continue;
        const present = new Uint8Array(field.cardinal);
        for (let r = 0; r < from.length; r++) {
          const elem = from[r] as number;
          if (mask[r] === 1 && elem >= 0) present[elem] = 1;
        }
        for (let r = 0; r < to.length; r++) {
          if (target[r] === 0) continue;
          const elem = to[r] as number;
          if (elem < 0 || present[elem] === 0) {
            target[r] = 0;
            changed = true;
          }
        }
      }
      if (changed) enqueue(link.table);
    }
  }
  return masks;
}

/**
 * Which values of a field occur in possible rows (1) — the possible values; all of them when no
 * table of the field is restricted.
 */
export function possibleValues(model: AssociativeModel, masks: RowMasks, fieldIndex: number): Uint8Array {
  const field = model.fields[fieldIndex];
  const flags = new Uint8Array(field?.cardinal ?? 0);
  if (!field) return flags;
  for (const tableIndex of field.tables) {
    const column = field.columns.get(tableIndex);
    if (!column) continue;
    const mask = masks[tableIndex];
    if (!mask) {
      // An unrestricted table makes every value it holds possible.
      for (let r = 0; r < column.length; r++) {
        const elem = column[r] as number;
        if (elem >= 0) flags[elem] = 1;
      }
      continue;
    }
    for (let r = 0; r < column.length; r++) {
      const elem = column[r] as number;
      if (elem >= 0 && mask[r] === 1) flags[elem] = 1;
    }
  }
  return flags;
}
