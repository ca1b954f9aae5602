import { ColumnBuilder } from '../data/model/column-builder.js';
import { IntBuffer } from '../data/model/int-buffer.js';
import { textDual } from '../data/model/loaded-model.js';
import { ColumnTable } from './column-table.js';
import type { Pacer } from './reload-budget.js';

/**
 * Table operations of the LOAD prefixes: JOIN, KEEP, CONCATENATE and CROSSTABLE, on columnar
 * tables. Each loop over rows paces itself (a join of two large tables must not hold the event
 * loop) and reports the rows it produces to `grow`, which throws once the row or cell budget
 * would be exceeded. Cells are copied column to column by symbol (see `ColumnBuilder.pushFrom`).
 */
export interface TableWork {
  pacer: Pacer;
  /** Called with the number of rows produced so far. */
  grow: (produced: number) => void;
}

/** Appends `table`'s rows to `target`, adding the fields `target` lacks (null in its old rows). */
export async function concatenate(target: ColumnTable, table: ColumnTable, work: TableWork): Promise<void> {
  for (const f of table.fields) {
    if (!target.fields.includes(f)) {
      target.addField(f);
      if (work.pacer.due()) await work.pacer.pause();
    }
  }
  const into = table.fields.map((f) => target.columns[target.fields.indexOf(f)] as ColumnBuilder);
  const maps = table.columns.map((column) => ColumnBuilder.symbolMap(column));
  const filled = new Set(into);
  const others = target.columns.filter((column) => !filled.has(column));
  const count = table.rowCount;
  for (let r = 0; r < count; r++) {
    for (let from = 0; from < into.length; from++) {
      (into[from] as ColumnBuilder).pushFrom(table.columns[from] as ColumnBuilder, r, maps[from] as Int32Array);
    }
    for (const column of others) column.pushSymbol(-1);
    if (target.columns.length === 0) target.pushRow([]);
    work.grow(target.rowCount);
    if (work.pacer.due()) await work.pacer.pause();
  }
}

/** The text key of a row's cells in `columns` (equal texts join, as in Qlik). */
function keyOf(table: ColumnTable, row: number, columns: readonly number[]): string {
  let key = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) key += '\u0001';
    key += table.cell(row, columns[i] as number)?.text ?? '\u0000null';
  }
  return key;
}

/** JOIN on the common fields (a cross join when there are none). */
export async function joinTables(
  left: ColumnTable,
  right: ColumnTable,
  type: 'inner' | 'left' | 'right' | 'outer',
  work: TableWork,
): Promise<ColumnTable> {
  const { pacer, grow } = work;
  const common = right.fields.filter((f) => left.fields.includes(f));
  const leftIdx = common.map((f) => left.fields.indexOf(f));
  const rightIdx = common.map((f) => right.fields.indexOf(f));
  const extra = right.fields.map((f, i) => ({ f, i })).filter(({ f }) => !left.fields.includes(f));
  const byKey = new Map<string, number[]>();
  for (let r = 0; r < right.rowCount; r++) {
    const k = keyOf(right, r, rightIdx);
    const list = byKey.get(k);
    if (list) list.push(r);
    else byKey.set(k, [r]);
    if (pacer.due()) await pacer.pause();
  }
  const allRight = Array.from({ length: right.rowCount }, (_, r) => r);
  // The result as pairs of row numbers (-1: no row on that side), copied column by column below.
  const fromLeft = new IntBuffer();
  const fromRight = new IntBuffer();
  const matched = new Set<string>();
  for (let l = 0; l < left.rowCount; l++) {
    const k = common.length === 0 ? '' : keyOf(left, l, leftIdx);
    const partners = common.length === 0 ? allRight : byKey.get(k);
    if (partners && partners.length > 0) {
      matched.add(k);
      for (const p of partners) {
        fromLeft.push(l);
        fromRight.push(p);
        grow(fromLeft.length);
        if (pacer.due()) await pacer.pause();
      }
    } else if (type === 'left' || type === 'outer') {
      fromLeft.push(l);
      fromRight.push(-1);
      grow(fromLeft.length);
    }
    if (pacer.due()) await pacer.pause();
  }
  if (type === 'right' || type === 'outer') {
    for (const [k, partners] of byKey) {
      if (matched.has(k)) continue;
      for (const p of partners) {
        fromLeft.push(-1);
        fromRight.push(p);
        grow(fromLeft.length);
        if (pacer.due()) await pacer.pause();
      }
    }
  }
  const out = new ColumnTable([...left.fields, ...extra.map((e) => e.f)]);
  const lefts = fromLeft.toArray();
  const rights = fromRight.toArray();
  // Each output column: its left source, and the right one (a common field of a right-only row, an extra field).
  const sources = out.fields.map((f, c) => {
    const l = c < left.fields.length ? (left.columns[c] as ColumnBuilder) : undefined;
    const at = right.fields.indexOf(f);
    const r = at >= 0 ? (right.columns[at] as ColumnBuilder) : undefined;
    return {
      to: out.columns[c] as ColumnBuilder,
      left: l,
      leftMap: l ? ColumnBuilder.symbolMap(l) : new Int32Array(0),
      right: r,
      rightMap: r ? ColumnBuilder.symbolMap(r) : new Int32Array(0),
    };
  });
  for (let k = 0; k < lefts.length; k++) {
    const l = lefts[k] as number;
    const r = rights[k] as number;
    for (const s of sources) {
      if (s.left && l >= 0) s.to.pushFrom(s.left, l, s.leftMap);
      else if (s.right && r >= 0) s.to.pushFrom(s.right, r, s.rightMap);
      else s.to.pushSymbol(-1);
    }
    if (pacer.due()) await pacer.pause();
  }
  return out;
}

/** KEEP: both tables reduced to the rows whose common-field values the other table has. */
export async function keepTables(
  left: ColumnTable,
  right: ColumnTable,
  type: 'inner' | 'left' | 'right',
  pacer: Pacer,
): Promise<{ left: ColumnTable; right: ColumnTable }> {
  const common = right.fields.filter((f) => left.fields.includes(f));
  const leftIdx = common.map((f) => left.fields.indexOf(f));
  const rightIdx = common.map((f) => right.fields.indexOf(f));
  const leftKeys = await keySet(left, leftIdx, pacer);
  const rightKeys = await keySet(right, rightIdx, pacer);
  return {
    left: type === 'left' ? left : await rowsWithKeys(left, leftIdx, rightKeys, pacer),
    right: type === 'right' ? right : await rowsWithKeys(right, rightIdx, leftKeys, pacer),
  };
}

async function keySet(table: ColumnTable, indexes: number[], pacer: Pacer): Promise<Set<string>> {
  const keys = new Set<string>();
  for (let r = 0; r < table.rowCount; r++) {
    keys.add(keyOf(table, r, indexes));
    if (pacer.due()) await pacer.pause();
  }
  return keys;
}

async function rowsWithKeys(
  table: ColumnTable,
  indexes: number[],
  keys: Set<string>,
  pacer: Pacer,
): Promise<ColumnTable> {
  const kept = new IntBuffer();
  for (let r = 0; r < table.rowCount; r++) {
    if (keys.has(keyOf(table, r, indexes))) kept.push(r);
    if (pacer.due()) await pacer.pause();
  }
  return kept.length === table.rowCount ? table : table.select(kept.toArray(), pacer);
}

/** CROSSTABLE: each non-qualifier column becomes a row of (qualifiers…, attribute, data). */
export async function crossTable(
  table: ColumnTable,
  attribute: string,
  data: string,
  qualifiers: number,
  work: TableWork,
): Promise<ColumnTable> {
  const keep = table.fields.slice(0, qualifiers);
  const out = new ColumnTable([...keep, attribute, data]);
  const maps = table.columns.map((column) => ColumnBuilder.symbolMap(column));
  const attributeColumn = out.columns[keep.length] as ColumnBuilder;
  const dataColumn = out.columns[keep.length + 1] as ColumnBuilder;
  const attributes = table.fields.map((f, i) => (i < qualifiers ? -1 : attributeColumn.symbol(textDual(f))));
  for (let r = 0; r < table.rowCount; r++) {
    for (let i = qualifiers; i < table.fields.length; i++) {
      for (let q = 0; q < keep.length; q++) {
        (out.columns[q] as ColumnBuilder).pushFrom(table.columns[q] as ColumnBuilder, r, maps[q] as Int32Array);
      }
      attributeColumn.pushSymbol(attributes[i] as number);
      dataColumn.pushFrom(table.columns[i] as ColumnBuilder, r, maps[i] as Int32Array);
    }
    work.grow(out.rowCount);
    if (work.pacer.due()) await work.pacer.pause();
  }
  return out;
}
