import { toNumber } from '../expressions/value-ops.js';
import { STATE } from './field-value-states.js';
import { searchMatcher } from './search-match.js';
import type { SelectionState, SelectOptions } from './selection-state.js';

/** A value to select by content (`Field.SelectValues`): its text, or its number when numeric. */
export interface FieldValueInput {
  readonly qText?: string;
  readonly qIsNumeric?: boolean;
  readonly qNumber?: number;
}

/** Options of a search selection. */
export interface MatchOptions extends SelectOptions {
  readonly toggle?: boolean;
  /** Non-zero: also search the values other fields' selections exclude. */
  readonly excludedValuesMode?: number | undefined;
}

/** Evaluates a `=condition` search per value of a field (needs the chart evaluator). */
export type ConditionSearch = (expression: string, fieldIndex: number) => Uint8Array;

/**
 * `Field.SelectValues`: selects the values given by content — numeric ones by number, the others by
 * exact text (a text that reads as a number also finds that number). Unknown values are ignored.
 */
export function selectValues(
  state: SelectionState,
  fieldIndex: number,
  values: readonly FieldValueInput[],
  toggle: boolean,
  options: SelectOptions = {},
): boolean {
  const field = state.model.fields[fieldIndex];
  if (!field) return false;
  const elems: number[] = [];
  for (const value of values) {
    let elem = -1;
    if (value.qIsNumeric === true && typeof value.qNumber === 'number') elem = field.findNumber(value.qNumber);
    if (elem < 0 && typeof value.qText === 'string') {
      elem = field.findText(value.qText);
      if (elem < 0) {
        const num = toNumber({ text: value.qText, num: Number.NaN });
        if (!Number.isNaN(num)) elem = field.findNumber(num);
      }
    }
    if (elem >= 0) elems.push(elem);
  }
  return state.select(fieldIndex, elems, toggle, options);
}

/**
 * `Field.Select` / `Field.ToggleSelect`: selects the values matching a search string (see
 * `searchMatcher`), among the values not excluded by other fields unless `excludedValuesMode`.
 * A search with no hits changes nothing and returns false.
 */
export function selectMatch(
  state: SelectionState,
  fieldIndex: number,
  search: string,
  options: MatchOptions = {},
  conditionSearch?: ConditionSearch,
): boolean {
  const field = state.model.fields[fieldIndex];
  if (!field) return false;
  const states = state.fieldStates(fieldIndex);
  const candidate = (elem: number): boolean => {
    if (options.excludedValuesMode) return true;
    const s = states[elem];
    return s !== STATE.X && s !== STATE.XS && s !== STATE.XL;
  };
  const matcher = searchMatcher(search, state.model.settings);
  const elems: number[] = [];
  if (matcher.kind === 'expression') {
    if (!conditionSearch) return false;
    const flags = conditionSearch(matcher.expression, fieldIndex);
    flags.forEach((flag, elem) => {
      if (flag === 1 && candidate(elem)) elems.push(elem);
    });
  } else {
    field.values.forEach((value, elem) => {
      if (candidate(elem) && matcher.test(value)) elems.push(elem);
    });
  }
  if (elems.length === 0) return false;
  return state.select(fieldIndex, elems, options.toggle === true, options);
}

/** `Field.SelectAll`: every value of the field, excluded ones too (engine API description). */
export function selectAll(state: SelectionState, fieldIndex: number, options: SelectOptions = {}): boolean {
  const cardinal = state.model.fields[fieldIndex]?.cardinal ?? 0;
  return state.setSelection(
    fieldIndex,
    Array.from({ length: cardinal }, (_, i) => i),
    options,
  );
}

/** `Field.SelectPossible`: the values in state O (and the selected ones that are possible). */
export function selectPossible(state: SelectionState, fieldIndex: number, options: SelectOptions = {}): boolean {
  return state.setSelection(fieldIndex, state.elementsInStates(fieldIndex, [STATE.O, STATE.S, STATE.L]), options);
}

/** `Field.SelectExcluded`: inverts the selection — the alternative and excluded values. */
export function selectExcluded(state: SelectionState, fieldIndex: number, options: SelectOptions = {}): boolean {
  const elems = state.elementsInStates(fieldIndex, [STATE.A, STATE.X]);
  if (elems.length === 0) return false;
  return state.setSelection(fieldIndex, elems, options);
}

/** `Field.SelectAlternative`: the alternative values (neither selected nor excluded in a field with a selection). */
export function selectAlternative(state: SelectionState, fieldIndex: number, options: SelectOptions = {}): boolean {
  const elems = state.elementsInStates(fieldIndex, [STATE.A]);
  if (elems.length === 0) return false;
  return state.setSelection(fieldIndex, elems, options);
}
