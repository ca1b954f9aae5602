import { type Expression, type LoadFieldItem, type LoadQuery, printExpression } from '@qixflow/script';
import type { BoundExpression } from '../data/expressions/compile-expression.js';
import { ColumnBuilder } from '../data/model/column-builder.js';
import type { Cell } from '../data/model/loaded-model.js';
import { ColumnTable } from './column-table.js';
import { groupRows, planGrouping } from './group-by.js';
import { beginLoad, endLoad } from './load-in-progress.js';
import { orderRecords } from './order-by.js';
import type { ScriptState } from './script-state.js';
import { truthy } from './script-values.js';

interface OutputField {
  name: string;
  /** Index of the source field a `*` copies. */
  star?: number;
  expression: Expression | undefined;
}

/**
 * Evaluates a LOAD's field list over its source records (ORDER BY, WHERE, WHILE, GROUP BY and
 * aggregations), pacing itself per record and checking the row and cell budgets as rows are
 * produced. Each output cell goes straight into its column's symbol table (see `ColumnTable`):
 * the rows stay alive until the reload ends, as typed arrays. A source without fields
 * (AUTOGENERATE) has records without fields. DISTINCT is not applied here: it belongs to the
 * destination table (see `runLoad`).
 */
export async function projectLoad(state: ScriptState, query: LoadQuery, source: ColumnTable): Promise<ColumnTable> {
  const { guard } = state;
  const outputs = outputFields(query.fields, source.fields);
  const grouping = planGrouping(query, outputs.map(projected), source.fields);
  const scope = state.recordScope(source);
  const order = query.orderBy.length > 0 ? await orderRecords(state, query, source, scope) : undefined;
  if (grouping) return groupRows(state, query, grouping, source, order, scope);
  const width = outputs.length;
  const grow = state.growth(width);
  const out = new ColumnTable(outputs.map((o) => o.name));
  const columns = out.columns as ColumnBuilder[];
  const load = beginLoad(state, query, out, scope);
  const count = source.rowCount;
  const bind = state.binderFor(scope);
  const plans = outputs.map((o) => planField(o, source, bind));
  const where = query.where ? bind(query.where) : undefined;
  const whileClause = query.while ? bind(query.while) : undefined;
  // A row's values: numbers (NaN for NULL) for numeric fields, cells for computed ones; copied
  // fields are read from their source column when pushed (the source row does not change meanwhile).
  const numbers = new Float64Array(width);
  const cells: Cell[] = new Array(width).fill(null);
  let produced = 0;
  for (let r = 0; r < count; r++) {
    const row = order ? (order[r] as number) : r;
    for (let iter = 1; ; iter++) {
      scope.at(row, r + 1, load.rowBase + produced + 1, iter);
      if (whileClause) {
        guard.iterate();
        if (!truthy(whileClause.cell())) break;
      }
      if (!where || truthy(where.cell())) {
        // All values first: Peek reads the rows made so far, not a half-made one.
        for (let c = 0; c < width; c++) {
          const plan = plans[c] as FieldPlan;
          if (plan.kind === 'number') numbers[c] = plan.number();
          else if (plan.kind === 'cell') cells[c] = plan.cell();
        }
        for (let c = 0; c < width; c++) {
          const plan = plans[c] as FieldPlan;
          const column = columns[c] as ColumnBuilder;
          if (plan.kind === 'copy') column.pushFrom(plan.from, row, plan.map);
          else if (plan.kind === 'number') column.pushNumber(numbers[c] as number);
          else column.push(cells[c] ?? null);
        }
        produced++;
        load.accept(row);
        grow(produced);
      }
      if (guard.due()) await guard.pause();
      if (!whileClause) break;
    }
  }
  endLoad(state, load);
  return out;
}

/**
 * How a LOAD computes one of its fields per record: a source field read as it is (`*`, or a field
 * named alone) is copied by symbol — one lookup per distinct value, not per row; a numeric
 * expression gives a number; any other a cell.
 */
type FieldPlan =
  | { readonly kind: 'copy'; readonly from: ColumnBuilder; readonly map: Int32Array }
  | { readonly kind: 'number'; readonly number: () => number }
  | { readonly kind: 'cell'; readonly cell: () => Cell };

function planField(
  output: OutputField,
  source: ColumnTable,
  bind: (expression: Expression) => BoundExpression,
): FieldPlan {
  const expression = output.expression;
  // A name the record has is its field (the scope finds the last field of that name, as here).
  const from = output.star ?? (expression?.kind === 'FieldRef' ? source.fields.lastIndexOf(expression.name) : -1);
  const column = source.columns[from];
  if (column) return { kind: 'copy', from: column, map: ColumnBuilder.symbolMap(column) };
  const bound = bind(expression as Expression);
  const number = bound.number;
  return number ? { kind: 'number', number } : { kind: 'cell', cell: () => bound.cell() };
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
