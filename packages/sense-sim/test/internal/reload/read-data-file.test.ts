import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScript, type SqlQuery } from '@qixflow/script';
import { describe, expect, it } from 'vitest';
import { tableRows } from '../../../src/internal/data/model/table-rows.js';
import { readDataFile, serializeTable } from '../../../src/internal/reload/read-data-file.js';
import { runSql } from '../../../src/internal/reload/run-sql.js';

/** The parsed `SQL …` query the executor hands to runSql. */
function sql(text: string): SqlQuery {
  const [statement] = parseScript(`SQL ${text}`).ast.body;
  if (statement?.kind !== 'LoadStatement' || statement.query.kind !== 'Sql') throw new Error(`not SQL: ${text}`);
  return statement.query;
}

async function dir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'qixflow-reload-'));
}

describe('data files', () => {
  it('reads delimited text with embedded labels, quotes and empty cells (null)', async () => {
    const d = await dir();
    await writeFile(join(d, 'a.csv'), 'Id,Name,Amount\r\n1,"Smith, John",12.5\r\n2,,"7"\r\n');
    const table = await readDataFile(join(d, 'a.csv'), {});
    expect(table.fields).toEqual(['Id', 'Name', 'Amount']);
    expect(tableRows(table.toData(''))).toEqual([
      [
        { text: '1', num: 1 },
        { text: 'Smith, John', num: Number.NaN },
        { text: '12.5', num: 12.5 },
      ],
      [{ text: '2', num: 2 }, null, { text: '7', num: 7 }],
    ]);
  });

  it('reads no-label files as @1…@n and honours the delimiter', async () => {
    const d = await dir();
    await writeFile(join(d, 'b.txt'), 'x;1\ny;2\n');
    const table = await readDataFile(join(d, 'b.txt'), { labels: 'none', delimiter: ';' });
    expect(table.fields).toEqual(['@1', '@2']);
    expect(tableRows(table.toData('')).map((r) => r.map((c) => c?.text))).toEqual([
      ['x', '1'],
      ['y', '2'],
    ]);
  });

  it('round-trips the simulator QVD keeping duals (a date stays a number with its text)', async () => {
    const d = await dir();
    const rows = [[{ text: '2025-01-31', num: 45688 }, null, { text: 'abc', num: Number.NaN }]];
    await writeFile(join(d, 't.qvd'), serializeTable('T', ['D', 'N', 'S'], rows, 'qvd'));
    const table = await readDataFile(join(d, 't.qvd'), {});
    expect(table.fields).toEqual(['D', 'N', 'S']);
    expect(tableRows(table.toData(''))).toEqual(rows);
  });

  it('reads JSON arrays of objects', async () => {
    const d = await dir();
    await writeFile(
      join(d, 'c.json'),
      JSON.stringify([
        { a: 1, b: 'x' },
        { a: 2, c: true },
      ]),
    );
    const table = await readDataFile(join(d, 'c.json'), {});
    expect(table.fields).toEqual(['a', 'b', 'c']);
    expect(tableRows(table.toData(''))[1]).toEqual([{ text: '2', num: 2 }, null, { text: 'true', num: -1 }]);
  });

  it('says which file is missing', async () => {
    await expect(readDataFile('/no/such/file.csv', {})).rejects.toThrow("Cannot open file: '/no/such/file.csv'");
  });
});

describe('SQL against the simulated databases', () => {
  it('answers SELECT columns (with aliases) FROM schema.table from the connection folder', async () => {
    const d = await dir();
    await writeFile(join(d, 'dbo.Orders.csv'), 'OrderID,Status,Amount\n1,open,10\n2,closed,20\n');
    const all = await runSql(sql('SELECT * FROM dbo.Orders;'), d, 'SalesDB');
    expect(all.fields).toEqual(['OrderID', 'Status', 'Amount']);
    const some = await runSql(sql('SELECT\n  OrderID,\n  Status AS OrderStatus\nFROM [dbo].[Orders]'), d, 'SalesDB');
    expect(some.fields).toEqual(['OrderID', 'OrderStatus']);
    expect(tableRows(some.toData('')).map((r) => r.map((c) => c?.text))).toEqual([
      ['1', 'open'],
      ['2', 'closed'],
    ]);
  });

  it('refuses what it does not support and unknown tables/columns, with clear messages', async () => {
    const d = await dir();
    await writeFile(join(d, 'dbo.Orders.csv'), 'OrderID\n1\n');
    await expect(
      runSql(sql('SELECT * FROM dbo.Orders o JOIN dbo.Lines l ON o.id = l.id'), d, 'SalesDB'),
    ).rejects.toThrow("SQL not supported by the simulator's SalesDB connection");
    for (const refused of [
      'SELECT DISTINCT OrderID FROM dbo.Orders',
      'SELECT OrderID FROM dbo.Orders WHERE OrderID = 1',
      'SELECT OrderID FROM dbo.Orders, dbo.Lines',
      'SELECT OrderID FROM (SELECT OrderID FROM dbo.Orders) o',
      'SELECT OrderID * 2 AS Twice FROM dbo.Orders',
      'SELECT o.* FROM dbo.Orders o',
    ]) {
      await expect(runSql(sql(refused), d, 'SalesDB'), refused).rejects.toThrow('SQL not supported by the simulator');
    }
    await expect(runSql(sql('SELECT * FROM dbo.Nope'), d, 'SalesDB')).rejects.toThrow(
      "table 'dbo.Nope' does not exist",
    );
    await expect(runSql(sql('SELECT Missing FROM dbo.Orders'), d, 'SalesDB')).rejects.toThrow(
      "invalid column name 'Missing'",
    );
  });
});
