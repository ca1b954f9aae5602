import type { AssociativeModel } from '../model/associative-model.js';
import { computeFieldStates, countStates, STATE, type StateCounts } from './field-value-states.js';
import { propagateSelections, type RowMasks } from './propagate-selections.js';

/** Selections and locks at one point in time (what Back/Forward restore). */
interface Snapshot {
  /** Field index → selected element numbers, ascending; insertion order is the order of selection. */
  readonly selections: ReadonlyMap<number, Int32Array>;
  readonly locked: ReadonlySet<number>;
}

/**
 * The selections of a state at one moment ({@link SelectionState.mark}): what a calculation that
 * started then computes against ({@link SelectionState.computeAt}).
 */
export interface SelectionMark {
  readonly snapshot: Snapshot;
  readonly version: number;
}

/** Options every selecting call takes. */
export interface SelectOptions {
  /** Select even in a locked field. */
  readonly softLock?: boolean | undefined;
}

// Qlik keeps a bounded Back history too.
const MAX_HISTORY = 100;

/**
 * The selections of one selection state (`$` or an alternate state): per field a set of selected
 * element numbers, the locked fields, and the Back/Forward history. Everything derived — possible
 * rows, the state of every value — is computed on demand and cached until the next change.
 * Every mutating method returns whether the selections changed.
 */
export class SelectionState {
  readonly name: string;
  readonly model: AssociativeModel;
  /** Increments on every change: a cheap "did anything move" check for caches and change lists. */
  version = 0;
  private selections = new Map<number, Int32Array>();
  private locked = new Set<number>();
  private readonly back: Snapshot[] = [];
  private readonly forward: Snapshot[] = [];
  private cachedVersion = -1;
  private cachedMasks: RowMasks | undefined;
  private cachedStates = new Map<number, Uint8Array>();
  private cachedFlags = new Map<number, Uint8Array>();

  constructor(model: AssociativeModel, name = '$') {
    this.model = model;
    this.name = name;
  }

  // ── Queries ──────────────────────────────────────────────────────────────────────────────────

  /** The selected element numbers of a field (ascending), or undefined when it has no selection. */
  selected(fieldIndex: number): Int32Array | undefined {
    return this.selections.get(fieldIndex);
  }

  /** Field indexes with a selection, in the order they were first selected. */
  selectedFields(): number[] {
    return [...this.selections.keys()];
  }

  /** The whole selection (field index → element numbers), for set analysis and bookmarks. */
  selectionMap(): ReadonlyMap<number, Int32Array> {
    return this.selections;
  }

  isLocked(fieldIndex: number): boolean {
    return this.locked.has(fieldIndex);
  }

  get backCount(): number {
    return this.back.length;
  }

  get forwardCount(): number {
    return this.forward.length;
  }

  /** The selected flags of a field (1 per selected element number). */
  selectedFlags(fieldIndex: number): Uint8Array | undefined {
    this.refresh();
    const elems = this.selections.get(fieldIndex);
    if (!elems) return undefined;
    let flags = this.cachedFlags.get(fieldIndex);
    if (!flags) {
      flags = elementFlags(elems, this.model.fields[fieldIndex]?.cardinal ?? 0);
      this.cachedFlags.set(fieldIndex, flags);
    }
    return flags;
  }

  /** Possible rows of every table under the current selections. */
  rowMasks(): RowMasks {
    this.refresh();
    if (!this.cachedMasks) this.cachedMasks = propagateSelections(this.model, this.flagMap());
    return this.cachedMasks;
  }

  /** The state code ({@link STATE}) of every value of a field. */
  fieldStates(fieldIndex: number): Uint8Array {
    this.refresh();
    let states = this.cachedStates.get(fieldIndex);
    if (!states) {
      states = computeFieldStates({
        model: this.model,
        fieldIndex,
        selected: this.selectedFlags(fieldIndex),
        locked: this.locked.has(fieldIndex),
        masks: this.rowMasks(),
        masksWithoutField: () => propagateSelections(this.model, this.flagMap(fieldIndex)),
      });
      this.cachedStates.set(fieldIndex, states);
    }
    return states;
  }

  /** How many values of a field are in each state. */
  stateCounts(fieldIndex: number): StateCounts {
    return countStates(this.fieldStates(fieldIndex));
  }

  /** Element numbers of a field whose state is one of `codes`. */
  elementsInStates(fieldIndex: number, codes: readonly number[]): number[] {
    const states = this.fieldStates(fieldIndex);
    const out: number[] = [];
    for (let i = 0; i < states.length; i++) if (codes.includes(states[i] as number)) out.push(i);
    return out;
  }

  /** Selected flags for every selected field, optionally leaving one out. */
  flagMap(except?: number): Map<number, Uint8Array> {
    const map = new Map<number, Uint8Array>();
    for (const fieldIndex of this.selections.keys()) {
      if (fieldIndex === except) continue;
      const flags = this.selectedFlags(fieldIndex);
      if (flags) map.set(fieldIndex, flags);
    }
    return map;
  }

  // ── Computing at an earlier moment ───────────────────────────────────────────────────────────

  /** The selections of this moment, to compute against later ({@link computeAt}). Cheap: selections are never mutated in place. */
  mark(): SelectionMark {
    return { snapshot: this.snapshot(), version: this.version };
  }

  /**
   * Runs `compute` with the selections of `mark` in place of the current ones — a calculation
   * that started at that moment — then puts the current selections and their caches back. The
   * caches built meanwhile belong to the marked selections and are dropped. `compute` must be
   * synchronous.
   */
  computeAt<T>(mark: SelectionMark, compute: () => T): T {
    if (mark.version === this.version) return compute();
    const { selections, locked, version, cachedVersion, cachedMasks, cachedStates, cachedFlags } = this;
    this.selections = mark.snapshot.selections as Map<number, Int32Array>;
    this.locked = mark.snapshot.locked as Set<number>;
    this.version = mark.version;
    this.cachedVersion = -1;
    this.cachedStates = new Map();
    this.cachedFlags = new Map();
    try {
      return compute();
    } finally {
      this.selections = selections;
      this.locked = locked;
      this.version = version;
      this.cachedVersion = cachedVersion;
      this.cachedMasks = cachedMasks;
      this.cachedStates = cachedStates;
      this.cachedFlags = cachedFlags;
    }
  }

  // ── Mutations ────────────────────────────────────────────────────────────────────────────────

  /**
   * Replaces the selection of a field by `elems` (an empty list clears it). Fails in a locked field
   * unless `softLock`. When none of the new values is possible under the other fields' selections,
   * those selections are cleared (locked ones excepted), as Qlik does when an excluded value is picked.
   */
  setSelection(fieldIndex: number, elems: Iterable<number>, options: SelectOptions = {}): boolean {
    const field = this.model.fields[fieldIndex];
    if (!field) return false;
    if (this.locked.has(fieldIndex) && options.softLock !== true) return false;
    const sorted = normalize(elems, field.cardinal);
    const next = new Map(this.selections);
    if (sorted.length === 0) next.delete(fieldIndex);
    else next.set(fieldIndex, sorted);
    if (sorted.length > 0 && this.excludedByOthers(fieldIndex, sorted)) {
      for (const other of [...next.keys()]) if (other !== fieldIndex && !this.locked.has(other)) next.delete(other);
    }
    return this.commit(next, this.locked);
  }

  /** Selects `elems`, or with `toggle` flips each of them in the current selection. */
  select(fieldIndex: number, elems: readonly number[], toggle: boolean, options: SelectOptions = {}): boolean {
    if (!toggle) return this.setSelection(fieldIndex, elems, options);
    const current = new Set(this.selections.get(fieldIndex) ?? []);
    for (const elem of elems) {
      if (current.has(elem)) current.delete(elem);
      else current.add(elem);
    }
    return this.setSelection(fieldIndex, current, options);
  }

  /** Clears the selection of one field (not when it is locked). */
  clearField(fieldIndex: number): boolean {
    if (!this.selections.has(fieldIndex) || this.locked.has(fieldIndex)) return false;
    const next = new Map(this.selections);
    next.delete(fieldIndex);
    return this.commit(next, this.locked);
  }

  /** Clears every selection; locked fields keep theirs unless `lockedAlso` (which also unlocks them). */
  clearAll(lockedAlso = false): boolean {
    const next = new Map<number, Int32Array>();
    if (!lockedAlso)
      for (const [fieldIndex, elems] of this.selections) if (this.locked.has(fieldIndex)) next.set(fieldIndex, elems);
    return this.commit(next, lockedAlso ? new Set() : this.locked);
  }

  /** Clears every other field's selection (locked ones stay unless `softLock`). */
  clearAllButThis(fieldIndex: number, options: SelectOptions = {}): boolean {
    const next = new Map<number, Int32Array>();
    for (const [other, elems] of this.selections) {
      if (other === fieldIndex || (this.locked.has(other) && options.softLock !== true)) next.set(other, elems);
    }
    return this.commit(next, this.locked);
  }

  /** Locks a field's current selection; false when it has none or is locked already. */
  lock(fieldIndex: number): boolean {
    if (!this.selections.has(fieldIndex) || this.locked.has(fieldIndex)) return false;
    return this.commit(this.selections, new Set([...this.locked, fieldIndex]));
  }

  unlock(fieldIndex: number): boolean {
    if (!this.locked.has(fieldIndex)) return false;
    const next = new Set(this.locked);
    next.delete(fieldIndex);
    return this.commit(this.selections, next);
  }

  /** Locks every field that has a selection. */
  lockAll(): boolean {
    return this.commit(this.selections, new Set([...this.locked, ...this.selections.keys()]));
  }

  unlockAll(): boolean {
    return this.commit(this.selections, new Set());
  }

  /**
   * Replaces the whole selection and the locks at once (a bookmark being applied): no field's
   * selection clears another's, as {@link setSelection} would for values excluded by the others.
   */
  replaceAll(selections: ReadonlyMap<number, Iterable<number>>, locked: Iterable<number> = []): boolean {
    const next = new Map<number, Int32Array>();
    for (const [fieldIndex, elems] of selections) {
      const field = this.model.fields[fieldIndex];
      const sorted = field ? normalize(elems, field.cardinal) : undefined;
      if (sorted && sorted.length > 0) next.set(fieldIndex, sorted);
    }
    return this.commit(next, new Set(locked));
  }

  /** Steps back to the previous selections. */
  stepBack(): boolean {
    const previous = this.back.pop();
    if (!previous) return false;
    this.forward.push(this.snapshot());
    this.restore(previous);
    return true;
  }

  /** Steps forward again after {@link stepBack}. */
  stepForward(): boolean {
    const next = this.forward.pop();
    if (!next) return false;
    this.back.push(this.snapshot());
    this.restore(next);
    return true;
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────

  private excludedByOthers(fieldIndex: number, elems: Int32Array): boolean {
    if (this.selections.size === 0 || (this.selections.size === 1 && this.selections.has(fieldIndex))) return false;
    const states = this.fieldStates(fieldIndex);
    for (const elem of elems) {
      const state = states[elem];
      if (state !== STATE.X && state !== STATE.XS && state !== STATE.XL) return false;
    }
    return true;
  }

  private snapshot(): Snapshot {
    return { selections: this.selections, locked: this.locked };
  }

  private restore(snapshot: Snapshot): void {
    this.selections = new Map(snapshot.selections);
    this.locked = new Set(snapshot.locked);
    this.version++;
  }

  private commit(selections: ReadonlyMap<number, Int32Array>, locked: ReadonlySet<number>): boolean {
    if (sameSelections(selections, this.selections) && sameSet(locked, this.locked)) return false;
    this.back.push(this.snapshot());
    if (this.back.length > MAX_HISTORY) this.back.shift();
    this.forward.length = 0;
    this.selections = new Map(selections);
    // A field that lost its selection cannot stay locked.
    this.locked = new Set([...locked].filter((fieldIndex) => this.selections.has(fieldIndex)));
    this.version++;
    return true;
  }

  private refresh(): void {
    if (this.cachedVersion === this.version) return;
    this.cachedVersion = this.version;
    this.cachedMasks = undefined;
    this.cachedStates.clear();
    this.cachedFlags.clear();
  }
}

/** Flags (1 = selected) for element numbers. */
function elementFlags(elems: Iterable<number>, cardinal: number): Uint8Array {
  const flags = new Uint8Array(cardinal);
  for (const elem of elems) if (elem >= 0 && elem < cardinal) flags[elem] = 1;
  return flags;
}

function normalize(elems: Iterable<number>, cardinal: number): Int32Array {
  const unique = [...new Set(elems)].filter((elem) => Number.isInteger(elem) && elem >= 0 && elem < cardinal);
  return Int32Array.from(unique.sort((a, b) => a - b));
}

function sameSelections(a: ReadonlyMap<number, Int32Array>, b: ReadonlyMap<number, Int32Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [fieldIndex, elems] of a) {
    const other = b.get(fieldIndex);
    if (!other || other.length !== elems.length) return false;
    for (let i = 0; i < elems.length; i++) if (elems[i] !== other[i]) return false;
  }
  return true;
}

function sameSet(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}
