import type { AssociativeModel } from '../model/associative-model.js';

/** Which rows of each table are possible (1) or excluded (0); null means every row is possible. */
export type RowMasks = readonly (Uint8Array | null)[];

/** A restriction on a table's rows: the allowed values of each shared key field. */
interface KeyMessage {
  readonly fields: readonly number[];
  /** Per field (same order), a flag per element number. */
  readonly allowed: readonly Uint8Array[];
}

/**
 * The associative logic: which rows stay possible under a set of field selections.
 *
 * The tables form a forest through their key fields. A table's possible rows are those that match
 * its own selections and, for each neighbouring part of the tree that holds selections, have a key
 * value that occurs in that part's possible rows. So restrictions travel outward from the selections
 * only: an order whose product is missing from the product table stays possible when its customer
 * is selected, while a customer without orders is excluded as soon as something about orders is
 * selected — as in Qlik. Computed with one pass up and one pass down each tree (message passing).
 * The model is assumed loop-free (Qlik loosens a table to break a loop; an extra link is ignored),
 * and fields shared by the same two tables are checked one by one.
 *
 * @param selected per field index, a flag per element number (1 = selected); fields without a selection are absent.
 */
export function propagateSelections(model: AssociativeModel, selected: ReadonlyMap<number, Uint8Array>): RowMasks {
  const tableCount = model.tables.length;
  const own: (Uint8Array | null)[] = new Array(tableCount).fill(null);
  for (const [fieldIndex, flags] of selected) {
    const field = model.fields[fieldIndex];
    if (!field) continue;
    for (const tableIndex of field.tables) {
      const column = field.columns.get(tableIndex);
      if (!column) continue;
      let mask = own[tableIndex];
      if (!mask) {
        mask = new Uint8Array(column.length).fill(1);
        own[tableIndex] = mask;
      }
      for (let r = 0; r < column.length; r++) {
        if (mask[r] === 0) continue;
        const elem = column[r] as number;
        if (elem < 0 || flags[elem] !== 1) mask[r] = 0;
      }
    }
  }
  if (own.every((mask) => mask === null)) return own;
  const masks: (Uint8Array | null)[] = new Array(tableCount).fill(null);
  const visited = new Uint8Array(tableCount);
  for (let root = 0; root < tableCount; root++) {
    if (visited[root] === 1) continue;
    solveTree(model, root, own, masks, visited);
  }
  return masks;
}

/** One connected tree of tables: messages up to the root, then down, then each table's mask. */
function solveTree(
  model: AssociativeModel,
  root: number,
  own: readonly (Uint8Array | null)[],
  masks: (Uint8Array | null)[],
  visited: Uint8Array,
): void {
  const order: number[] = [];
  const parent = new Map<number, number>();
  const linkFields = new Map<number, readonly number[]>();
  const children = new Map<number, number[]>();
  visited[root] = 1;
  const queue = [root];
  while (queue.length > 0) {
    const table = queue.shift() as number;
    order.push(table);
    children.set(table, []);
    for (const link of model.links[table] ?? []) {
      if (visited[link.table] === 1) continue;
      visited[link.table] = 1;
      parent.set(link.table, table);
      linkFields.set(link.table, link.fields);
      children.get(table)?.push(link.table);
      queue.push(link.table);
    }
  }
  // Does the subtree under each table hold a selection?
  const hasSelection = new Map<number, boolean>();
  for (let i = order.length - 1; i >= 0; i--) {
    const table = order[i] as number;
    hasSelection.set(
      table,
      own[table] !== null || (children.get(table) ?? []).some((child) => hasSelection.get(child)),
    );
  }
  if (!hasSelection.get(root)) return;
  // Upward: what each subtree allows its parent (only subtrees with selections restrict).
  const up = new Map<number, KeyMessage>();
  for (let i = order.length - 1; i > 0; i--) {
    const table = order[i] as number;
    if (!hasSelection.get(table)) continue;
    const incoming = (children.get(table) ?? []).flatMap((child) => messageList(up.get(child)));
    const rows = rowsMatching(model, table, own[table] ?? null, incoming);
    up.set(table, keyMessage(model, table, linkFields.get(table) ?? [], rows));
  }
  // Downward: what the rest of the tree allows each child.
  const down = new Map<number, KeyMessage>();
  for (const table of order) {
    const kids = children.get(table) ?? [];
    for (const child of kids) {
      const others = kids.filter((kid) => kid !== child).flatMap((kid) => messageList(up.get(kid)));
      const fromAbove = messageList(down.get(table));
      if (own[table] === null && others.length === 0 && fromAbove.length === 0) continue;
      const rows = rowsMatching(model, table, own[table] ?? null, [...fromAbove, ...others]);
      down.set(child, keyMessage(model, table, linkFields.get(child) ?? [], rows));
    }
  }
  for (const table of order) {
    const incoming = [
      ...messageList(down.get(table)),
      ...(children.get(table) ?? []).flatMap((child) => messageList(up.get(child))),
    ];
    if (own[table] === null && incoming.length === 0) continue;
    masks[table] = rowsMatching(model, table, own[table] ?? null, incoming);
  }
}

function messageList(message: KeyMessage | undefined): KeyMessage[] {
  return message ? [message] : [];
}

/** Rows of a table matching its own selections and every incoming key restriction. */
function rowsMatching(
  model: AssociativeModel,
  tableIndex: number,
  ownMask: Uint8Array | null,
  messages: readonly KeyMessage[],
): Uint8Array {
  const rowCount = model.tables[tableIndex]?.rowCount ?? 0;
  const mask = ownMask ? ownMask.slice() : new Uint8Array(rowCount).fill(1);
  for (const message of messages) {
    message.fields.forEach((fieldIndex, i) => {
      const column = model.fields[fieldIndex]?.columns.get(tableIndex);
      const allowed = message.allowed[i];
      if (!column || !allowed) return;
      for (let r = 0; r < rowCount; r++) {
        if (mask[r] === 0) continue;
        const elem = column[r] as number;
        if (elem < 0 || allowed[elem] !== 1) mask[r] = 0;
      }
    });
  }
  return mask;
}

/** The key values (per link field) occurring in a table's rows under `mask`. */
function keyMessage(
  model: AssociativeModel,
  tableIndex: number,
  fields: readonly number[],
  mask: Uint8Array,
): KeyMessage {
  const allowed = fields.map((fieldIndex) => {
    const field = model.fields[fieldIndex];
    const flags = new Uint8Array(field?.cardinal ?? 0);
    const column = field?.columns.get(tableIndex);
    if (!column) return flags;
    for (let r = 0; r < column.length; r++) {
      const elem = column[r] as number;
      if (elem >= 0 && mask[r] === 1) flags[elem] = 1;
    }
    return flags;
  });
  return { fields, allowed };
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
    const mask = masks[tableIndex] ?? null;
    for (let r = 0; r < column.length; r++) {
      const elem = column[r] as number;
      if (elem >= 0 && (mask === null || mask[r] === 1)) flags[elem] = 1;
    }
  }
  return flags;
}
