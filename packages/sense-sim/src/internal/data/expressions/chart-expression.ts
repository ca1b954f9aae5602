import { type Cell, formatNumber } from '../model/loaded-model.js';
import { possibleValues, propagateSelections } from '../selections/propagate-selections.js';
import type { ChartContext } from './chart-context.js';
import { ChartEvaluator } from './chart-evaluator.js';
import { groupsOf, singleGroup } from './chart-groups.js';
import { expandExpression, parseCached } from './evaluate-expression.js';
import { ExpressionError } from './expression-error.js';
import type { Expression } from './script-bridge.js';
import type { SelectionFlags } from './set-analysis.js';
import { isTrue } from './value-ops.js';

// `$(=…)` inside an expression evaluates an expression, which may hold `$(=…)` again.
let expansionDepth = 0;

/**
 * Parses a chart expression as the engine reads one: an optional leading `=`, then `$(…)` expanded
 * with the document's variables (`$(=expr)` computed in the object's state), then parsed.
 */
export function parseChartExpression(text: string, ctx: ChartContext): Expression {
  const body = text.trim().replace(/^=/, '');
  if (body.trim() === '') throw new ExpressionError('empty expression');
  if (expansionDepth > 16) throw new ExpressionError('$(=…) expansions nest too deeply');
  expansionDepth++;
  try {
    const expanded = expandExpression(body, ctx.env, (inner) => {
      const value = evaluateChartScalar(inner, ctx);
      return value === null ? '' : Number.isNaN(value.num) ? value.text : formatNumber(value.num);
    });
    return parseCached(expanded);
  } finally {
    expansionDepth--;
  }
}

/** The value of a chart expression over all possible records: `Evaluate`, `qStringExpression`, totals. */
export function evaluateChartScalar(text: string, ctx: ChartContext): Cell {
  return evaluateChartExpression(parseChartExpression(text, ctx), ctx);
}

/** The value of a parsed chart expression over all possible records. */
function evaluateChartExpression(expression: Expression, ctx: ChartContext): Cell {
  return new ChartEvaluator(ctx, singleGroup()).evaluate(expression)[0] ?? null;
}

/**
 * Values of a field for which a condition holds, evaluated per value under `selections`: the
 * `"=Sum(Sales)>100"` search of set analysis and `Field.Select('=…')`.
 */
export function valuesWhere(
  expressionText: string,
  fieldIndex: number,
  selections: SelectionFlags,
  ctx: ChartContext,
): Uint8Array {
  const field = ctx.model.fields[fieldIndex];
  const flags = new Uint8Array(field?.cardinal ?? 0);
  if (!field) return flags;
  const masks = propagateSelections(ctx.model, selections);
  const possible = possibleValues(ctx.model, masks, fieldIndex);
  const elems: number[] = [];
  possible.forEach((flag, elem) => {
    if (flag === 1) elems.push(elem);
  });
  const groups = groupsOf([{ field, table: field.tables[0] ?? 0 }], [Int32Array.from(elems)], elems.length);
  const values = new ChartEvaluator(ctx, groups, masks).evaluate(parseChartExpression(expressionText, ctx));
  values.forEach((value, g) => {
    if (isTrue(value)) flags[(groups.elems[0] as Int32Array)[g] as number] = 1;
  });
  return flags;
}
