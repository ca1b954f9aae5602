import { type Expression, type LoadFieldItem, type LoadQuery, printExpression } from '@qixflow/script';
import type { Cell } from '../data/loaded-model.js';
import { CellInterner } from './cell-interner.js';
import { groupRows, planGrouping } from './group-by.js';
import { beginLoad, endLoad } from './load-in-progress.js';
import { orderRecords } from './order-by.js';
import type { RawTable } from './read-data-file.js';
import type { ScriptState } from './script-state.js';
import { truthy } from './script-values.js';

interface OutputField {
  name: string;
  /** Index of the source field a `*` copies. */
  star?: number;
  expression: Expression | undefined;
}

const NO_RECORD: readonly Cell[] = [];

/**
 * Evaluates a LOAD's field list over its source records (ORDER BY, WHERE, WHILE, GROUP BY and
 * aggregations), pacing itself per record and checking the row and cell budgets as rows are
 * produced. Equal cells of a column are shared (see {@link CellInterner}): the rows stay alive
 * until the reload ends. `source.rows` may have holes (AUTOGENERATE): a hole is a record without
 * fields. DISTINCT is not applied here: it belongs to the destination table (see `runLoad`).
 */
export async function projectLoad(state: ScriptState, query: LoadQuery, source: RawTable): Promise<RawTable> {
  const { guard } = state;
  const outputs = outputFields(query.fields, source.fields);
  const grouping = planGrouping(query, outputs.map(projected), source.fields);
  const scope = state.recordScope(new Map(source.fields.map((f, i) => [f, i])));
  const records = query.orderBy.length > 0 ? await orderRecords(state, query, source.rows, scope) : source.rows;
  if (grouping)
    return { fields: outputs.map((o) => o.name), rows: await groupRows(state, query, grouping, records, scope) };
  const width = outputs.length;
  const grow = state.growth(width);
  const interners = outputs.map(() => new CellInterner());
  const rows: Cell[][] = [];
  const load = beginLoad(
    state,
    query,
    outputs.map((o) => o.name),
    rows,
    scope,
  );
  const count = records.length;
  const evaluate = state.evaluatorFor(scope);
  for (let r = 0; r < count; r++) {
    const record = records[r] ?? NO_RECORD;
    for (let iter = 1; ; iter++) {
      scope.at(record, r + 1, load.rowBase + rows.length + 1, iter);
      if (query.while) {
        guard.iterate();
        if (!truthy(evaluate(query.while))) break;
      }
      if (!query.where || truthy(evaluate(query.where))) {
        const row: Cell[] = new Array(width);
        for (let c = 0; c < width; c++) {
          const o = outputs[c] as OutputField;
          const cell = o.star !== undefined ? (record[o.star] ?? null) : evaluate(o.expression as Expression);
          row[c] = (interners[c] as CellInterner).intern(cell);
        }
        rows.push(row);
        load.accept(record);
        grow(rows.length);
      }
      if (guard.due()) await guard.pause();
      if (!query.while) break;
    }
  }
  endLoad(state, load);
  return { fields: outputs.map((o) => o.name), rows };
}

/** A field as an expression: a `*` field reads its source field. */
function projected(output: OutputField): { name: string; expression: Expression } {
  if (output.expression) return { name: output.name, expression: output.expression };
  return { name: output.name, expression: { kind: 'FieldRef', name: output.name, span: STAR_SPAN } };
}

const STAR_SPAN = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

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
