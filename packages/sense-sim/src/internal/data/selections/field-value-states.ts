import type { AssociativeModel } from '../model/associative-model.js';
import { possibleValues, type RowMasks } from './propagate-selections.js';

/** The logical state of a field value, as one of the engine's letters. */
export type ValueState = 'L' | 'S' | 'O' | 'D' | 'A' | 'X' | 'XS' | 'XL';

/** Compact state codes, one per element number in a Uint8Array. */
export const STATE = { O: 0, S: 1, L: 2, D: 3, A: 4, X: 5, XS: 6, XL: 7 } as const;

/** The letter of each state code. */
export const STATE_LETTERS: readonly ValueState[] = ['O', 'S', 'L', 'D', 'A', 'X', 'XS', 'XL'];

/** How many values are in each state (NxStateCounts). */
export interface StateCounts {
  qLocked: number;
  qSelected: number;
  qOption: number;
  qDeselected: number;
  qAlternative: number;
  qExcluded: number;
  qSelectedExcluded: number;
  qLockedExcluded: number;
}

/** What the states of one field depend on. */
export interface FieldStateInput {
  readonly model: AssociativeModel;
  readonly fieldIndex: number;
  /** The field's selected element numbers as flags, or undefined without a selection. */
  readonly selected: Uint8Array | undefined;
  readonly locked: boolean;
  /** Possible rows under all selections of the state. */
  readonly masks: RowMasks;
  /** Possible rows under all selections except this field's (only read when it has a selection). */
  readonly masksWithoutField: () => RowMasks;
}

/**
 * The state of every value of a field:
 * - no selection in the field: O (possible) or X (excluded by other fields' selections);
 * - selected values: S, or L when the field is locked; XS / XL when other selections exclude them;
 * - other values of a field with a selection: A (alternative) when they would be possible if this
 *   field's own selection were removed, else X.
 *
 * D (deselected) belongs to AND-mode NOT selections, which the simulator does not support.
 */
export function computeFieldStates(input: FieldStateInput): Uint8Array {
  const { model, fieldIndex, selected } = input;
  const possible = possibleValues(model, input.masks, fieldIndex);
  const states = new Uint8Array(possible.length);
  if (!selected) {
    for (let i = 0; i < possible.length; i++) states[i] = possible[i] === 1 ? STATE.O : STATE.X;
    return states;
  }
  const alternative = possibleValues(model, input.masksWithoutField(), fieldIndex);
  const selectedState = input.locked ? STATE.L : STATE.S;
  const excludedSelectedState = input.locked ? STATE.XL : STATE.XS;
  for (let i = 0; i < possible.length; i++) {
    if (selected[i] === 1) states[i] = possible[i] === 1 ? selectedState : excludedSelectedState;
    else states[i] = alternative[i] === 1 ? STATE.A : STATE.X;
  }
  return states;
}

/** Counts the states of a field's values. */
export function countStates(states: Uint8Array): StateCounts {
  const counts = new Uint32Array(8);
  for (let i = 0; i < states.length; i++) {
    const state = states[i] as number;
    counts[state] = (counts[state] as number) + 1;
  }
  return {
    qLocked: counts[STATE.L] ?? 0,
    qSelected: counts[STATE.S] ?? 0,
    qOption: counts[STATE.O] ?? 0,
    qDeselected: counts[STATE.D] ?? 0,
    qAlternative: counts[STATE.A] ?? 0,
    qExcluded: counts[STATE.X] ?? 0,
    qSelectedExcluded: counts[STATE.XS] ?? 0,
    qLockedExcluded: counts[STATE.XL] ?? 0,
  };
}
