import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractSiteLineage, type LineageGraph, validateLineageGraph } from '../src/index.js';
import { GraphQuery } from './support/graph-queries.js';
import { siteFor, startSimulator } from './support/simulator.js';

const SALES = '7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
const DASHBOARD = '8e2f3a4b-5c6d-4e7f-9a8b-0c1d2e3f4a5b';
const READER = '9f3a4b5c-6d7e-4f8a-0b9c-1d2e3f4a5b6c';

/**
 * A site as a real server would configure it — folder connections to C:\QlikData\QVD, mapped into
 * the simulator's data folder — where a dashboard BINARYs the sales app and another app reads the
 * QVD the sales app stores, through a connection spelling the same folder differently.
 */
describe('site lineage: BINARY_FROM and real folder paths, from the simulator', () => {
  let sim: Simulator;
  let site: Site;
  let dir: string;
  let graph: LineageGraph;
  let q: GraphQuery;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qixflow-lineage-binary-'));
    await mkdir(join(dir, 'data', 'qlikdata', 'QVD'), { recursive: true });
    await writeFile(join(dir, 'data', 'qlikdata', 'QVD', 'orders.csv'), 'OrderID,Amount\n1,30\n2,12\n');
    sim = await startSimulator({
      dataFolder: join(dir, 'data'),
      dataFolderMappings: [{ path: 'C:\\QlikData', folder: 'qlikdata' }],
      dataConnections: [
        { name: 'QVD', type: 'folder', connectionString: 'C:\\QlikData\\QVD' },
        { name: 'Qvd Files', type: 'folder', connectionString: 'c:/qlikdata/qvd/' },
        { name: 'Apps', type: 'folder', connectionString: 'C:\\ProgramData\\Qlik\\Sense\\Apps' },
      ],
      apps: [
        {
          id: DASHBOARD,
          name: 'Sales Dashboard',
          script: 'Binary [lib://Apps/Sales.qvf];\nTargets:\nLOAD * INLINE [\nTarget\n100\n];\n',
        },
        {
          id: SALES,
          name: 'Sales',
          script:
            'Orders:\nLOAD OrderID, Amount FROM [lib://QVD/orders.csv] (txt);\nSTORE Orders INTO [lib://QVD/orders.qvd] (qvd);\n',
        },
        { id: READER, name: 'Reader', script: 'Copy:\nLOAD OrderID FROM [lib://Qvd Files/orders.qvd] (qvd);\n' },
      ],
    });
    site = siteFor(sim);
    const out = join(dir, 'out');
    const result = await extractSiteLineage(site, { outDir: out, concurrency: 1 });
    expect(result).toMatchObject({ aborted: false, apps: { total: 3, extracted: 3, failed: 0 } });
    graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
    q = new GraphQuery(graph);
  });
  afterAll(async () => {
    await site?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is a valid graph', () => {
    expect(validateLineageGraph(graph).valid).toBe(true);
  });

  it('links the dashboard to the app it BINARYs, confirmed by GetLineage', () => {
    const binary = graph.edges.filter((e) => e.kind === 'BINARY_FROM');
    expect(binary.map((e) => [e.from, e.to, e.kind === 'BINARY_FROM' ? e.attributes.path : ''])).toEqual([
      [`app:${DASHBOARD}`, `app:${SALES}`, 'lib://Apps/Sales.qvf'],
    ]);
    // The script's BINARY read and the reload's GetLineage row are one reconciled read.
    const reads = graph.edges.filter(
      (e) => e.kind === 'READS' && e.appId === DASHBOARD && e.attributes.mode === 'binary',
    );
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      provenance: 'reconciled',
      attributes: { engineDiscriminator: 'lib://Apps/Sales.qvf;' },
    });
    const report = graph.apps.find((a) => a.appId === DASHBOARD);
    expect(report?.diagnostics.map((d) => d.code)).not.toContain('engine-only-source');
  });

  it('names file datasets by the real path, so two spellings of one folder are one dataset', () => {
    const identities = q
      .nodes('ExternalDataset')
      .map((n) => (n.kind === 'ExternalDataset' ? [n.appId, n.attributes.identity] : []));
    expect(identities).toEqual(
      expect.arrayContaining([
        [SALES, 'file:///c:/qlikdata/qvd/orders.csv'],
        [SALES, 'file:///c:/qlikdata/qvd/orders.qvd'],
        [READER, 'file:///c:/qlikdata/qvd/orders.qvd'],
      ]),
    );
    const sameAs = graph.edges.filter(
      (e) => e.kind === 'SAME_AS' && e.attributes.identity === 'file:///c:/qlikdata/qvd/orders.qvd',
    );
    expect(sameAs.some((e) => e.from.startsWith(`app:${SALES}/`) && e.to.startsWith(`app:${READER}/`))).toBe(true);
    const connection = q.one('Connection', 'QVD');
    expect(connection.kind === 'Connection' && connection.attributes.connectionString).toBe('C:\\QlikData\\QVD');
  });
});
