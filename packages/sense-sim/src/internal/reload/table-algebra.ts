import { type Cell, textDual } from '../data/loaded-model.js';
import type { RawTable } from './read-data-file.js';
import type { Pacer } from './reload-budget.js';

/**
 * Table operations of the LOAD prefixes: JOIN, KEEP, CONCATENATE and CROSSTABLE. Each loop over
 * rows paces itself (a join of two large tables must not hold the event loop) and reports the
 * rows it produces to `grow`, which throws once the row or cell budget would be exceeded.
 */
export interface TableWork {
  pacer: Pacer;
  /** Called with the number of rows produced so far. */
  grow: (produced: number) => void;
}

/** A table that can take more rows and fields (the target of a join or concatenation). */
export interface GrowingTable {
  fields: string[];
  rows: Cell[][];
}

/** True when both tables have the same fields in any order (implicit concatenation). */
export function sameFieldSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((f) => set.has(f));
}

/** Appends `table`'s rows to `target`, adding the fields `target` lacks (null in its old rows). */
export async function concatenate(target: GrowingTable, table: RawTable, work: TableWork): Promise<void> {
  for (const f of table.fields) {
    if (!target.fields.includes(f)) {
      target.fields.push(f);
      for (const row of target.rows) {
        row.push(null);
        if (work.pacer.due()) await work.pacer.pause();
      }
    }
  }
  const index = table.fields.map((f) => target.fields.indexOf(f));
  const width = target.fields.length;
  for (const row of table.rows) {
    const out: Cell[] = new Array(width).fill(null);
    for (let from = 0; from < index.length; from++) out[index[from] as number] = row[from] ?? null;
    target.rows.push(out);
    work.grow(target.rows.length);
    if (work.pacer.due()) await work.pacer.pause();
  }
}

function keyOf(row: readonly Cell[], indexes: readonly number[]): string {
  return indexes.map((i) => row[i]?.text ?? '\u0000null').join('\u0001');
}

/** JOIN on the common fields (a cross join when there are none). */
export async function joinTables(
  left: GrowingTable,
  right: RawTable,
  type: 'inner' | 'left' | 'right' | 'outer',
  work: TableWork,
): Promise<RawTable> {
  const { pacer, grow } = work;
  const common = right.fields.filter((f) => left.fields.includes(f));
  const leftIdx = common.map((f) => left.fields.indexOf(f));
  const rightIdx = common.map((f) => right.fields.indexOf(f));
  const extra = right.fields.map((f, i) => ({ f, i })).filter(({ f }) => !left.fields.includes(f));
  const fields = [...left.fields, ...extra.map((e) => e.f)];
  const byKey = new Map<string, (readonly Cell[])[]>();
  for (const row of right.rows) {
    const k = keyOf(row, rightIdx);
    const list = byKey.get(k);
    if (list) list.push(row);
    else byKey.set(k, [row]);
    if (pacer.due()) await pacer.pause();
  }
  const rows: Cell[][] = [];
  const matched = new Set<string>();
  for (const row of left.rows) {
    const k = common.length === 0 ? '' : keyOf(row, leftIdx);
    const partners = common.length === 0 ? right.rows : byKey.get(k);
    if (partners && partners.length > 0) {
      matched.add(k);
      for (const p of partners) {
        rows.push([...row, ...extra.map((e) => p[e.i] ?? null)]);
        grow(rows.length);
        if (pacer.due()) await pacer.pause();
      }
    } else if (type === 'left' || type === 'outer') {
      rows.push([...row, ...extra.map(() => null)]);
      grow(rows.length);
    }
    if (pacer.due()) await pacer.pause();
  }
  if (type === 'right' || type === 'outer') {
    const fromRight = left.fields.map((f) => right.fields.indexOf(f));
    for (const [k, partners] of byKey) {
      if (matched.has(k)) continue;
      for (const p of partners) {
        const row: Cell[] = fromRight.map((i) => (i >= 0 ? (p[i] ?? null) : null));
        rows.push([...row, ...extra.map((e) => p[e.i] ?? null)]);
        grow(rows.length);
        if (pacer.due()) await pacer.pause();
      }
    }
  }
  return { fields, rows };
}

/** KEEP: both tables reduced to the rows whose common-field values the other table has. */
export async function keepTables(
  left: GrowingTable,
  right: RawTable,
  type: 'inner' | 'left' | 'right',
  pacer: Pacer,
): Promise<{ left: Cell[][]; right: Cell[][] }> {
  const common = right.fields.filter((f) => left.fields.includes(f));
  const leftIdx = common.map((f) => left.fields.indexOf(f));
  const rightIdx = common.map((f) => right.fields.indexOf(f));
  const leftKeys = await keySet(left.rows, leftIdx, pacer);
  const rightKeys = await keySet(right.rows, rightIdx, pacer);
  return {
    left: type === 'left' ? left.rows : await rowsWithKeys(left.rows, leftIdx, rightKeys, pacer),
    right: type === 'right' ? right.rows : await rowsWithKeys(right.rows, rightIdx, leftKeys, pacer),
  };
}

async function keySet(rows: readonly (readonly Cell[])[], indexes: number[], pacer: Pacer): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const row of rows) {
    keys.add(keyOf(row, indexes));
    if (pacer.due()) await pacer.pause();
  }
  return keys;
}

async function rowsWithKeys(rows: Cell[][], indexes: number[], keys: Set<string>, pacer: Pacer): Promise<Cell[][]> {
  const out: Cell[][] = [];
  for (const row of rows) {
    if (keys.has(keyOf(row, indexes))) out.push(row);
    if (pacer.due()) await pacer.pause();
  }
  return out;
}

/** CROSSTABLE: each non-qualifier column becomes a row of (qualifiers…, attribute, data). */
export async function crossTable(
  table: RawTable,
  attribute: string,
  data: string,
  qualifiers: number,
  work: TableWork,
): Promise<RawTable> {
  const keep = table.fields.slice(0, qualifiers);
  const rows: Cell[][] = [];
  for (const row of table.rows) {
    for (let i = qualifiers; i < table.fields.length; i++) {
      rows.push([...row.slice(0, qualifiers), textDual(table.fields[i] ?? ''), row[i] ?? null]);
    }
    work.grow(rows.length);
    if (work.pacer.due()) await work.pacer.pause();
  }
  return { fields: [...keep, attribute, data], rows };
}
