import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downstream, extractSiteLineage, type LineageGraph } from '../../src/index.js';
import { buildEntityGraph, type EntityGraph, fieldPath } from '../../src/internal/html/entity-graph.js';
import { GraphQuery } from '../support/graph-queries.js';
import { DEMO, siteFor, startSimulator } from '../support/simulator.js';

let sim: Simulator;
let out: string;
let graph: LineageGraph;
let entities: EntityGraph;

beforeAll(async () => {
  sim = await startSimulator('demo');
  const site = siteFor(sim);
  out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-entities-'));
  await extractSiteLineage(site, { outDir: out, host: 'sense.demo', concurrency: 5 });
  await site.close();
  graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
  entities = buildEntityGraph(graph);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('the entity graph of the HTML page (demo site)', () => {
  it("makes one entity of every app's copy of a dataset, with the union of their columns", () => {
    const q = new GraphQuery(graph);
    const copies = q.nodes('ExternalDataset', 'lib://QVDs/sales/Orders.qvd');
    expect(copies.map((n) => n.appId).sort()).toEqual([DEMO.extract, DEMO.transform].sort());
    const orders = entities.entities.get('dataset:lib://qvds/sales/orders.qvd');
    expect(orders).toMatchObject({ kind: 'qvd', name: 'Orders.qvd', detail: 'lib://QVDs/sales/' });
    expect([...(orders?.nodeIds ?? [])].sort()).toEqual(copies.map((n) => n.id).sort());
    const columns = new Set(
      graph.nodes.flatMap((n) =>
        n.kind === 'DatasetField' && copies.some((c) => c.id === n.attributes.dataset) ? [n.name] : [],
      ),
    );
    expect(new Set(orders?.columns)).toEqual(columns);
    // Entities: the apps, and one per distinct identity.
    const identities = new Set(
      graph.nodes.flatMap((n) => (n.kind === 'ExternalDataset' ? [n.attributes.identity] : [])),
    );
    expect(entities.entities.size).toBe(identities.size + q.nodes('App').length);
    expect(entities.entities.get('dataset:db://salesdb/dbo.orders')?.kind).toBe('table');
    expect(entities.entities.get('dataset:lib://datafiles/regions.csv')?.kind).toBe('file');
  });

  it('puts each app between what it reads and what it writes', () => {
    const edges = entities.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`);
    expect(edges).toContain(`app:${DEMO.extract} -writes-> dataset:lib://qvds/sales/orders.qvd`);
    expect(edges).toContain(`dataset:lib://qvds/sales/orders.qvd -reads-> app:${DEMO.transform}`);
    expect(edges).toContain(`dataset:db://salesdb/dbo.orders -reads-> app:${DEMO.extract}`);
    // RESIDENT reads stay inside the app: every edge joins two entities.
    for (const e of entities.edges) {
      expect(entities.entities.has(e.from)).toBe(true);
      expect(entities.entities.has(e.to)).toBe(true);
    }
    expect(entities.edges.filter((e) => e.to === `app:${DEMO.transform}`)).toHaveLength(5);
  });

  it('maps every node of an app to the app, and a column to its dataset', () => {
    const q = new GraphQuery(graph);
    expect(entities.entityOf(q.one('MasterMeasure', 'Total Sales', DEMO.dashboard).id)).toBe(`app:${DEMO.dashboard}`);
    expect(entities.entityOf(q.field('DatasetField', 'dbo.Orders', 'OrderID', DEMO.extract).id)).toBe(
      'dataset:db://salesdb/dbo.orders',
    );
  });

  it("maps a column's path (the API's walk) onto datasets, their columns and the apps' items", () => {
    const path = fieldPath(graph, entities, 'dataset:db://salesdb/dbo.orderlines', 'quantity');
    expect(path).toBeDefined();
    const trace = downstream(graph, 'dbo.OrderLines#Quantity');
    for (const n of trace.nodes) expect(path?.nodeIds.has(n.id), n.id).toBe(true);
    expect(path?.columns.get('dataset:lib://qvds/sales/orderlines.qvd')).toEqual(new Set(['Quantity']));
    expect(path?.downstream).toContain(`app:${DEMO.dashboard}`);
    expect(path?.upstream.size).toBe(0);
    const items = path?.items.get(`app:${DEMO.dashboard}`) ?? [];
    expect(items).toContainEqual({ kind: 'MasterMeasure', name: 'Total Sales' });
    expect(items.map((i) => i.kind)).toContain('Visualization');
    expect(fieldPath(graph, entities, 'dataset:db://salesdb/dbo.orderlines', 'NoSuchColumn')).toBeUndefined();
  });
});
