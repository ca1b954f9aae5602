import type { LoadQuery, OrderByItem } from '@qixflow/script';
import type { Cell } from '../data/loaded-model.js';
import { compareText } from '../data/value-ops.js';
import { pacedSort } from './paced-sort.js';
import { ExecutionError } from './script-error.js';
import type { RecordScope, ScriptState } from './script-state.js';

const NO_RECORD: readonly Cell[] = [];

/**
 * ORDER BY: the records of a RESIDENT load sorted before the LOAD reads them (so before WHERE,
 * GROUP BY, Peek and Previous see them). Sort keys are evaluated once per record, then a stable
 * sort; both pace themselves. Qlik allows the clause only when the source is a resident table
 * (help.qlik.com, Load: "This clause may only be used when the data source is a resident table").
 */
export async function orderRecords(
  state: ScriptState,
  query: LoadQuery,
  records: readonly (readonly Cell[] | undefined)[],
  scope: RecordScope,
): Promise<readonly Cell[][]> {
  if (query.source.kind !== 'ResidentSource') {
    throw new ExecutionError('ORDER BY is only allowed when the LOAD reads a RESIDENT table');
  }
  const items = query.orderBy;
  const keyed: { row: Cell[]; keys: Cell[] }[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const row = (records[i] ?? NO_RECORD) as Cell[];
    scope.at(row, i + 1, i + 1, 1);
    keyed[i] = { row, keys: items.map((o) => state.evaluate(o.expression, scope)) };
    if (state.guard.due()) await state.guard.pause();
  }
  const sorted = await pacedSort(keyed, (a, b) => compareKeys(items, a.keys, b.keys), state.guard);
  return sorted.map((k) => k.row);
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
export function compareForOrderBy(a: Cell, b: Cell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = a.num;
  const y = b.num;
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  if (!Number.isNaN(x)) return -1;
  if (!Number.isNaN(y)) return 1;
  return compareText(a.text, b.text);
}
