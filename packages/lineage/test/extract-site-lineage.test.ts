import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  extractSiteLineage,
  LineageError,
  type LineageGraph,
  type LineageProgressEvent,
  validateLineageGraph,
} from '../src/index.js';
import { DEMO, siteFor, startSimulator } from './support/simulator.js';

let sim: Simulator;
let site: Site;
let out: string;

beforeAll(async () => {
  sim = await startSimulator('demo');
  site = siteFor(sim);
});

afterAll(async () => {
  await site?.close();
  await sim?.close();
});

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-site-'));
  sim.control.reset();
});

afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );
const appOpens = () => sim.audit.entries('websocket-opened').length;

describe('extractSiteLineage: resuming', () => {
  it('stops on abort after N apps, and a re-run skips those and extracts the rest', async () => {
    const controller = new AbortController();
    const first: LineageProgressEvent[] = [];
    const stopped = await extractSiteLineage(site, {
      outDir: out,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (e) => {
        first.push(e);
        if (e.type === 'app-done' && e.done === 2) controller.abort();
      },
    });
    expect(stopped).toMatchObject({ aborted: true, apps: { total: 5, extracted: 2, skipped: 0, failed: 0 } });
    expect(await exists(join(out, 'lineage.json'))).toBe(false);
    const state = JSON.parse(await readFile(join(out, 'lineage-state.json'), 'utf8')) as {
      apps: Record<string, unknown>;
    };
    const done = first.filter((e) => e.type === 'app-done').map((e) => (e.type === 'app-done' ? e.appId : ''));
    expect(Object.keys(state.apps).sort()).toEqual([...done].sort());

    const second: LineageProgressEvent[] = [];
    const resumed = await extractSiteLineage(site, { outDir: out, concurrency: 2, onProgress: (e) => second.push(e) });
    expect(resumed).toMatchObject({ aborted: false, apps: { total: 5, extracted: 3, skipped: 2, failed: 0 } });
    expect(second[0]).toEqual({ type: 'inventory', total: 5, toExtract: 3, reused: 2 });
    expect(
      second
        .filter((e) => e.type === 'app-skipped')
        .map((e) => (e.type === 'app-skipped' ? e.appId : ''))
        .sort(),
    ).toEqual([...done].sort());
    const graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
    expect(validateLineageGraph(graph).valid).toBe(true);
    expect(graph.apps).toHaveLength(5);
    expect(graph.edges.some((e) => e.kind === 'SAME_AS')).toBe(true);

    // Nothing changed: a third run opens no app and writes the same graph.
    const opens = appOpens();
    const third = await extractSiteLineage(site, { outDir: out });
    expect(third.apps).toEqual({ total: 5, extracted: 0, skipped: 5, failed: 0 });
    expect(appOpens()).toBe(opens);
    expect(JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8'))).toEqual(graph);
  });

  it('re-extracts an app whose fragment no longer matches the state, and everything with resume: false', async () => {
    await extractSiteLineage(site, { outDir: out, concurrency: 5 });
    const state = JSON.parse(await readFile(join(out, 'lineage-state.json'), 'utf8')) as {
      apps: Record<string, { fragment: string }>;
    };
    const fragment = join(out, 'fragments', state.apps[DEMO.finance]?.fragment ?? '');
    await writeFile(fragment, `${await readFile(fragment, 'utf8')}\n`);
    const again = await extractSiteLineage(site, { outDir: out });
    expect(again.apps).toMatchObject({ extracted: 1, skipped: 4 });
    const fresh = await extractSiteLineage(site, { outDir: out, resume: false });
    expect(fresh.apps).toMatchObject({ extracted: 5, skipped: 0 });
  });

  it('re-extracts when the options change (model)', async () => {
    await extractSiteLineage(site, { outDir: out, concurrency: 5, model: 'never' });
    const again = await extractSiteLineage(site, { outDir: out, concurrency: 5, model: 'always' });
    expect(again.apps).toMatchObject({ extracted: 5, skipped: 0 });
  });
});

describe('extractSiteLineage: failures', () => {
  it('records an app that fails and goes on; the next run retries it', async () => {
    sim.control.failNext('GetScript', { count: 1, code: 5, message: 'Access denied' });
    const events: LineageProgressEvent[] = [];
    const summary = await extractSiteLineage(site, { outDir: out, concurrency: 1, onProgress: (e) => events.push(e) });
    // Apps go in id order: the first is the Sales Dashboard.
    expect(summary.apps).toEqual({ total: 5, extracted: 4, skipped: 0, failed: 1 });
    expect(summary.failures).toEqual([
      {
        appId: DEMO.dashboard,
        appName: 'Sales Dashboard',
        code: 'ERR_ENGINE',
        message: expect.stringContaining('Access denied'),
      },
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'app-failed', appId: DEMO.dashboard, code: 'ERR_ENGINE', done: 1, total: 5 }),
    );
    const graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
    expect(validateLineageGraph(graph).valid).toBe(true);
    const report = graph.apps.find((a) => a.appId === DEMO.dashboard);
    expect(report).toMatchObject({ status: 'failed', error: { code: 'ERR_ENGINE' } });
    expect(
      graph.nodes.find((n) => n.kind === 'App' && n.attributes.appId === DEMO.dashboard)?.attributes,
    ).toMatchObject({ status: 'failed' });
    expect(graph.nodes.filter((n) => n.appId === DEMO.dashboard)).toHaveLength(1);

    const retry = await extractSiteLineage(site, { outDir: out });
    expect(retry.apps).toEqual({ total: 5, extracted: 1, skipped: 4, failed: 0 });
  });

  it('fails an app that does not answer within appTimeoutMs', async () => {
    sim.control.delayResponses({ method: 'GetScript', ms: 6000, count: 1 });
    const summary = await extractSiteLineage(site, {
      outDir: out,
      concurrency: 1,
      appTimeoutMs: 2000, // room for the other app on a busy machine; the delayed one needs 6 s
      appIds: [DEMO.hr, DEMO.finance],
    });
    expect(summary.apps).toMatchObject({ total: 2, extracted: 1, failed: 1 });
    // Apps go in id order.
    expect(summary.failures[0]).toMatchObject({
      appId: DEMO.hr,
      code: 'ERR_TIMEOUT',
      message: 'the app did not answer in time (appTimeoutMs)',
    });
  });

  it('rejects with ERR_LINEAGE_OUTPUT when the output folder cannot be created', async () => {
    const file = join(out, 'a-file');
    await writeFile(file, '');
    const error = await extractSiteLineage(site, { outDir: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineageError);
    expect(error).toMatchObject({
      code: 'ERR_LINEAGE_OUTPUT',
      message: `cannot create the folder ${join(file, 'fragments')}: ENOTDIR: not a directory`,
      path: join(file, 'fragments'),
    });
  });

  it('rejects with ERR_LINEAGE_FRAGMENT_INVALID when a fragment is damaged before it is stitched', async () => {
    const damaged = join(out, 'fragments', `${DEMO.finance}.ndjson`);
    const run = extractSiteLineage(site, {
      outDir: out,
      appIds: [DEMO.finance],
      // Another process writing into the same folder, between the crawl and the outputs.
      onProgress: (e) => e.type === 'stitching' && writeFileSync(damaged, '{"app":'),
    });
    await expect(run).rejects.toMatchObject({
      name: 'LineageError',
      code: 'ERR_LINEAGE_FRAGMENT_INVALID',
      message: `the fragment ${damaged} is damaged (line 1 is not JSON)`,
    });
  });

  it('checks its options at the boundary', async () => {
    await expect(extractSiteLineage(site, { outDir: '' })).rejects.toThrow(
      new TypeError('extractSiteLineage: options.outDir must be a non-empty string'),
    );
    await expect(extractSiteLineage(site, { outDir: out, concurrency: 0 })).rejects.toThrow(
      'options.concurrency must be an integer from 1 to 32, got 0',
    );
    await expect(extractSiteLineage(site, { outDir: out, formats: ['pdf' as 'json'] })).rejects.toThrow(
      `options.formats must list 'json', 'openlineage' or 'html', got ["pdf"]`,
    );
    await expect(extractSiteLineage({} as Site, { outDir: out })).rejects.toThrow(
      'extractSiteLineage: site must be a @qixflow/core Site (createSite)',
    );
  });
});
