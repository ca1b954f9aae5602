import { describe, expect, it } from 'vitest';
import { downstream, type LineageEdge, upstream, validateLineageGraph } from '../../src/index.js';
import { analyseApp } from '../../src/internal/app/analyse-app.js';
import { GraphQuery } from '../support/graph-queries.js';
import { snapshotOf } from '../support/snapshot.js';

function analyse(script: string) {
  const analysis = analyseApp(snapshotOf(script), { includeScript: false });
  expect(validateLineageGraph(analysis.graph).errors).toEqual([]);
  const q = new GraphQuery(analysis.graph);
  const name = (id: string) => {
    const n = q.node(id);
    if (n?.kind === 'DatasetField') return `${q.node(n.attributes.dataset)?.name}#${n.name}`;
    if (n?.kind === 'ScriptField') return `${q.node(n.attributes.table)?.name}.${n.name}`;
    return n?.name ?? id;
  };
  const indirect = (edges: readonly LineageEdge[]) =>
    edges
      .filter((e): e is Extract<LineageEdge, { kind: 'INDIRECT' }> => e.kind === 'INDIRECT')
      .map((e) => `${name(e.from)} —${e.attributes.subtype} ${e.attributes.field ?? ''}→ ${name(e.to)}`)
      .sort();
  return { graph: analysis.graph, q, indirect };
}

describe('INDIRECT edges of the script analysis', () => {
  it('GROUP BY and WHERE fields of a QVD load lead to every field the load writes', () => {
    const { graph, indirect } = analyse(`
Totals: LOAD Region, Year(OrderDate) as Year, Sum(Amount) as Amount
FROM [lib://QVDs/orders.qvd] (qvd)
WHERE Status = 'OK'
GROUP BY Region, Year(OrderDate);`);
    const ds = 'lib://QVDs/orders.qvd';
    expect(indirect(graph.edges)).toEqual(
      [
        // Every written field, the grouped ones too (their values are deduplicated by the grouping).
        `${ds}#Region —group-by Region→ Totals.Amount`,
        `${ds}#Region —group-by Region→ Totals.Region`,
        `${ds}#Region —group-by Region→ Totals.Year`,
        `${ds}#OrderDate —group-by OrderDate→ Totals.Amount`,
        `${ds}#OrderDate —group-by OrderDate→ Totals.Region`,
        `${ds}#OrderDate —group-by OrderDate→ Totals.Year`,
        `${ds}#Status —filter Status→ Totals.Amount`,
        `${ds}#Status —filter Status→ Totals.Region`,
        `${ds}#Status —filter Status→ Totals.Year`,
      ].sort(),
    );
    // The WHERE column is a column the load reads, though no field of it is loaded.
    const impact = downstream(graph, `${ds}#Status`);
    expect(impact.leaves.map((n) => n.name).sort()).toEqual(['Amount', 'Region', 'Year']);
  });

  it('a RESIDENT load filters on the resident field; an inner JOIN key leads to the joined columns', () => {
    const { graph, indirect } = analyse(`
Orders: LOAD OrderID, CustomerID, Status FROM [lib://QVDs/orders.qvd] (qvd);
INNER JOIN (Orders) LOAD CustomerID, Segment, Country FROM [lib://QVDs/customers.qvd] (qvd);
Open: NOCONCATENATE LOAD OrderID, Segment RESIDENT Orders WHERE Status <> 'CLOSED';`);
    expect(indirect(graph.edges)).toEqual(
      [
        'Orders.CustomerID —join CustomerID→ Orders.Country',
        'Orders.CustomerID —join CustomerID→ Orders.Segment',
        'Orders.Status —filter Status→ Open.OrderID',
        'Orders.Status —filter Status→ Open.Segment',
      ].sort(),
    );
    const trace = upstream(graph, 'table:Open');
    expect(trace.leaves.map((n) => n.name).sort()).toEqual([
      'CustomerID',
      'CustomerID',
      'OrderID',
      'Segment',
      'Status',
    ]);
  });

  it('a LEFT KEEP filters the new table by the key it shares with the other, a KEEP both ways', () => {
    const left = analyse(`
A: LOAD K, X FROM [lib://QVDs/a.qvd] (qvd);
B: LEFT KEEP (A) LOAD K, Y FROM [lib://QVDs/b.qvd] (qvd);`);
    expect(left.indirect(left.graph.edges)).toEqual(['A.K —join K→ B.K', 'A.K —join K→ B.Y']);
    const inner = analyse(`
A: LOAD K, X FROM [lib://QVDs/a.qvd] (qvd);
B: INNER KEEP (A) LOAD K, Y FROM [lib://QVDs/b.qvd] (qvd);`);
    expect(inner.indirect(inner.graph.edges)).toEqual(
      ['A.K —join K→ B.K', 'A.K —join K→ B.Y', 'B.K —join K→ A.K', 'B.K —join K→ A.X'].sort(),
    );
  });

  it('ORDER BY fields lead to every field (sort); If() conditions, Pick() indexes, Previous()/Peek() only to their own field', () => {
    const { graph, indirect } = analyse(`
S: LOAD Customer, If(Amount > 100, 'big', 'small') as Size, Pick(Tier, 'a', 'b') as Band,
  Amount - Previous(Amount) as Delta, Peek('Customer') as PrevCustomer
FROM [lib://QVDs/sales.qvd] (qvd)
ORDER BY Customer;`);
    const ds = 'lib://QVDs/sales.qvd';
    expect(indirect(graph.edges)).toEqual(
      [
        `${ds}#Customer —sort Customer→ S.Band`,
        `${ds}#Customer —sort Customer→ S.Customer`,
        `${ds}#Customer —sort Customer→ S.Delta`,
        `${ds}#Customer —sort Customer→ S.PrevCustomer`,
        `${ds}#Customer —sort Customer→ S.Size`,
        `${ds}#Amount —conditional Amount→ S.Size`,
        `${ds}#Tier —conditional Tier→ S.Band`,
        `${ds}#Amount —window Amount→ S.Delta`,
        `${ds}#Customer —window Customer→ S.PrevCustomer`,
      ].sort(),
    );
  });

  it('a SQL SELECT: WHERE/HAVING (filter), GROUP BY, ORDER BY (sort) and JOIN … ON columns of its tables', () => {
    const { graph, indirect } = analyse(`
LIB CONNECT TO 'ERP';
T: SQL SELECT c.Region, SUM(o.Amount) AS Total
FROM dbo.Orders o JOIN dbo.Customers c ON c.CustomerID = o.CustomerID
WHERE o.Status = 'OK' AND o.OrderDate >= (SELECT MIN(d) FROM dbo.Calendar WHERE Open = 1)
GROUP BY c.Region HAVING COUNT(*) > 2 ORDER BY c.Region DESC NULLS LAST;`);
    const orders = 'dbo.Orders';
    const customers = 'dbo.Customers';
    const lines = indirect(graph.edges);
    for (const to of ['T.Region', 'T.Total'])
      expect(lines).toEqual(
        expect.arrayContaining([
          `${orders}#Status —filter Status→ ${to}`,
          `${orders}#OrderDate —filter OrderDate→ ${to}`,
          `${customers}#Region —group-by Region→ ${to}`,
          `${customers}#Region —sort Region→ ${to}`,
          `${customers}#CustomerID —join CustomerID→ ${to}`,
          `${orders}#CustomerID —join CustomerID→ ${to}`,
        ]),
      );
    // Nothing from inside the subquery (Calendar's d, Open), nor NULLS/LAST/DESC.
    expect(lines.filter((l) => /#(d|Open|LAST|NULLS|DESC) /.test(l))).toEqual([]);
    expect(lines).toHaveLength(12);
  });
});
