import type { ElementSet, Expression, SetExpression, SetOperand } from './ast.js';
import { AGGREGATION_FUNCTIONS, RESERVED_NAMES } from './internal/keywords.js';
import { Scanner } from './internal/scanner.js';
import { parseExpression } from './parse-expression.js';

/** What an expression references, each list de-duplicated in order of first appearance. */
export interface ExpressionReferences {
  /** Fields used as values: plain field references, TOTAL <…> dimensions, and fields inside `$(=…)`. */
  readonly fields: readonly string[];
  /**
   * Fields named in set analysis: modifier fields (`Year` in `{<Year={2024}>}`), fields used as
   * element sets or in P()/E(), and fields of `"=…"` search expressions. Set identifiers (`$`, `1`,
   * bookmark ids, alternate states) are not fields and are not reported.
   */
  readonly setFields: readonly string[];
  /** Every function called, as written (first spelling wins; compared case-insensitively). */
  readonly functions: readonly string[];
  /** The aggregation functions among `functions` (Sum, Count, Avg, Min, Max, Only, Aggr, …). */
  readonly aggregations: readonly string[];
  /** Variables referenced through `$(name)` / `$(name(args))`. */
  readonly variables: readonly string[];
  /** Mapping tables named by ApplyMap('map', …) / MapSubString('map', …) with a literal first argument. */
  readonly mappings: readonly string[];
}

class Collector {
  private readonly lists = {
    fields: new Map<string, string>(),
    setFields: new Map<string, string>(),
    functions: new Map<string, string>(),
    aggregations: new Map<string, string>(),
    variables: new Map<string, string>(),
    mappings: new Map<string, string>(),
  };

  add(list: keyof Collector['lists'], value: string, key = value): void {
    const m = this.lists[list];
    if (!m.has(key)) m.set(key, value);
  }

  result(): ExpressionReferences {
    const l = this.lists;
    return {
      fields: [...l.fields.values()],
      setFields: [...l.setFields.values()],
      functions: [...l.functions.values()],
      aggregations: [...l.aggregations.values()],
      variables: [...l.variables.values()],
      mappings: [...l.mappings.values()],
    };
  }

  expression(e: Expression, inSet: boolean, depth: number): void {
    switch (e.kind) {
      case 'FieldRef':
        // `Count(*)` reads no field.
        if (e.name !== '*') this.add(inSet ? 'setFields' : 'fields', e.name);
        return;
      case 'DollarExpansion':
        if ((e.form === 'variable' || e.form === 'call') && e.name) this.add('variables', e.name);
        if (e.form === 'expression' && depth < 8) this.nested(e.args[0] ?? '', inSet, depth + 1);
        return;
      case 'UnaryExpression':
        this.expression(e.operand, inSet, depth);
        return;
      case 'BinaryExpression':
        this.expression(e.left, inSet, depth);
        this.expression(e.right, inSet, depth);
        return;
      case 'FunctionCall': {
        const upper = e.name.toUpperCase();
        this.add('functions', e.name, upper);
        if (AGGREGATION_FUNCTIONS.has(upper)) this.add('aggregations', e.name, upper);
        if ((upper === 'APPLYMAP' || upper === 'MAPSUBSTRING') && e.args[0]?.kind === 'StringLiteral') {
          this.add('mappings', e.args[0].value);
        }
        if (e.set) this.set(e.set, depth);
        if (e.total) for (const f of e.total.fields) this.add(inSet ? 'setFields' : 'fields', f);
        for (const a of e.args) this.expression(a, inSet, depth);
        return;
      }
      case 'InvalidExpression':
        this.fallback(e.text, inSet);
        return;
      default:
        return;
    }
  }

  /** Parses expression text found inside `$(=…)` or a `"=…"` search and collects from it. */
  private nested(text: string, inSet: boolean, depth: number): void {
    const { ast } = parseExpression(text);
    this.expression(ast, inSet, depth);
  }

  set(s: SetExpression, depth: number): void {
    this.operand(s.operand, depth);
  }

  private operand(o: SetOperand, depth: number): void {
    if (o.kind === 'SetOperation') {
      this.operand(o.left, depth);
      this.operand(o.right, depth);
      return;
    }
    for (const item of o.modifier?.items ?? []) {
      if (item.kind === 'DollarExpansion') {
        this.expression(item, true, depth);
        continue;
      }
      this.add('setFields', item.field);
      if (item.value) this.elementSet(item.value, depth);
    }
  }

  private elementSet(v: ElementSet, depth: number): void {
    switch (v.kind) {
      case 'FieldRef':
        this.add('setFields', v.name);
        return;
      case 'DollarExpansion':
        this.expression(v, true, depth);
        return;
      case 'ElementFunction':
        if (v.set) this.set(v.set, depth);
        if (v.field !== null) this.add('setFields', v.field);
        return;
      case 'ElementSetOperation':
        this.elementSet(v.left, depth);
        this.elementSet(v.right, depth);
        return;
      case 'ElementList':
        for (const el of v.elements) {
          if (el.type === 'search' && el.value.trimStart().startsWith('=') && depth < 8) {
            this.nested(el.value.trimStart().slice(1), true, depth + 1);
          }
          if (el.type === 'expansion' || el.value.includes('$(')) {
            const { ast } = parseExpression(el.type === 'expansion' ? el.value : '');
            if (ast.kind === 'DollarExpansion') this.expression(ast, true, depth);
          }
        }
        return;
    }
  }

  /** For text that does not parse: names not followed by `(` are fields, those followed by `(` functions. */
  private fallback(text: string, inSet: boolean): void {
    const scanner = new Scanner(text, () => {});
    let prev = scanner.scan();
    while (prev.kind !== 'eof') {
      const next = scanner.scan();
      if (prev.kind === 'identifier' && !RESERVED_NAMES.has(prev.upper)) {
        if (next.kind === 'operator' && next.text === '(') {
          this.add('functions', prev.value, prev.upper);
          if (AGGREGATION_FUNCTIONS.has(prev.upper)) this.add('aggregations', prev.value, prev.upper);
        } else this.add(inSet ? 'setFields' : 'fields', prev.value);
      } else if (prev.kind === 'bracketed' || prev.kind === 'quoted' || prev.kind === 'backtick') {
        this.add(inSet ? 'setFields' : 'fields', prev.value);
      }
      prev = next;
    }
  }
}

/**
 * Lists the fields, set-analysis fields, functions, aggregations, variables and mapping tables an
 * expression references. Accepts an expression AST or its text (parsed with {@link parseExpression};
 * text that does not parse is scanned for names instead).
 *
 * @example
 * ```ts
 * fieldsOf("Sum({<Year={2024}>} Sales * $(vRate)) / Count(DISTINCT TOTAL <Region> Customer)");
 * // { fields: ['Sales', 'Region', 'Customer'], setFields: ['Year'], functions: ['Sum', 'Count'],
 * //   aggregations: ['Sum', 'Count'], variables: ['vRate'], mappings: [] }
 * ```
 */
export function fieldsOf(expression: Expression | string): ExpressionReferences {
  const ast = typeof expression === 'string' ? parseExpression(expression).ast : expression;
  const c = new Collector();
  c.expression(ast, false, 0);
  return c.result();
}
