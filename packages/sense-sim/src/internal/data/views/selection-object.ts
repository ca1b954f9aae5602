import type { ModelField } from '../model/associative-model.js';
import { countStates, type StateCounts } from '../selections/field-value-states.js';
import type { SelectionState } from '../selections/selection-state.js';

/** NxCurrentSelectionItem: one field with a selection, as `qSelectionObject.qSelections` lists it. */
interface CurrentSelectionItem {
  qTotal: number;
  qIsNum?: boolean;
  qField: string;
  qLocked?: boolean;
  qSelectedCount: number;
  qSelected: string;
  qRangeInfo: never[];
  qSortIndex: number;
  qStateCounts: StateCounts;
  qSelectedFieldSelectionInfo: { qName: string; qFieldSelectionMode: 'NORMAL' }[];
  qNotSelectedFieldSelectionInfo: never[];
  qSelectionThreshold: number;
}

/** The `qSelectionObject` of a layout (SelectionObject). */
export interface SelectionObjectLayout {
  qBackCount: number;
  qForwardCount: number;
  qSelections: CurrentSelectionItem[];
  qStateName?: string;
}

// NxCurrentSelectionItem.qSelectionThreshold: "The default value is 6."
const SELECTION_THRESHOLD = 6;

/**
 * What `qSelectionObjectDef` computes for a state: Back/Forward counts and, per field with a
 * selection in the order the fields were selected, the selected values — listed (`"A, B, C"`) up to
 * the threshold of 6, else counted (`"7 of 26"`) — with state counts and the lock.
 *
 * @example
 * selectionObject(state).qSelections[0]; // { qField: 'Alpha', qSelectedCount: 3, qSelected: 'A, B, C', … }
 */
export function selectionObject(state: SelectionState, stateName?: string): SelectionObjectLayout {
  const qSelections: CurrentSelectionItem[] = [];
  state.selectedFields().forEach((fieldIndex, position) => {
    const field = state.model.fields[fieldIndex];
    const elems = state.selected(fieldIndex);
    if (!field || !elems) return;
    const item: Partial<CurrentSelectionItem> = { qTotal: field.cardinal };
    if (field.kind.allNumeric) item.qIsNum = true;
    item.qField = field.name;
    if (state.isLocked(fieldIndex)) item.qLocked = true;
    const texts = sortedTexts(field, elems);
    item.qSelectedCount = elems.length;
    item.qSelected = elems.length <= SELECTION_THRESHOLD ? texts.join(', ') : `${elems.length} of ${field.cardinal}`;
    item.qRangeInfo = [];
    item.qSortIndex = position;
    item.qStateCounts = countStates(state.fieldStates(fieldIndex));
    item.qSelectedFieldSelectionInfo =
      elems.length <= SELECTION_THRESHOLD
        ? texts.map((text) => ({ qName: text, qFieldSelectionMode: 'NORMAL' as const }))
        : [];
    item.qNotSelectedFieldSelectionInfo = [];
    item.qSelectionThreshold = SELECTION_THRESHOLD;
    qSelections.push(item as CurrentSelectionItem);
  });
  const out: SelectionObjectLayout = { qBackCount: state.backCount, qForwardCount: state.forwardCount, qSelections };
  if (stateName !== undefined && stateName !== '') out.qStateName = stateName;
  return out;
}

/** Selected values' texts in the field's natural order: numbers by value, then texts alphabetically. */
function sortedTexts(field: ModelField, elems: Int32Array): string[] {
  const ranks = field.textRank();
  return Array.from(elems)
    .sort((a, b) => {
      const x = field.nums[a] as number;
      const y = field.nums[b] as number;
      if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
      if (!Number.isNaN(x)) return -1;
      if (!Number.isNaN(y)) return 1;
      return (ranks[a] as number) - (ranks[b] as number);
    })
    .map((elem) => field.values[elem]?.text ?? '');
}
