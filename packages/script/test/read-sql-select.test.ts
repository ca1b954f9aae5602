import { describe, expect, it } from 'vitest';
import { readSqlSelect } from '../src/index.js';

describe('readSqlSelect: the SELECT list', () => {
  it('names columns by alias or column, keeps their source columns, and sees aggregates and stars', () => {
    const items =
      readSqlSelect(
        'SELECT DISTINCT TOP 5 o.OrderID, Qty * Price AS Amount, [x y] z, COUNT(*) n, t.* FROM dbo.Orders o, t',
      )?.items ?? [];
    expect(items.map((i) => i.name)).toEqual(['OrderID', 'Amount', 'z', 'n', '*']);
    expect(items[0]).toMatchObject({ plain: true, aliased: false, columns: [{ qualifier: 'o', name: 'OrderID' }] });
    expect(items[1]?.columns.map((c) => c.name)).toEqual(['Qty', 'Price']);
    expect(items[3]).toMatchObject({ aggregate: true });
    expect(items[4]).toMatchObject({ star: true, starOf: 't' });
  });

  it('does not read columns from keywords and literals', () => {
    const [item] = readSqlSelect("SELECT CASE WHEN Status = 'X' THEN 1 ELSE Amount END AS Flag FROM t")?.items ?? [];
    expect(item?.columns.map((c) => c.name)).toEqual(['Status', 'Amount']);
  });
});

describe('readSqlSelect: the columns of the clauses', () => {
  it('reads WHERE, GROUP BY, HAVING, ORDER BY and JOIN … ON of the outermost query, qualified as written', () => {
    const read = readSqlSelect(
      `SELECT c.Region, SUM(o.Amount) AS Total
       FROM dbo.Orders o INNER JOIN dbo.Customers c ON c.CustomerID = o.CustomerID AND c.Active = 1
       LEFT JOIN dbo.Reps r ON r.RepID = o.RepID
       WHERE o.Status IN ('OK', 'SHIPPED') AND [o].[Order Date] >= '2026-01-01'
       GROUP BY c.Region HAVING COUNT(*) > 2 AND MAX(o.Amount) < 10
       ORDER BY c.Region DESC NULLS LAST, Total`,
    );
    const names = (refs: readonly { qualifier: string | null; name: string }[]) =>
      refs.map((r) => (r.qualifier ? `${r.qualifier}.${r.name}` : r.name));
    expect(names(read?.clauses.where ?? [])).toEqual(['o.Status', 'o.Order Date']);
    expect(names(read?.clauses.groupBy ?? [])).toEqual(['c.Region']);
    expect(names(read?.clauses.having ?? [])).toEqual(['o.Amount']);
    expect(names(read?.clauses.orderBy ?? [])).toEqual(['c.Region', 'Total']);
    expect(names(read?.clauses.joinOn ?? [])).toEqual([
      'c.CustomerID',
      'o.CustomerID',
      'c.Active',
      'r.RepID',
      'o.RepID',
    ]);
  });

  it('does not enter subqueries or CTEs, and stops at UNION and paging', () => {
    const read = readSqlSelect(
      `WITH recent AS (SELECT * FROM dbo.Orders WHERE Hidden = 0)
       SELECT OrderID FROM recent WHERE Amount > (SELECT AVG(Amount) FROM dbo.Orders WHERE Secret = 1)
       UNION SELECT OrderID FROM dbo.Archive WHERE Other = 1 ORDER BY Ignored`,
    );
    expect(read?.items.map((i) => i.name)).toEqual(['OrderID']);
    expect(read?.clauses.where).toEqual([{ qualifier: null, name: 'Amount' }]);
    expect(read?.clauses.orderBy).toEqual([]);
  });

  it('lists what the query has besides a plain projection (extras), outermost level only', () => {
    const extras = (sql: string) => readSqlSelect(sql)?.extras;
    expect(extras('SELECT a, [b c] AS d, t.e f FROM [dbo].[T] t;')).toEqual([]);
    expect(extras('SELECT * FROM dbo.T x')).toEqual([]);
    expect(extras('SELECT DISTINCT TOP 5 a FROM t')).toEqual(['DISTINCT', 'TOP']);
    expect(extras('WITH r AS (SELECT a FROM t WHERE b = 1) SELECT a FROM r')).toEqual(['WITH']);
    expect(extras('SELECT a FROM (SELECT a FROM t) x, u')).toEqual(['(', ',']);
    expect(extras('SELECT a FROM t INNER JOIN u ON t.k = u.k WHERE 1 = 1 GROUP BY a HAVING COUNT(*) > 1')).toEqual([
      'INNER',
      'JOIN',
      'ON',
      'WHERE',
      'GROUP BY',
      'HAVING',
    ]);
    expect(extras('SELECT a FROM t WHERE b IN (SELECT c FROM u WHERE d = 1) ORDER BY a UNION SELECT a FROM v')).toEqual(
      ['WHERE', 'ORDER BY', 'UNION'],
    );
    expect(extras('SELECT fn(a) FROM t')).toEqual([]);
  });

  it('answers null without a SELECT, and refuses what is not text', () => {
    expect(readSqlSelect('EXEC dbo.LoadAll')).toBeNull();
    expect(() => readSqlSelect(42 as unknown as string)).toThrow(TypeError);
  });
});
