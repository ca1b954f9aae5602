import { QixflowError, type Site } from '@qixflow/core';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppLineage,
  extractAppLineage,
  type LineageDoc,
  mergeLineageGraphs,
  validateLineageGraph,
} from '../src/index.js';
import { GraphQuery } from './support/graph-queries.js';
import { DEMO, siteFor, startSimulator } from './support/simulator.js';

let sim: Simulator;
let site: Site;

beforeAll(async () => {
  sim = await startSimulator('demo');
  site = siteFor(sim);
});

afterAll(async () => {
  await site?.close();
  await sim?.close();
});

function extract(
  appId: string,
  noData: boolean,
  options: { model?: 'auto' | 'always' | 'never' } = {},
): Promise<AppLineage> {
  return site.withApp(
    appId,
    (doc) => extractAppLineage(doc as unknown as LineageDoc, { appId, ...options }),
    noData ? { noData: true } : {},
  );
}

describe('extractAppLineage', () => {
  it('with data: checks the script against GetTablesAndKeys', async () => {
    const { graph, report } = await extract(DEMO.hr, false);
    expect(validateLineageGraph(graph)).toEqual({ valid: true, errors: [] });
    expect(report).toMatchObject({ appId: DEMO.hr, name: 'HR Overview', status: 'ok' });
    expect(report.coverage).toMatchObject({ status: 'checked', modelFields: 28, ratio: 1 });
    const q = new GraphQuery(graph);
    expect(q.one('ModelTable', 'Absences', DEMO.hr)).toMatchObject({ provenance: 'model', attributes: { rows: 161 } });
  });

  it('without data: GetLineage and the objects still work; the script end state stands for the model', async () => {
    const { graph, report } = await extract(DEMO.dashboard, true);
    expect(report.status).toBe('ok');
    expect(report.coverage).toMatchObject({ status: 'unverified', modelTables: 6, modelFields: 33 });
    const q = new GraphQuery(graph);
    expect(q.one('ModelTable', 'Sales', DEMO.dashboard)).toMatchObject({ provenance: 'script', confidence: 0.8 });
    expect(q.one('ExternalDataset', 'lib://QVDs/model/SalesFact.qvd', DEMO.dashboard).provenance).toBe('reconciled');
    expect(q.nodes('Visualization', undefined, DEMO.dashboard)).toHaveLength(16);
    expect(q.nodes('MasterMeasure', undefined, DEMO.dashboard)).toHaveLength(8);
  });

  it('records a failed GetLineage as partial and keeps the script facts at script confidence', async () => {
    sim.control.failNext('GetLineage', { count: 1, code: 5, message: 'Access denied' });
    const { graph, report } = await extract(DEMO.extract, true);
    expect(report.status).toBe('partial');
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'lineage-unavailable', severity: 'warning' }),
    );
    const q = new GraphQuery(graph);
    expect(q.one('ExternalDataset', 'dbo.Orders', DEMO.extract)).toMatchObject({
      provenance: 'script',
      confidence: 0.8,
    });
    expect(q.one('App', 'Sales Extract').attributes).toMatchObject({ status: 'partial' });
  });

  it('rejects when the script cannot be read', async () => {
    sim.control.failNext('GetScript', { count: 1, code: 5, message: 'Access denied' });
    await expect(extract(DEMO.extract, true)).rejects.toMatchObject({
      name: 'QixflowError',
      code: 'ERR_ENGINE',
      message: 'GetScript failed: Access denied (5 LOCERR_GENERIC_ACCESS_DENIED)',
    });
  });

  it('rejects with the same QixflowError when a plain enigma.js Doc fails GetScript', async () => {
    sim.control.failNext('GetScript', { count: 1, code: 5, message: 'Access denied' });
    const error = await site.withApp(
      DEMO.extract,
      (doc) => {
        // Plain enigma.js rejects with the engine's error as it is: core's QixflowError keeps it as its cause.
        const plain = new Proxy(doc as unknown as LineageDoc, {
          get: (target, key) => {
            if (key === 'getScript')
              return () => target.getScript().catch((e: unknown) => Promise.reject((e as Error).cause));
            const value: unknown = Reflect.get(target, key);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        return extractAppLineage(plain, { appId: DEMO.extract }).catch((e: unknown) => e);
      },
      { noData: true },
    );
    expect(error).toBeInstanceOf(QixflowError);
    expect(error).toMatchObject({
      code: 'ERR_ENGINE',
      message: 'GetScript failed: Access denied (5 LOCERR_GENERIC_ACCESS_DENIED)',
      engineCode: 5,
      engineName: 'LOCERR_GENERIC_ACCESS_DENIED',
    });
  });

  it('checks its options at the boundary', async () => {
    await site.withApp(
      DEMO.extract,
      async (doc) => {
        const d = doc as unknown as LineageDoc;
        await expect(extractAppLineage(d, { appId: '' })).rejects.toThrow(
          new TypeError('extractAppLineage: options.appId must be a non-empty string'),
        );
        await expect(extractAppLineage(d, { appId: 'x', model: 'sometimes' as 'auto' })).rejects.toThrow(
          "extractAppLineage: options.model must be 'auto', 'always' or 'never', got sometimes",
        );
        await expect(extractAppLineage({} as LineageDoc, { appId: 'x' })).rejects.toThrow(TypeError);
      },
      { noData: true },
    );
  });

  it('merges app graphs and stitches them: SAME_AS between the QVD one writes and the other reads', async () => {
    const [extracted, transformed] = [await extract(DEMO.extract, true), await extract(DEMO.transform, true)];
    const merged = mergeLineageGraphs([extracted.graph, transformed.graph], { host: 'sense.demo' });
    expect(validateLineageGraph(merged)).toEqual({ valid: true, errors: [] });
    const q = new GraphQuery(merged);
    const written = q.one('ExternalDataset', 'lib://QVDs/sales/Orders.qvd', DEMO.extract);
    const read = q.one('ExternalDataset', 'lib://QVDs/sales/Orders.qvd', DEMO.transform);
    expect(q.edge('SAME_AS', written, read)).toMatchObject({ provenance: 'reconciled', confidence: 1 });
    expect(merged.nodes.filter((n) => n.kind === 'Connection')).toHaveLength(4);
    expect(q.one('Site', 'sense.demo').kind).toBe('Site');
  });
});
