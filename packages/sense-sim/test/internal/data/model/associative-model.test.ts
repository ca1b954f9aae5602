import { describe, expect, it } from 'vitest';
import { buildAssociativeModel } from '../../../../src/internal/data/model/associative-model.js';
import { loadedModel, salesModel } from '../model-fixtures.js';

describe('buildAssociativeModel', () => {
  it('builds symbol tables in load order, element numbers being their indexes', () => {
    const model = buildAssociativeModel(salesModel());
    const productId = model.field('ProductID');
    // ProductID first appears in Orders (P1, P2, P1, P3, P1, P2, P9); Products adds nothing new.
    expect(productId?.values.map((value) => value.text)).toEqual(['P1', 'P2', 'P3', 'P9']);
    const orders = model.table('Orders');
    expect(orders?.column(productId?.index ?? -1)).toEqual(Int32Array.from([0, 1, 0, 2, 0, 1, 3]));
  });

  it('leaves NULL out of the symbol table and marks it -1 in the column', () => {
    const model = buildAssociativeModel(
      loadedModel([{ name: 'T', fields: ['A'], rows: [['x'], [null], ['y'], ['x']] }]),
    );
    const field = model.field('A');
    expect(field?.cardinal).toBe(2);
    expect(model.table('T')?.columns[0]).toEqual(Int32Array.from([0, -1, 1, 0]));
  });

  it('identifies numbers by value and keeps the first text', () => {
    const model = buildAssociativeModel(
      loadedModel([{ name: 'T', fields: ['N'], rows: [[{ text: '01', num: 1 }], [1], ['1.0']] }]),
    );
    expect(model.field('N')?.values).toEqual([{ text: '01', num: 1 }]);
  });

  it('links tables through same-named fields', () => {
    const model = buildAssociativeModel(salesModel());
    const orders = model.table('Orders')?.index ?? -1;
    const linked = model.links[orders]?.map((link) => model.tables[link.table]?.name).sort();
    expect(linked).toEqual(['Customers', 'Products']);
    expect(model.field('CustomerID')?.isKey).toBe(true);
    expect(model.field('Customer')?.isKey).toBe(false);
  });

  it('tags fields as the engine does', () => {
    const model = buildAssociativeModel(
      loadedModel(
        [
          {
            name: 'T',
            fields: ['Key', 'Int', 'Real', 'Mixed', 'Day', 'Stamp', 'Unicode'],
            rows: [
              [
                'a',
                1,
                1.5,
                'x',
                { text: '2024-01-31', num: 45322 },
                { text: '2024-01-31 12:00:00', num: 45322.5 },
                'å',
              ],
              ['b', 2, 2, 3, { text: '2024-02-01', num: 45323 }, { text: '2024-02-01 06:00:00', num: 45323.25 }, 'b'],
            ],
          },
          { name: 'U', fields: ['Key'], rows: [['a']] },
        ],
        { DateFormat: 'YYYY-MM-DD', TimestampFormat: 'YYYY-MM-DD hh:mm:ss' },
      ),
    );
    const tags = (name: string): readonly string[] | undefined => model.field(name)?.tags;
    expect(tags('Key')).toEqual(['$key', '$ascii', '$text']);
    expect(tags('Int')).toEqual(['$numeric', '$integer']);
    expect(tags('Real')).toEqual(['$numeric']);
    expect(tags('Mixed')).toEqual([]);
    expect(tags('Day')).toEqual(['$numeric', '$integer', '$timestamp', '$date']);
    expect(tags('Stamp')).toEqual(['$numeric', '$timestamp']);
    expect(tags('Unicode')).toEqual(['$text']);
  });

  it('adds the script tags and comments, and hides fields by HidePrefix', () => {
    const loaded = loadedModel([{ name: 'T', fields: ['A', '_B'], rows: [['x', 'y']] }], { HidePrefix: '_' });
    const model = buildAssociativeModel({
      ...loaded,
      fieldTags: new Map([['A', ['$dimension', 'mine']]]),
      fieldComments: new Map([['A', 'the A']]),
    });
    expect(model.field('A')?.tags).toEqual(['$ascii', '$text', '$dimension', 'mine']);
    expect(model.field('A')?.comment).toBe('the A');
    expect(model.field('_B')?.isHidden).toBe(true);
    expect(model.field('_B')?.tags).toEqual(['$hidden', '$ascii', '$text']);
  });

  it('has the system fields, hidden, describing the model', () => {
    const model = buildAssociativeModel(salesModel());
    const systemNames = model.fields.filter((field) => field.isSystem).map((field) => field.name);
    expect(systemNames).toEqual(['$Field', '$Table', '$FieldNo', '$Rows', '$Fields', '$Info']);
    expect(model.fields.filter((field) => field.isSystem).every((field) => field.isHidden)).toBe(true);
    expect(model.field('$Table')?.values.map((value) => value.text)).toEqual(['Customers', 'Orders', 'Products']);
    expect(model.field('$Field')?.values.map((value) => value.text)).toEqual([
      'CustomerID',
      'Customer',
      'Country',
      'OrderID',
      'ProductID',
      'Quantity',
      'Year',
      'Product',
      'Price',
    ]);
    expect(model.field('$Rows')?.values.map((value) => value.num)).toEqual([4, 7, 3]);
    expect(model.field('$Field')?.tags[0]).toBe('$system');
    expect(model.dataFields().map((field) => field.name)).not.toContain('$Field');
  });
});
