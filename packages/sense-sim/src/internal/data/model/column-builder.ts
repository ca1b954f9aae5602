import { type Cell, type DataColumn, type Dual, numberDual } from './loaded-model.js';
import { NumberIndex } from './number-index.js';
import { textShard, ValueIndex } from './value-index.js';
import { runSteps, STEP_UNITS, type WorkSteps } from './work-steps.js';

/** Rows a new column has room for before it first grows. */
const INITIAL_CAPACITY = 16;

/**
 * One field of a table under construction, stored the way the engine stores it: the field's
 * distinct values once (its symbol table) and, per row, the number of its value (-1 for NULL) in a
 * typed array. A million-row column of a hundred values is a hundred objects and 4 MB, not a million
 * cells; the data model adopts the symbol numbers without looking at a value twice.
 *
 * Values with the same number are one symbol, the first text loaded winning (as in a Qlik field:
 * `Dual('A', 1)` then `Dual('B', 1)` both show 'A').
 *
 * @example
 * const column = new ColumnBuilder();
 * column.push(numberDual(7));
 * column.push(null);
 * column.push(numberDual(7));
 * column.finish(); // { values: [7], rows: Int32Array [0, -1, 0] }
 */
export class ColumnBuilder {
  #values: Dual[] = [];
  #byNumber = new NumberIndex();
  #byText = new ValueIndex<string>(textShard);
  #rows = new Int32Array(INITIAL_CAPACITY);
  #length = 0;
  /** The highest symbol pushed so far, and whether each symbol was first pushed in number order. */
  #highest = -1;
  #ordered = true;

  /** Rows pushed so far. */
  get length(): number {
    return this.#length;
  }

  /** The symbol table so far (do not change it). */
  get values(): readonly Dual[] {
    return this.#values;
  }

  /** A builder continuing `column` (its symbols keep their numbers): BINARY's tables grow on in the script. */
  static of(column: DataColumn): ColumnBuilder {
    return runSteps(ColumnBuilder.ofSteps(column));
  }

  /** {@link of} as steps: indexing a million-value symbol table yields about every thousand values. */
  static *ofSteps(column: DataColumn): WorkSteps<ColumnBuilder> {
    const builder = new ColumnBuilder();
    const values = column.values;
    for (let i = 0; i < values.length; i++) {
      builder.symbol(values[i] as Dual);
      if ((i & (STEP_UNITS - 1)) === STEP_UNITS - 1) yield STEP_UNITS;
    }
    const length = column.rows.length;
    builder.#rows = new Int32Array(Math.max(length, INITIAL_CAPACITY));
    builder.#rows.set(column.rows);
    builder.#length = length;
    builder.#highest = values.length - 1;
    builder.#ordered = column.inOrder === true;
    return builder;
  }

  /** Appends one row's cell. */
  push(cell: Cell): void {
    this.pushSymbol(cell === null ? -1 : this.symbol(cell));
  }

  /** Appends a row holding symbol `symbol` (from {@link symbol}; -1 for NULL). */
  pushSymbol(symbol: number): void {
    if (symbol > this.#highest) {
      if (symbol !== this.#highest + 1) this.#ordered = false;
      this.#highest = symbol;
    }
    if (this.#length === this.#rows.length) {
      const grown = new Int32Array(this.#rows.length * 2);
      grown.set(this.#rows);
      this.#rows = grown;
    }
    this.#rows[this.#length++] = symbol;
  }

  /**
   * Appends a row holding the plain number `num` (NaN for NULL): what {@link push} of
   * `numberCell(num)` does, without making the cell unless the number is new to the column.
   */
  pushNumber(num: number): void {
    if (Number.isNaN(num)) {
      this.pushSymbol(-1);
      return;
    }
    let symbol = this.#byNumber.get(num);
    if (symbol === undefined) {
      symbol = this.#values.length;
      this.#values.push(numberDual(num));
      this.#byNumber.set(num, symbol);
    }
    this.pushSymbol(symbol);
  }

  /** Appends `count` NULLs (a field added to a table that already has rows). */
  pushNulls(count: number): void {
    for (let i = 0; i < count; i++) this.pushSymbol(-1);
  }

  /**
   * Appends row `row` of `source`. `map` remembers which of this column's symbols each of the
   * source's is (start it filled with -1, one per source symbol), so copying a million rows costs
   * one lookup per distinct value, not one per cell.
   */
  pushFrom(source: ColumnBuilder, row: number, map: Int32Array): void {
    const from = source.#rows[row] ?? -1;
    if (from < 0 || row >= source.#length) {
      this.pushSymbol(-1);
      return;
    }
    let to = from < map.length ? (map[from] as number) : -1;
    if (to < 0) {
      to = this.symbol(source.#values[from] as Dual);
      if (from < map.length) map[from] = to;
    }
    this.pushSymbol(to);
  }

  /** A fresh `map` for {@link pushFrom} from `source`. */
  static symbolMap(source: ColumnBuilder): Int32Array {
    return new Int32Array(source.#values.length).fill(-1);
  }

  /** The number of `value` in this column's symbol table, adding it when new. */
  symbol(value: Dual): number {
    const num = value.num;
    const nan = Number.isNaN(num);
    const index = nan ? this.#byText.get(value.text) : this.#byNumber.get(num);
    if (index !== undefined) return index;
    const added = this.#values.length;
    this.#values.push(value);
    if (nan) this.#byText.set(value.text, added);
    else this.#byNumber.set(num, added);
    return added;
  }

  /** The cell of row `row`. */
  cell(row: number): Cell {
    const symbol = row < this.#length ? (this.#rows[row] as number) : -1;
    return symbol < 0 ? null : (this.#values[symbol] as Dual);
  }

  /** The symbol number of row `row` (-1 for NULL). */
  symbolAt(row: number): number {
    return row < this.#length ? (this.#rows[row] as number) : -1;
  }

  /**
   * The column as it stands: a snapshot sharing the builder's arrays, so the builder must not
   * change afterwards (nothing is copied: the end of a reload hands millions of rows on as they are).
   */
  finish(): DataColumn {
    // Growth by doubling can leave up to half the array unused: a big column is trimmed once.
    if (this.#rows.length - this.#length > 4096 && this.#rows.length - this.#length > this.#length >> 3)
      this.#rows = this.#rows.slice(0, this.#length);
    const inOrder = this.#ordered && this.#highest === this.#values.length - 1;
    return { values: this.#values, rows: this.#rows.subarray(0, this.#length), inOrder };
  }
}
