import { ExpressionError } from '../expressions/expression-error.js';
import type { RowMasks } from '../selections/propagate-selections.js';
import type { AssociativeModel, TableLink } from './associative-model.js';
import { IntBuffer } from './int-buffer.js';

/**
 * Records of several tables joined along the association graph: tuple `i` is row `rows[k][i]` of
 * table `tables[k]` (-1 when the tuple has no row there).
 */
export interface JoinedRecords {
  readonly tables: readonly number[];
  readonly rows: readonly Int32Array[];
  readonly length: number;
  /** True when the tuples are simply every row of one table, in order (`rows[0][i] === i`). */
  readonly identity?: boolean;
}

// Joining tables that share no key multiplies their rows; beyond this it is surely a modelling error.
const MAX_TUPLES = 20_000_000;

/**
 * The natural full outer join of `tables` over their possible rows, along the key fields that link
 * them — with the tables on the paths between them, as the logical inference uses them. A row with
 * no partner still appears (the other tables' rows -1), like the NULL combinations Qlik shows.
 * Tables in different islands of the model combine as a cross product.
 *
 * @example
 * joinTables(model, [orders, customers], state.rowMasks()); // one tuple per (order, its customer)
 */
export function joinTables(model: AssociativeModel, tables: readonly number[], masks: RowMasks): JoinedRecords {
  const wanted = [...new Set(tables)];
  if (wanted.length === 0) return { tables: [], rows: [], length: 1 };
  const components: JoinedRecords[] = [];
  let remaining = wanted;
  while (remaining.length > 0) {
    const tree = steinerTree(model, remaining[0] as number, remaining);
    components.push(joinTree(model, tree, masks));
    remaining = remaining.filter((table) => !tree.order.includes(table));
  }
  return components.reduce((a, b) => crossJoin(a, b));
}

/** A tree of tables rooted at `order[0]`; every other table has its parent and the link to it. */
interface TableTree {
  readonly order: number[];
  readonly parent: Map<number, { readonly table: number; readonly link: TableLink }>;
}

/** The smallest subtree holding `root` and every reachable table of `targets` (the graph is a forest). */
function steinerTree(model: AssociativeModel, root: number, targets: readonly number[]): TableTree {
  const parent = new Map<number, { table: number; link: TableLink }>();
  const seen = new Set([root]);
  const queue = [root];
  while (queue.length > 0) {
    const table = queue.shift() as number;
    for (const link of model.links[table] ?? []) {
      if (seen.has(link.table)) continue;
      seen.add(link.table);
      parent.set(link.table, { table, link });
      queue.push(link.table);
    }
  }
  const included = new Set([root]);
  for (const target of targets) {
    if (!seen.has(target)) continue;
    let table = target;
    while (!included.has(table)) {
      included.add(table);
      table = (parent.get(table) as { table: number }).table;
    }
  }
  // Breadth-first order from the root, so every table comes after its parent.
  const order: number[] = [];
  const treeParent = new Map<number, { table: number; link: TableLink }>();
  const walk = [root];
  const visited = new Set([root]);
  while (walk.length > 0) {
    const table = walk.shift() as number;
    order.push(table);
    for (const link of model.links[table] ?? []) {
      if (!included.has(link.table) || visited.has(link.table)) continue;
      visited.add(link.table);
      treeParent.set(link.table, { table, link: { table: link.table, fields: link.fields } });
      walk.push(link.table);
    }
  }
  return { order, parent: treeParent };
}

function possibleRows(rowCount: number, mask: Uint8Array | null): Int32Array {
  if (!mask) {
    const rows = new Int32Array(rowCount);
    for (let r = 0; r < rowCount; r++) rows[r] = r;
    return rows;
  }
  const buffer = new IntBuffer(rowCount);
  for (let r = 0; r < rowCount; r++) if (mask[r] === 1) buffer.push(r);
  return buffer.toArray();
}

function joinTree(model: AssociativeModel, tree: TableTree, masks: RowMasks): JoinedRecords {
  const root = tree.order[0] as number;
  let tables = [root];
  const rootRows = model.tables[root]?.rowCount ?? 0;
  let rows = [possibleRows(rootRows, masks[root] ?? null)];
  let length = rows[0]?.length ?? 0;
  if (tree.order.length === 1) return { tables, rows, length, identity: length === rootRows };
  for (const child of tree.order.slice(1)) {
    const edge = tree.parent.get(child);
    if (!edge) continue;
    const joined = joinChild(model, { tables, rows, length }, edge.table, child, edge.link.fields, masks);
    tables = [...tables, child];
    rows = joined.rows;
    length = joined.length;
  }
  return { tables, rows, length };
}

/** Adds `child` to the tuples, matching its rows to the parent's on the link fields (full outer). */
function joinChild(
  model: AssociativeModel,
  current: JoinedRecords,
  parent: number,
  child: number,
  fields: readonly number[],
  masks: RowMasks,
): { rows: Int32Array[]; length: number } {
  const childTable = model.tables[child];
  const parentSlot = current.tables.indexOf(parent);
  const parentRows = current.rows[parentSlot] as Int32Array;
  const linkFields = fields.map((fieldIndex) => model.fields[fieldIndex]);
  const parentColumns = linkFields.map((field) => field?.columns.get(parent) as Int32Array);
  const childColumns = linkFields.map((field) => field?.columns.get(child) as Int32Array);
  const firstField = linkFields[0];
  if (!childTable || !firstField)
    return { rows: [...current.rows, new Int32Array(current.length).fill(-1)], length: current.length };
  // The child's possible rows grouped by their first link value (CSR layout).
  const childRows = possibleRows(childTable.rowCount, masks[child] ?? null);
  const firstChildColumn = childColumns[0] as Int32Array;
  const starts = new Int32Array(firstField.cardinal + 1);
  for (const row of childRows) {
    const elem = firstChildColumn[row] as number;
    if (elem >= 0) starts[elem + 1] = (starts[elem + 1] as number) + 1;
  }
  for (let e = 0; e < firstField.cardinal; e++) starts[e + 1] = (starts[e + 1] as number) + (starts[e] as number);
  const fill = starts.slice(0, firstField.cardinal);
  const byValue = new Int32Array(starts[firstField.cardinal] as number);
  for (const row of childRows) {
    const elem = firstChildColumn[row] as number;
    if (elem < 0) continue;
    const at = fill[elem] as number;
    byValue[at] = row;
    fill[elem] = at + 1;
  }
  const width = current.tables.length;
  const out = Array.from({ length: width + 1 }, () => new IntBuffer(current.length));
  const matched = new Uint8Array(childTable.rowCount);
  const firstParentColumn = parentColumns[0] as Int32Array;
  const emit = (tuple: number, childRow: number): void => {
    for (let k = 0; k < width; k++)
      (out[k] as IntBuffer).push(tuple < 0 ? -1 : ((current.rows[k] as Int32Array)[tuple] as number));
    (out[width] as IntBuffer).push(childRow);
  };
  for (let i = 0; i < current.length; i++) {
    const parentRow = parentRows[i] as number;
    let any = false;
    if (parentRow >= 0) {
      const elem = firstParentColumn[parentRow] as number;
      if (elem >= 0) {
        for (let at = starts[elem] as number, end = starts[elem + 1] as number; at < end; at++) {
          const childRow = byValue[at] as number;
          let same = true;
          for (let f = 1; f < parentColumns.length && same; f++) {
            same = (parentColumns[f] as Int32Array)[parentRow] === (childColumns[f] as Int32Array)[childRow];
          }
          if (!same) continue;
          emit(i, childRow);
          matched[childRow] = 1;
          any = true;
        }
      }
    }
    if (!any) emit(i, -1);
    if ((out[width] as IntBuffer).length > MAX_TUPLES) throw tooLarge(model, [...current.tables, child]);
  }
  for (const row of childRows) if (matched[row] === 0) emit(-1, row);
  return { rows: out.map((buffer) => buffer.toArray()), length: (out[width] as IntBuffer).length };
}

function crossJoin(a: JoinedRecords, b: JoinedRecords): JoinedRecords {
  const length = a.length * b.length;
  if (length > MAX_TUPLES)
    throw new ExpressionError('the fields used together come from unassociated tables and combine into too many rows');
  const rows: Int32Array[] = [];
  for (const column of a.rows) {
    const out = new Int32Array(length);
    for (let i = 0; i < a.length; i++) out.fill(column[i] as number, i * b.length, (i + 1) * b.length);
    rows.push(out);
  }
  for (const column of b.rows) {
    const out = new Int32Array(length);
    for (let i = 0; i < a.length; i++) out.set(column, i * b.length);
    rows.push(out);
  }
  return { tables: [...a.tables, ...b.tables], rows, length };
}

function tooLarge(model: AssociativeModel, tables: readonly number[]): ExpressionError {
  const names = tables.map((table) => model.tables[table]?.name ?? '?').join(', ');
  return new ExpressionError(`joining the tables ${names} gives more than ${MAX_TUPLES} rows`);
}
