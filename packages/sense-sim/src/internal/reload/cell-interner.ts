import { type Cell, type Dual, sameNumberText } from '../data/loaded-model.js';

/**
 * Most distinct values one column's interner keeps. Past it the column counts as high-cardinality
 * (an id, a timestamp): its cells are kept as they come and the interner lets go of its maps.
 */
const MAX_INTERNED = 1 << 16;

/**
 * Shares equal cells of one column of a LOAD: every repeat of a value (same text, same number)
 * becomes the first cell seen with it. A reload holds every row until it ends, and a million-row
 * table of per-cell objects is what made its garbage collections long (a large share of the
 * reload's time, and pauses every other session felt); a dimension column of a few hundred
 * values now holds a few hundred objects instead of one per row. Cells are immutable, so sharing
 * them changes nothing else. Costs a map lookup per cell (tens of nanoseconds).
 */
export class CellInterner {
  #byNumber = new Map<number, Dual>();
  #byText = new Map<string, Dual>();
  #full = false;

  /** `cell`, or the equal cell this column already holds. */
  intern(cell: Cell): Cell {
    if (cell === null || this.#full) return cell;
    const num = cell.num;
    if (Number.isNaN(num)) {
      const known = this.#byText.get(cell.text);
      if (known !== undefined) return known;
      this.#byText.set(cell.text, cell);
    } else {
      // Map keys do not tell 0 from -0: a -0 stays its own cell.
      const known = this.#byNumber.get(num);
      if (known !== undefined) return Object.is(known.num, num) && sameNumberText(known, cell) ? known : cell;
      this.#byNumber.set(num, cell);
    }
    if (this.#byNumber.size + this.#byText.size >= MAX_INTERNED) {
      this.#full = true;
      this.#byNumber = new Map();
      this.#byText = new Map();
    }
    return cell;
  }
}
