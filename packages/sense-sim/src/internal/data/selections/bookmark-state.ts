import type { DataEngine } from '../data-engine.js';
import type { Dual } from '../model/loaded-model.js';

/** A value as a bookmark stores it (the schema's FieldValue). */
interface BookmarkValue {
  qText: string;
  qIsNumeric: boolean;
  qNumber?: number;
}

/** One field's selection in a bookmark (BookmarkFieldItem). */
interface BookmarkFieldItem {
  qDef: { qName: string; qType: 'PRESENT' };
  qLocked: boolean;
  qSelectInfo: { qRangeLo: number; qRangeHi: number; qSoftLock: boolean; qSelectFieldSearch: boolean };
  qValues: BookmarkValue[];
  qExcludedValues: BookmarkValue[];
  qAndMode: boolean;
  qOneAndOnlyOne: boolean;
}

/** The selections of one state in a bookmark (AlternateStateData). */
export interface BookmarkStateData {
  qStateName: string;
  qFieldItems: BookmarkFieldItem[];
}

/** A variable in a bookmark (BookmarkVariableItem). */
export interface BookmarkVariableItem {
  qName: string;
  qValue: BookmarkValue;
  qDefinition: string;
}

/** What a bookmark holds (NxBookmark): the selections of every state, when it was made, its variables. */
export interface BookmarkData {
  qStateData: BookmarkStateData[];
  qUtcModifyTime: number;
  qVariableItems: BookmarkVariableItem[];
}

/** The schema's "no range" bound of SelectInfo. */
const NO_RANGE = -1e300;
/** Days from Qlik's day 0 (1899-12-30) to the Unix epoch. */
const EPOCH_DAYS = 25569;

/** A Dual as a bookmark value. */
function bookmarkValue(value: Dual): BookmarkValue {
  return Number.isNaN(value.num)
    ? { qText: value.text, qIsNumeric: false }
    : { qText: value.text, qIsNumeric: true, qNumber: value.num };
}

/** A timestamp (ms since the epoch) as Qlik's serial day number (`qUtcModifyTime`). */
export function qlikTimestamp(ms: number): number {
  return ms / 86_400_000 + EPOCH_DAYS;
}

/**
 * The selections of every state of `data` (`$` first, then the alternate states `stateNames`
 * lists), as a bookmark stores them: per selected field its values, in element order, and
 * whether it is locked. Without data every state has no field items.
 *
 * @example
 * captureSelections(engine, ['Compare']);
 * // → [{ qStateName: '$', qFieldItems: [{ qDef: { qName: 'REGION', qType: 'PRESENT' }, qValues: [{ qText: 'EU', … }], … }] },
 * //    { qStateName: 'Compare', qFieldItems: [] }]
 */
export function captureSelections(data: DataEngine | undefined, stateNames: readonly string[]): BookmarkStateData[] {
  return ['$', ...stateNames].map((qStateName) => {
    const state = data?.state(qStateName);
    const qFieldItems: BookmarkFieldItem[] = [];
    if (state && data) {
      for (const fieldIndex of state.selectedFields()) {
        const field = data.model.fields[fieldIndex];
        const elems = state.selected(fieldIndex);
        if (!field || !elems) continue;
        qFieldItems.push({
          qDef: { qName: field.name, qType: 'PRESENT' },
          qLocked: state.isLocked(fieldIndex),
          qSelectInfo: { qRangeLo: NO_RANGE, qRangeHi: NO_RANGE, qSoftLock: false, qSelectFieldSearch: false },
          qValues: [...elems].map((elem) => bookmarkValue(field.values[elem] ?? { text: '', num: Number.NaN })),
          qExcludedValues: [],
          qAndMode: false,
          qOneAndOnlyOne: false,
        });
      }
    }
    return { qStateName, qFieldItems };
  });
}

/**
 * Applies the selections of a bookmark to `data`: each state the bookmark has and the app has
 * gets exactly the bookmarked selections and locks (every other selection of that state is
 * cleared, locked ones too). Values are found by number when numeric, else by text; values and
 * fields the data no longer has are left out. States the bookmark does not mention keep theirs.
 *
 * @returns the names of the states whose selections changed.
 */
export function applySelections(data: DataEngine, stateData: readonly BookmarkStateData[]): string[] {
  const changed: string[] = [];
  for (const entry of stateData) {
    const name = entry.qStateName === '' ? '$' : entry.qStateName;
    const state = data.state(name);
    if (!state) continue;
    const selections = new Map<number, number[]>();
    const locked: number[] = [];
    for (const item of entry.qFieldItems ?? []) {
      const field = data.model.field(item.qDef?.qName ?? '');
      if (!field) continue;
      const elems = (item.qValues ?? []).map((value) => findValue(data, field.index, value)).filter((e) => e >= 0);
      if (elems.length === 0) continue;
      selections.set(field.index, elems);
      if (item.qLocked === true) locked.push(field.index);
    }
    if (state.replaceAll(selections, locked)) changed.push(name);
  }
  return changed;
}

/** The element number of a bookmarked value in a field, or -1. */
function findValue(data: DataEngine, fieldIndex: number, value: BookmarkValue): number {
  const field = data.model.fields[fieldIndex];
  if (!field) return -1;
  if (value.qIsNumeric && typeof value.qNumber === 'number') {
    const elem = field.findNumber(value.qNumber);
    if (elem >= 0) return elem;
  }
  return typeof value.qText === 'string' ? field.findText(value.qText) : -1;
}

/**
 * `qFieldInfos` of a bookmark's layout (LayoutFieldInfo): per bookmarked field of every state,
 * how many values it selects.
 */
function bookmarkFieldInfos(
  stateData: readonly BookmarkStateData[],
): { qFieldName: string; qValuesCount: number; qExcludedValuesCount: number }[] {
  return stateData.flatMap((entry) =>
    (entry.qFieldItems ?? []).map((item) => ({
      qFieldName: item.qDef?.qName ?? '',
      qValuesCount: item.qValues?.length ?? 0,
      qExcludedValuesCount: item.qExcludedValues?.length ?? 0,
    })),
  );
}

/**
 * What a stored bookmark holds, read defensively (a fixture may hold anything): a bookmark made
 * elsewhere, without `qBookmark`, holds an empty default state.
 */
export function bookmarkDataOf(held: unknown): BookmarkData {
  const record = (held ?? {}) as Partial<Record<keyof BookmarkData, unknown>>;
  const states = record.qStateData;
  if (Array.isArray(states) && states.every((s) => s !== null && typeof s === 'object')) {
    return {
      qStateData: states as BookmarkStateData[],
      qUtcModifyTime: typeof record.qUtcModifyTime === 'number' ? record.qUtcModifyTime : 0,
      qVariableItems: Array.isArray(record.qVariableItems) ? (record.qVariableItems as BookmarkVariableItem[]) : [],
    };
  }
  return { qStateData: [{ qStateName: '$', qFieldItems: [] }], qUtcModifyTime: 0, qVariableItems: [] };
}

/** What a bookmark's layout shows of what it holds: `qBookmark` (NxBookmark) and `qFieldInfos`. */
export function bookmarkLayoutParts(held: unknown): {
  bookmark(): Record<string, unknown>;
  fieldInfos(): Record<string, unknown>[];
} {
  const data = bookmarkDataOf(held);
  return {
    bookmark: () => structuredClone(data) as unknown as Record<string, unknown>,
    fieldInfos: () => bookmarkFieldInfos(data.qStateData),
  };
}
