import type { AssociativeModel, ModelField } from '../model/associative-model.js';
import { possibleValues, propagateSelections, type RowMasks } from '../selections/propagate-selections.js';
import { searchMatcher } from '../selections/search-match.js';
import type { SelectionState } from '../selections/selection-state.js';
import { ExpressionError } from './expression-error.js';
import {
  compileWildcard,
  type ElementSet,
  type SetElement,
  type SetExpression,
  type SetFieldModifier,
  type SetOperand,
} from './script-bridge.js';
import { toNumber } from './value-ops.js';

/** Selections as set analysis manipulates them: field index → selected flags per element number. */
export type SelectionFlags = Map<number, Uint8Array>;

/** What set expressions are evaluated against. */
export interface SetContext {
  readonly model: AssociativeModel;
  /** The state `$` (and an identifier-less `{<…>}`) refers to: the object's state. */
  readonly base: SelectionState;
  /** An alternate state by name. */
  stateNamed(name: string): SelectionState | undefined;
  /**
   * Values of a field for which a `"=condition"` search holds, evaluated per value under the given
   * selections. Left out: such searches are an error.
   */
  searchByCondition?(expression: string, fieldIndex: number, selections: SelectionFlags): Uint8Array;
}

/**
 * The possible rows of every table for a set expression: identifiers (`$`, `1`, an alternate
 * state) give selections, modifiers `<Field={…}, F2-={…}, F3=P(F4)>` change them, and `+ - * /`
 * combine the resulting record sets. Bookmark identifiers and `$1`-style history are not supported.
 *
 * @example
 * evaluateSet(parsed.set, ctx); // row masks for Sum({<Year={2024}>} Sales)
 */
export function evaluateSet(set: SetExpression, ctx: SetContext): RowMasks {
  return evaluateOperand(set.operand, ctx);
}

function evaluateOperand(operand: SetOperand, ctx: SetContext): RowMasks {
  if (operand.kind === 'SetOperation') {
    const left = evaluateOperand(operand.left, ctx);
    const right = evaluateOperand(operand.right, ctx);
    return combineMasks(ctx.model, left, right, operand.operator);
  }
  const selections = identifierSelections(operand.identifier, ctx);
  if (operand.modifier) {
    for (const item of operand.modifier.items) {
      if (item.kind === 'DollarExpansion') throw new ExpressionError(`unexpanded $(${item.text}) in a set modifier`);
      applyModifier(item, selections, ctx);
    }
  }
  return propagateSelections(ctx.model, selections);
}

/** Selections (as flags) of a set identifier. */
function identifierSelections(identifier: string | null, ctx: SetContext): SelectionFlags {
  if (identifier === null || identifier === '$') return stateFlags(ctx.base);
  if (identifier === '1') return new Map();
  if (/^\$_?\d+$/.test(identifier)) {
    throw new ExpressionError(`set identifier ${identifier} (selection history) is not supported`);
  }
  const state = ctx.stateNamed(identifier);
  if (state) return stateFlags(state);
  throw new ExpressionError(
    `set identifier ${identifier} is not supported (no such alternate state; bookmarks are not supported in set analysis)`,
  );
}

function stateFlags(state: SelectionState): SelectionFlags {
  return new Map(state.flagMap());
}

function applyModifier(modifier: SetFieldModifier, selections: SelectionFlags, ctx: SetContext): void {
  const field = ctx.model.field(modifier.field);
  // The engine ignores modifiers on unknown fields (CheckExpression reports them).
  if (!field) return;
  if (modifier.value === null) {
    selections.delete(field.index);
    return;
  }
  const value = elementSet(modifier.value, field, selections, ctx);
  const current = selections.get(field.index) ?? new Uint8Array(field.cardinal).fill(1);
  let next: Uint8Array;
  switch (modifier.operator) {
    case '=':
      next = value;
      break;
    case '+=':
      next = combineFlags(current, value, '+');
      break;
    case '-=':
      next = combineFlags(current, value, '-');
      break;
    case '*=':
      next = combineFlags(current, value, '*');
      break;
    case '/=':
      next = combineFlags(current, value, '/');
      break;
  }
  selections.set(field.index, next);
}

/** The values of `field` an element set stands for. */
function elementSet(set: ElementSet, field: ModelField, selections: SelectionFlags, ctx: SetContext): Uint8Array {
  switch (set.kind) {
    case 'ElementList': {
      const flags = new Uint8Array(field.cardinal);
      for (const element of set.elements) {
        const matched = matchElement(element, field, selections, ctx);
        for (let i = 0; i < flags.length; i++) if (matched[i] === 1) flags[i] = 1;
      }
      return flags;
    }
    case 'ElementSetOperation':
      return combineFlags(
        elementSet(set.left, field, selections, ctx),
        elementSet(set.right, field, selections, ctx),
        set.operator,
      );
    case 'ElementFunction': {
      const source = set.field === null ? field : ctx.model.field(set.field);
      if (!source) return new Uint8Array(field.cardinal);
      const masks = set.set ? evaluateSet(set.set, ctx) : propagateSelections(ctx.model, selections);
      const possible = possibleValues(ctx.model, masks, source.index);
      const chosen = set.name === 'P' ? possible : possible.map((flag) => 1 - flag);
      return mapValues(chosen, source, field);
    }
    case 'FieldRef': {
      const source = ctx.model.field(set.name);
      if (!source) return new Uint8Array(field.cardinal);
      const selected = selections.get(source.index) ?? new Uint8Array(source.cardinal).fill(1);
      return mapValues(selected, source, field);
    }
    case 'DollarExpansion':
      throw new ExpressionError(`unexpanded $(${set.text}) in a set modifier`);
  }
}

/** The values one element of a list matches. */
function matchElement(element: SetElement, field: ModelField, selections: SelectionFlags, ctx: SetContext): Uint8Array {
  const flags = new Uint8Array(field.cardinal);
  switch (element.type) {
    case 'number': {
      const elem = field.findNumber(Number(element.value));
      if (elem >= 0) flags[elem] = 1;
      return flags;
    }
    case 'literal':
    case 'bare': {
      if (element.value === '*' && element.type === 'bare') return flags.fill(1);
      // Single-quoted values match exactly (case-sensitive); wildcards still apply.
      if (element.value.includes('*') || element.value.includes('?')) {
        const matches = compileWildcard(element.value, { caseSensitive: true });
        field.values.forEach((value, i) => {
          if (matches(value.text)) flags[i] = 1;
        });
        return flags;
      }
      let elem = field.findText(element.value);
      if (elem < 0) {
        const num = toNumber({ text: element.value, num: Number.NaN });
        if (!Number.isNaN(num)) elem = field.findNumber(num);
      }
      if (elem >= 0) flags[elem] = 1;
      return flags;
    }
    case 'search': {
      const matcher = searchMatcher(element.value, ctx.model.settings);
      if (matcher.kind === 'expression') {
        if (!ctx.searchByCondition) throw new ExpressionError('search by expression is not supported here');
        return ctx.searchByCondition(matcher.expression, field.index, selections);
      }
      field.values.forEach((value, i) => {
        if (matcher.test(value)) flags[i] = 1;
      });
      return flags;
    }
    case 'expansion':
      throw new ExpressionError(`unexpanded ${element.value} in a set modifier`);
  }
}

/** Flags of `source`'s values carried over to `target` by value (number, else text). */
function mapValues(flags: Uint8Array, source: ModelField, target: ModelField): Uint8Array {
  if (source === target) return flags;
  const out = new Uint8Array(target.cardinal);
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] !== 1) continue;
    const value = source.values[i];
    if (!value) continue;
    const elem = target.find(value);
    if (elem >= 0) out[elem] = 1;
  }
  return out;
}

function combineFlags(a: Uint8Array, b: Uint8Array, operator: '+' | '-' | '*' | '/'): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] === 1;
    const y = b[i] === 1;
    const keep = operator === '+' ? x || y : operator === '-' ? x && !y : operator === '*' ? x && y : x !== y;
    out[i] = keep ? 1 : 0;
  }
  return out;
}

/** Record sets combined table by table. */
function combineMasks(model: AssociativeModel, a: RowMasks, b: RowMasks, operator: '+' | '-' | '*' | '/'): RowMasks {
  return model.tables.map((table, t) => {
    const x = a[t] ?? new Uint8Array(table.rowCount).fill(1);
    const y = b[t] ?? new Uint8Array(table.rowCount).fill(1);
    return combineFlags(x, y, operator);
  });
}
