import { describe, expect, it } from 'vitest';
import { buildAssociativeModel } from '../../../../src/internal/data/model/associative-model.js';
import { ColumnBuilder } from '../../../../src/internal/data/model/column-builder.js';
import { type Dual, numberDual, textDual } from '../../../../src/internal/data/model/loaded-model.js';
import { NumberIndex } from '../../../../src/internal/data/model/number-index.js';
import { dataTableOf, tableRows } from '../../../../src/internal/data/model/table-rows.js';
import { loadedModel } from '../model-fixtures.js';

const texts = (values: readonly Dual[]): string[] => values.map((v) => v.text);

describe('ColumnBuilder', () => {
  it('keeps each value once, a NULL as -1, and same-number values as one symbol with the first text', () => {
    const column = new ColumnBuilder();
    for (const cell of [numberDual(7), null, { text: 'seven', num: 7 }, textDual('x'), numberDual(-0), numberDual(0)])
      column.push(cell);
    const done = column.finish();
    expect(texts(done.values)).toEqual(['7', 'x', '0']);
    expect([...done.rows]).toEqual([0, -1, 0, 1, 2, 2]);
    expect(done.inOrder).toBe(true);
  });

  it('copies rows from another column by symbol (pushFrom), and knows when symbols are out of load order', () => {
    const source = new ColumnBuilder();
    for (const t of ['a', 'b', 'a', 'c']) source.push(textDual(t));
    const copy = new ColumnBuilder();
    copy.push(textDual('c'));
    const map = ColumnBuilder.symbolMap(source);
    for (const row of [3, 0, -1, 2]) copy.pushFrom(source, row, map);
    expect(texts(copy.finish().values)).toEqual(['c', 'a']);
    expect([...copy.finish().rows]).toEqual([0, 0, 1, -1, 1]);
    const unordered = new ColumnBuilder();
    unordered.symbol(textDual('unused'));
    unordered.push(textDual('used'));
    expect(unordered.finish().inOrder).toBe(false);
  });
});

describe('ColumnBuilder.pushNumber', () => {
  it('gives a number the symbol a pushed number cell gets (NaN is NULL; a number already there keeps its text)', () => {
    const column = new ColumnBuilder();
    column.push({ text: 'seven', num: 7 });
    for (const num of [7, Number.NaN, 0.1 + 0.2, -0, 0, 3e9]) column.pushNumber(num);
    const done = column.finish();
    expect(texts(done.values)).toEqual(['seven', '0.3', '0', '3000000000']);
    expect([...done.rows]).toEqual([0, 0, -1, 1, 2, 2, 3]);
    const cells = new ColumnBuilder();
    for (const num of [7, Number.NaN, 0.1 + 0.2, -0, 0, 3e9]) cells.push(Number.isNaN(num) ? null : numberDual(num));
    const same = new ColumnBuilder();
    for (const num of [7, Number.NaN, 0.1 + 0.2, -0, 0, 3e9]) same.pushNumber(num);
    expect(texts(same.finish().values)).toEqual(texts(cells.finish().values));
    expect([...same.finish().rows]).toEqual([...cells.finish().rows]);
  });
});

describe('ColumnBuilder.of', () => {
  it('continues a finished column, also an empty one, with its symbols keeping their numbers', () => {
    const empty = ColumnBuilder.of(new ColumnBuilder().finish());
    empty.push(textDual('a'));
    expect([...empty.finish().rows]).toEqual([0]);
    const first = new ColumnBuilder();
    for (const t of ['x', 'y', 'x']) first.push(textDual(t));
    const more = ColumnBuilder.of(first.finish());
    more.push(textDual('y'));
    more.push(textDual('z'));
    const done = more.finish();
    expect(texts(done.values)).toEqual(['x', 'y', 'z']);
    expect([...done.rows]).toEqual([0, 1, 0, 1, 2]);
    expect(done.inOrder).toBe(true);
  });
});

describe('NumberIndex', () => {
  it('finds dense integers, sparse integers, fractions and -0 as 0', () => {
    const index = new NumberIndex();
    const keys = [0, 1, 2, 5_000_000, 0.5, -3, 1e300, 1024, 99_999];
    for (const [i, key] of keys.entries()) index.set(key, i);
    expect(keys.map((key) => index.get(key))).toEqual(keys.map((_, i) => i));
    expect(index.get(-0)).toBe(0);
    expect(index.get(3)).toBeUndefined();
    expect(index.get(0.25)).toBeUndefined();
    expect(index.get(Number.NaN)).toBeUndefined();
  });

  it('holds a million keys of each kind', () => {
    const index = new NumberIndex();
    for (let i = 0; i < 1_000_000; i++) index.set(i % 2 === 0 ? i : i + 0.5, i);
    for (let i = 0; i < 1_000_000; i += 997) expect(index.get(i % 2 === 0 ? i : i + 0.5)).toBe(i);
  });
});

describe('the model build from columns', () => {
  it('numbers a shared field’s elements by first appearance across tables in load order, then rows', () => {
    const model = buildAssociativeModel(
      loadedModel([
        {
          name: 'A',
          fields: ['K', 'X'],
          rows: [
            ['k2', 1],
            ['k1', 2],
            ['k2', 3],
          ],
        },
        { name: 'B', fields: ['K'], rows: [['k3'], ['k1'], [null], ['k4']] },
      ]),
    );
    const field = model.field('K');
    expect(texts(field?.values ?? [])).toEqual(['k2', 'k1', 'k3', 'k4']);
    expect([...(model.table('B')?.column(field?.index ?? -1) ?? [])]).toEqual([2, 1, -1, 3]);
  });

  it('gives a column with unused or out-of-order symbols the same elements as a cell-by-cell build', () => {
    const column = new ColumnBuilder();
    column.symbol(textDual('never'));
    column.symbol(textDual('late'));
    column.push(textDual('early'));
    column.pushSymbol(1);
    const table = { name: 'T', fields: ['F'], rowCount: 2, columns: [column.finish()] };
    const model = buildAssociativeModel({ ...loadedModel([]), tables: [table] });
    expect(texts(model.field('F')?.values ?? [])).toEqual(['early', 'late']);
    expect(tableRows(dataTableOf('T', ['F'], [[textDual('early')], [textDual('late')]]))).toEqual([
      [textDual('early')],
      [textDual('late')],
    ]);
  });
});
