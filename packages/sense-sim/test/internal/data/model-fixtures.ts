import { type Cell, type LoadedModel, numberDual, textDual } from '../../../src/internal/data/model/loaded-model.js';
import { dataTableOf } from '../../../src/internal/data/model/table-rows.js';

/** A cell from a plain value: numbers become numeric duals, strings text (or numeric text), null NULL. */
export function cell(value: string | number | null | Cell): Cell {
  if (value === null) return null;
  if (typeof value === 'number') return numberDual(value);
  if (typeof value === 'string') return textDual(value);
  return value;
}

/** A table written as field names and rows of plain values. */
export interface TableSpec {
  readonly name: string;
  readonly fields: readonly string[];
  readonly rows: readonly (readonly (string | number | null | Cell)[])[];
}

/** A LoadedModel of hand-written tables. */
export function loadedModel(tables: readonly TableSpec[], variables: Record<string, string> = {}): LoadedModel {
  return {
    tables: tables.map((table) =>
      dataTableOf(
        table.name,
        table.fields,
        table.rows.map((row) => row.map(cell)),
      ),
    ),
    fieldComments: new Map(),
    fieldTags: new Map(),
    variables: new Map(Object.entries(variables)),
    lineage: [],
  };
}

/**
 * A small sales model: Orders (fact) → Customers (by CustomerID) and Products (by ProductID).
 * Customer C4 has no orders; order 7 refers to a product that is not in Products.
 */
export function salesModel(): LoadedModel {
  return loadedModel([
    {
      name: 'Customers',
      fields: ['CustomerID', 'Customer', 'Country'],
      rows: [
        ['C1', 'Alice', 'Sweden'],
        ['C2', 'Bob', 'Norway'],
        ['C3', 'Carol', 'Sweden'],
        ['C4', 'Dave', 'Denmark'],
      ],
    },
    {
      name: 'Orders',
      fields: ['OrderID', 'CustomerID', 'ProductID', 'Quantity', 'Year'],
      rows: [
        [1, 'C1', 'P1', 2, 2023],
        [2, 'C1', 'P2', 1, 2024],
        [3, 'C2', 'P1', 5, 2024],
        [4, 'C3', 'P3', 3, 2023],
        [5, 'C3', 'P1', 1, 2024],
        [6, 'C2', 'P2', 4, 2023],
        [7, 'C1', 'P9', 1, 2024],
      ],
    },
    {
      name: 'Products',
      fields: ['ProductID', 'Product', 'Price'],
      rows: [
        ['P1', 'Apple', 10],
        ['P2', 'Banana', 4],
        ['P3', 'Cherry', 25],
      ],
    },
  ]);
}

/** The ctrl00-style table: AutoGenerate 26 of Chr(RecNo()+Ord('A')-1) as Alpha, RecNo() as Num. */
export function alphaModel(): LoadedModel {
  const rows = Array.from({ length: 26 }, (_, i) => [String.fromCharCode(65 + i), i + 1]);
  return loadedModel([{ name: 'Characters', fields: ['Alpha', 'Num'], rows }]);
}

/** The corectl test app: TableA (numbers, abcs) and TableB (numbers, xyz), linked by numbers. */
export function corectlModel(): LoadedModel {
  return loadedModel([
    {
      name: 'TableA',
      fields: ['numbers', 'abcs'],
      rows: [
        [1, 'a'],
        [2, 'b'],
        [3, 'b'],
        [4, 'b'],
        [5, 'c'],
      ],
    },
    {
      name: 'TableB',
      fields: ['numbers', 'xyz'],
      rows: [
        [1, 'x'],
        [2, 'y'],
        [3, 'y'],
        [4, 'y'],
        [5, 'z'],
      ],
    },
  ]);
}
