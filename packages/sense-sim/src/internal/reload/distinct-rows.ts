import type { LoadQuery, SqlQuery } from '@qixflow/script';
import type { ColumnBuilder } from '../data/model/column-builder.js';
import { IntBuffer } from '../data/model/int-buffer.js';
import type { ColumnTable } from './column-table.js';
import type { Pacer } from './reload-budget.js';
import type { WorkTable } from './work-table.js';

/**
 * Whether a LOAD statement is DISTINCT: any LOAD of it saying so. DISTINCT belongs to the
 * destination table, not to the LOAD it is written on ("distinct only affects the destination
 * table", help.qlik.com, Load): a preceding load's DISTINCT does not thin the records the LOAD
 * above it reads, the rows the statement finally produces are deduplicated.
 */
export function isDistinct(query: LoadQuery | SqlQuery): boolean {
  if (query.kind !== 'Load') return false;
  return query.distinct || (query.source.kind === 'PrecedingSource' && isDistinct(query.source.query));
}

/**
 * After a JOIN or CONCATENATE into `target`: a table that a DISTINCT statement made or added to
 * stays distinct, so its rows are deduplicated, old ones included — Qlik's known surprise
 * ("DISTINCT can be deceiving", qlikfix.com: a LEFT JOIN of a LOAD DISTINCT removes the repeats
 * the target already had). Deduplicates the whole table each time: a loop concatenating many
 * small loads into a distinct table costs its size per round.
 */
export async function keepDistinct(target: WorkTable, distinct: boolean, pacer: Pacer): Promise<void> {
  if (distinct) target.distinct = true;
  if (target.distinct) target.replaceWith(await distinctRows(target, pacer));
}

/**
 * The rows without repeats, the first of equal rows kept in place (LOAD DISTINCT: "if there are
 * duplicate records, the first instance will be loaded"). Rows are equal when every cell is the
 * same value of its column (same symbol: same number, or same text for text). Paces itself;
 * memory is one key per distinct row. Returns `table` itself when it has no repeats.
 */
export async function distinctRows(table: ColumnTable, pacer: Pacer): Promise<ColumnTable> {
  const seen = new Set<string>();
  const kept = new IntBuffer();
  const columns = table.columns;
  const count = table.rowCount;
  for (let r = 0; r < count; r++) {
    let key = '';
    for (let c = 0; c < columns.length; c++) key += `${(columns[c] as ColumnBuilder).symbolAt(r)},`;
    if (!seen.has(key)) {
      seen.add(key);
      kept.push(r);
    }
    if (pacer.due()) await pacer.pause();
  }
  return kept.length === count ? table : table.select(kept.toArray(), pacer);
}
