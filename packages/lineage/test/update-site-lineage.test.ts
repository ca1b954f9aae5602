import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  extractSiteLineage,
  type LineageGraph,
  type LineageProgressEvent,
  updateSiteLineage,
  validateLineageGraph,
} from '../src/index.js';
import { DEMO, siteFor, startSimulator } from './support/simulator.js';

let sim: Simulator;
let site: Site;
let other: Site;
let out: string;
let server: Server;
let url: string;
const posted: { job?: { facets?: { qlik_app?: { appId?: string } } } }[] = [];

beforeAll(async () => {
  sim = await startSimulator('demo');
  site = siteFor(sim, 'lineage-update');
  other = siteFor(sim, 'lineage-editor');
  out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-update-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      posted.push(JSON.parse(body) as (typeof posted)[number]);
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await site?.close();
  await other?.close();
  await sim?.close();
  await new Promise((resolve) => server?.close(resolve));
  await rm(out, { recursive: true, force: true });
});

const readGraph = async (): Promise<LineageGraph> =>
  JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;

/** What belongs to apps other than `appId` (and the site's shared nodes): must not change. */
function othersOf(graph: LineageGraph, appId: string) {
  return {
    nodes: graph.nodes.filter((n) => n.appId !== appId),
    edges: graph.edges.filter((e) => e.appId !== appId),
    apps: graph.apps.filter((a) => a.appId !== appId),
  };
}

describe('updateSiteLineage: only the changed app is extracted again', () => {
  it('re-extracts HR after another client changed, reloaded and saved it; every other app stays as it was; posts only its events', async () => {
    const options = { outDir: out, formats: ['json', 'openlineage', 'html'] as const, host: 'sim', concurrency: 2 };
    const full = await extractSiteLineage(site, options);
    expect(full.apps).toMatchObject({ total: 5, extracted: 5 });
    const before = await readGraph();
    expect(before.nodes.some((n) => n.appId === DEMO.hr && /WatchProbe/.test(n.name))).toBe(false);

    // Another client: a new table in HR's script, reloaded and saved. Finance is only saved (its
    // modifiedDate moves): an update of HR must not re-extract it either.
    await other.withApp(DEMO.hr, async (doc) => {
      const script = await doc.getScript();
      await doc.setScript(`${script}\nWatchProbe:\nLOAD * INLINE [\nprobe, value\na, 1\n];\n`);
      expect(await doc.doReload()).toBe(true);
      await doc.doSave();
    });
    await other.withApp(DEMO.finance, async (doc) => {
      await doc.doSave();
    });

    const progress: LineageProgressEvent[] = [];
    const updated = await updateSiteLineage(site, [DEMO.hr], {
      ...options,
      openLineage: { url },
      onProgress: (e) => progress.push(e),
    });
    expect(updated.apps).toMatchObject({ total: 5, extracted: 1, skipped: 4, failed: 0 });
    expect(
      progress.filter((e) => e.type === 'app-started').map((e) => (e.type === 'app-started' ? e.appId : '')),
    ).toEqual([DEMO.hr]);

    const after = await readGraph();
    expect(validateLineageGraph(after).valid).toBe(true);
    expect(othersOf(after, DEMO.hr)).toEqual(othersOf(before, DEMO.hr));
    expect(after.nodes.some((n) => n.appId === DEMO.hr && /WatchProbe/.test(n.name))).toBe(true);
    // The HTML page and the OpenLineage file were written again from the new graph.
    expect(await readFile(join(out, 'lineage.html'), 'utf8')).toContain('WatchProbe');
    expect(await readFile(join(out, 'openlineage.ndjson'), 'utf8')).toContain('WatchProbe');
    // Only HR's events were posted.
    expect(posted.length).toBeGreaterThan(0);
    expect(new Set(posted.map((e) => e.job?.facets?.qlik_app?.appId))).toEqual(new Set([DEMO.hr]));
    expect(updated.openLineage?.posted).toBe(posted.length);

    // No app named: nothing extracted, the site stitched and written again, the same graph.
    const restitched = await updateSiteLineage(site, [], options);
    expect(restitched.apps).toMatchObject({ extracted: 0, skipped: 5 });
    expect(await readGraph()).toEqual(after);
    expect(sim.audit.sessionsCreated('CORP\\lineage-update')).toBe(1);
  });

  it('rejects app ids that are not strings', async () => {
    await expect(updateSiteLineage(site, [42] as unknown as string[], { outDir: out })).rejects.toThrow(TypeError);
  });
});
