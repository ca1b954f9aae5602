import type { LoadQuery, SqlQuery } from '@qixflow/script';
import type { Cell } from '../data/loaded-model.js';
import type { Pacer } from './reload-budget.js';
import type { WorkTable } from './script-state.js';

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
  if (target.distinct) target.rows = await distinctRows(target.rows, pacer);
}

/**
 * The rows without repeats, the first of equal rows kept in place (LOAD DISTINCT: "if there are
 * duplicate records, the first instance will be loaded"). Rows are equal when every cell has the
 * same text and number. Paces itself; memory is one key per distinct row.
 */
export async function distinctRows(rows: readonly Cell[][], pacer: Pacer): Promise<Cell[][]> {
  const seen = new Set<string>();
  const kept: Cell[][] = [];
  for (const row of rows) {
    const key = rowKey(row);
    if (!seen.has(key)) {
      seen.add(key);
      kept.push(row);
    }
    if (pacer.due()) await pacer.pause();
  }
  return kept;
}

function rowKey(row: readonly Cell[]): string {
  let key = '';
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    // Separators no text holds: NUL between cells, SOH between a cell's text and number.
    key += cell === null || cell === undefined ? '\u0000' : `${cell.text}\u0001${cell.num}\u0000`;
  }
  return key;
}
