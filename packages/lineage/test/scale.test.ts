import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractSiteLineage, type LineageGraph, validateLineageGraph } from '../src/index.js';
import { generatedAppId, generateLineageSite } from '../src/testing/index.js';
import { siteFor, startSimulator } from './support/simulator.js';

const N = 300;
let sim: Simulator;
let site: Site;
let out: string;

const gc = (globalThis as { gc?: () => void }).gc;
/** Live heap: what survives two full collections. */
function liveHeap(): number {
  if (!gc) throw new Error('the scale test needs --expose-gc (vitest.config.ts execArgv)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

beforeAll(async () => {
  sim = await startSimulator(generateLineageSite(N));
  site = siteFor(sim);
  out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-scale-'));
}, 60_000);

afterAll(async () => {
  await site?.close();
  await sim?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe(`a generated site of ${N} apps`, () => {
  it('serves the generated fixture with every app reloaded in task order', () => {
    expect(sim.apps).toHaveLength(N);
    expect(generateLineageSite(4).apps.map((a) => a.id)).toEqual([0, 1, 2, 3].map(generatedAppId));
  });

  it('crawls with concurrency 8 over one proxy session, resumes after an interruption, and keeps memory flat', async () => {
    // 1. Interrupted after 100 apps.
    const controller = new AbortController();
    const t0 = Date.now();
    const first = await extractSiteLineage(site, {
      outDir: out,
      concurrency: 8,
      host: 'generated',
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'app-done' && e.done >= 100) controller.abort();
      },
    });
    expect(first.aborted).toBe(true);
    const state = JSON.parse(await readFile(join(out, 'lineage-state.json'), 'utf8')) as {
      apps: Record<string, unknown>;
    };
    const recorded = Object.keys(state.apps).length;
    expect(recorded).toBeGreaterThanOrEqual(100);
    expect(recorded).toBeLessThan(N);

    // 2. Resumed: the recorded apps are re-used, the others extracted; live heap sampled as it goes.
    let warm: { heap: number; done: number } | undefined;
    let peak = process.memoryUsage().heapUsed;
    const t1 = Date.now();
    const second = await extractSiteLineage(site, {
      outDir: out,
      concurrency: 8,
      host: 'generated',
      formats: ['json', 'openlineage'],
      onProgress: (e) => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        if (e.type === 'app-done' && !warm && e.done >= recorded + 20) warm = { heap: liveHeap(), done: e.done };
      },
    });
    const crawlMs = Date.now() - t1;
    const end = liveHeap();
    expect(second.aborted).toBe(false);
    expect(second.apps).toEqual({ total: N, extracted: N - recorded, skipped: recorded, failed: 0 });
    expect(sim.audit.sessionsCreated()).toBe(1);
    expect(site.stats().proxySessionsCreated).toBe(1);

    const graphText = await readFile(join(out, 'lineage.json'), 'utf8');
    const before = liveHeap();
    const graph = JSON.parse(graphText) as LineageGraph;
    // What keeping every app graph in memory would cost: the parsed graph, per app.
    const heldPerApp = (liveHeap() - before) / N;
    expect(validateLineageGraph(graph)).toEqual({ valid: true, errors: [] });
    expect(graph.nodes.filter((n) => n.kind === 'App')).toHaveLength(N);
    // Each chain of 3: two QVDs written by one app and read by the next (and their 3 fields each).
    const sameAs = graph.edges.filter((e) => e.kind === 'SAME_AS');
    expect(sameAs.filter((e) => !e.from.includes('/field:'))).toHaveLength((N / 3) * 2);
    expect(sameAs.filter((e) => e.from.includes('/field:'))).toHaveLength((N / 3) * 2 * 3);
    expect(graph.edges.filter((e) => e.kind === 'REFERENCES' && e.attributes.usage === 'library')).toHaveLength(N / 3);
    // START + COMPLETE per app, and START + FAIL per app whose task's last reload failed after it.
    const failedReloads = graph.nodes.filter((n) => n.kind === 'App' && n.attributes.lastReloadFailure).length;
    expect(second.openLineage?.events).toBe(2 * N + 2 * failedReloads);

    // Flat memory: between a warm point and the end (stitching included) the live heap grows by
    // less than holding the graphs of the apps extracted in between would take. (Measured: about
    // a third of it, mostly the simulator and its audit trail, which share this process.)
    if (!warm) throw new Error('no warm-up sample');
    const span = N - warm.done;
    const growth = end - warm.heap;
    console.log(
      `[scale] ${N} apps: interrupted after ${recorded} (${Date.now() - t0 - crawlMs} ms), resumed ${N - recorded} in ${crawlMs} ms ` +
        `(${(((N - recorded) / crawlMs) * 1000).toFixed(1)} apps/s); live heap +${(growth / 1e6).toFixed(2)} MB over ${span} apps ` +
        `(holding them: ${((heldPerApp * span) / 1e6).toFixed(2)} MB); peak heap ${(peak / 1e6).toFixed(1)} MB (simulator included)`,
    );
    expect(growth).toBeLessThan(heldPerApp * span);
  }, 120_000);
});
