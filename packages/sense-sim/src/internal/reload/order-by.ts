import type { LoadQuery, OrderByItem } from '@qixflow/script';
import { compareText } from '../data/expressions/value-ops.js';
import type { Cell } from '../data/model/loaded-model.js';
import type { ColumnTable } from './column-table.js';
import { pacedSort } from './paced-sort.js';
import type { RecordScope } from './record-scope.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';

/**
 * ORDER BY: the order (source row numbers) of the records of a RESIDENT load, sorted before the LOAD reads them (so before WHERE,
 * GROUP BY, Peek and Previous see them). Sort keys are evaluated once per record, then a stable
 * sort; both pace themselves. Qlik allows the clause only when the source is a resident table
 * (help.qlik.com, Load: "This clause may only be used when the data source is a resident table").
 */
export async function orderRecords(
  state: ScriptState,
  query: LoadQuery,
  source: ColumnTable,
  scope: RecordScope,
): Promise<Int32Array> {
  if (query.source.kind !== 'ResidentSource') {
    throw new ExecutionError('ORDER BY is only allowed when the LOAD reads a RESIDENT table');
  }
  const items = query.orderBy;
  const count = source.rowCount;
  const keyed: { row: number; keys: Cell[] }[] = new Array(count);
  for (let i = 0; i < count; i++) {
    scope.at(i, i + 1, i + 1, 1);
    keyed[i] = { row: i, keys: items.map((o) => state.evaluate(o.expression, scope)) };
    if (state.guard.due()) await state.guard.pause();
  }
  const sorted = await pacedSort(keyed, (a, b) => compareKeys(items, a.keys, b.keys), state.guard);
  return Int32Array.from(sorted, (k) => k.row);
}

function compareKeys(items: readonly OrderByItem[], a: readonly Cell[], b: readonly Cell[]): number {
  for (let i = 0; i < items.length; i++) {
    const order = compareForOrderBy(a[i] ?? null, b[i] ?? null);
    if (order !== 0) return items[i]?.direction === 'desc' ? -order : order;
  }
  return 0;
}

/**
 * ORDER BY's ascending order: "primarily by numeric value and secondarily by national collation
 * order" (help.qlik.com, Load) — numbers by value before texts, texts by the collation text
 * sorting uses everywhere; NULL last (the documentation does not place it; DESC reverses all).
 */
function compareForOrderBy(a: Cell, b: Cell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = a.num;
  const y = b.num;
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  if (!Number.isNaN(x)) return -1;
  if (!Number.isNaN(y)) return 1;
  return compareText(a.text, b.text);
}
