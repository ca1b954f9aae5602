import { type Expression, type LoadFieldItem, type LoadQuery, printExpression } from '@qixflow/script';
import type { Cell } from '../data/loaded-model.js';
import { CellInterner } from './cell-interner.js';
import { pacedSort } from './paced-sort.js';
import type { RawTable } from './read-data-file.js';
import { ExecutionError } from './script-error.js';
import type { RecordScope, ScriptState } from './script-state.js';
import { compareCells, truthy } from './script-values.js';

interface OutputField {
  name: string;
  /** Index of the source field a `*` copies. */
  star?: number;
  expression: Expression | undefined;
}

const NO_RECORD: readonly Cell[] = [];

/**
 * Evaluates a LOAD's field list over its source records (WHERE, WHILE, DISTINCT, ORDER BY),
 * pacing itself per record and checking the row and cell budgets as rows are produced. Equal
 * cells of a column are shared (see {@link CellInterner}): the rows stay alive until the reload ends.
 * `source.rows` may have holes (AUTOGENERATE): a hole is a record without fields.
 */
export async function projectLoad(state: ScriptState, query: LoadQuery, source: RawTable): Promise<RawTable> {
  if (query.groupBy.length > 0) throw new ExecutionError('GROUP BY is not supported by the simulator');
  const { guard } = state;
  const scope = state.recordScope(new Map(source.fields.map((f, i) => [f, i])));
  const records = query.orderBy.length > 0 ? await ordered(state, query, source.rows, scope) : source.rows;
  const outputs = outputFields(query.fields, source.fields);
  const width = outputs.length;
  const grow = state.growth(width);
  const interners = outputs.map(() => new CellInterner());
  const rows: Cell[][] = [];
  const seen = query.distinct ? new Set<string>() : undefined;
  const count = records.length;
  for (let r = 0; r < count; r++) {
    const record = records[r] ?? NO_RECORD;
    for (let iter = 1; ; iter++) {
      scope.at(record, r + 1, rows.length + 1, iter);
      if (query.while) {
        guard.iterate();
        if (!truthy(state.evaluate(query.while, scope))) break;
      }
      if (!query.where || truthy(state.evaluate(query.where, scope))) {
        const row: Cell[] = new Array(width);
        for (let c = 0; c < width; c++) {
          const o = outputs[c] as OutputField;
          const cell =
            o.star !== undefined ? (record[o.star] ?? null) : state.evaluate(o.expression as Expression, scope);
          row[c] = (interners[c] as CellInterner).intern(cell);
        }
        const key = seen ? JSON.stringify(row) : undefined;
        if (!seen?.has(key as string)) {
          seen?.add(key as string);
          rows.push(row);
          grow(rows.length);
        }
      }
      if (guard.due()) await guard.pause();
      if (!query.while) break;
    }
  }
  return { fields: outputs.map((o) => o.name), rows };
}

/** ORDER BY: sort keys evaluated once per record, then a stable sort; both pace themselves. */
async function ordered(
  state: ScriptState,
  query: LoadQuery,
  records: readonly Cell[][],
  scope: RecordScope,
): Promise<Cell[][]> {
  const keyed: { row: Cell[]; keys: Cell[] }[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const row = (records[i] ?? NO_RECORD) as Cell[];
    scope.at(row, i + 1, i + 1, 1);
    keyed[i] = { row, keys: query.orderBy.map((o) => state.evaluate(o.expression, scope)) };
    if (state.guard.due()) await state.guard.pause();
  }
  const sorted = await pacedSort(
    keyed,
    (a, b) => {
      for (let i = 0; i < query.orderBy.length; i++) {
        const order = compareCells(a.keys[i] ?? null, b.keys[i] ?? null);
        if (order !== 0) return query.orderBy[i]?.direction === 'desc' ? -order : order;
      }
      return 0;
    },
    state.guard,
  );
  return sorted.map((k) => k.row);
}

function outputFields(items: readonly LoadFieldItem[], sourceFields: readonly string[]): OutputField[] {
  const out: OutputField[] = [];
  for (const item of items) {
    if (item.kind === 'LoadStar') {
      sourceFields.forEach((f, i) => {
        out.push({ name: f, star: i, expression: undefined });
      });
    } else {
      out.push({ name: fieldName(item), expression: item.expression });
    }
  }
  return out;
}

/** The name a LOAD (or STORE) field gets: its alias, the field it names, or its printed expression. */
export function fieldName(item: Extract<LoadFieldItem, { kind: 'LoadField' }>): string {
  if (item.alias !== null) return item.alias;
  if (item.expression.kind === 'FieldRef') return item.expression.name;
  return printExpression(item.expression);
}
