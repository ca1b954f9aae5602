/**
 * The 300-app lineage crawl (issue 7), same simulator, same run:
 * - qixflow `extractSiteLineage` at concurrency 1, 4 and 8 over one proxy session, streaming the
 *   graph to disk;
 * - the naive script: the same per-app extraction (`extractAppLineage`), sequential, with a new JWT
 *   handshake and a plain enigma.js session per app, every app's graph kept in memory and written
 *   at the end — what hand-rolled crawlers do.
 * Figures: apps/s (as ratios to the naive script), peak heap of the client (main thread; the
 * simulator runs in a worker thread with its own heap) and proxy sessions created.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSite } from '@qixflow/core';
import {
  type AppLineage,
  extractAppLineage,
  extractSiteLineage,
  type LineageDoc,
  mergeLineageGraphs,
} from '@qixflow/lineage';
import { generateLineageSite } from '@qixflow/lineage/testing';
import type { SimSiteFixture } from '@qixflow/sense-sim';
import type { Rate, Row } from '../lib/measure.js';
import { createNaiveClient, type PlainEnigmaObject } from '../lib/naive-client.js';
import { startServer } from '../lib/start-server.js';

const gc = (globalThis as { gc?: () => void }).gc;

/** Samples the main thread's heap every 5 ms while `fn` runs; returns its time and the peak. */
async function sampled(fn: () => Promise<void>): Promise<{ ms: number; peakMb: number }> {
  gc?.();
  gc?.();
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  const start = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - start;
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, peakMb: peak / 2 ** 20 };
}

function appsRate(apps: number, ms: number): Rate {
  return { ops: apps, seconds: ms / 1000, perSecond: apps / (ms / 1000), p50Ms: ms / apps, p99Ms: Number.NaN };
}

export async function lineageSuite(scale: number): Promise<Row[]> {
  const n = Math.max(30, Math.round(300 * scale));
  const fixture = generateLineageSite(n);
  const sim = await startServer({
    kind: 'simulator',
    options: {
      site: fixture as unknown as SimSiteFixture,
      virtualProxies: [{ prefix: 'jwt', licence: 'core-based' }],
    },
  });
  const ca = sim.ca ?? '';
  const privateKey = sim.privateKey ?? '';
  const origin = sim.url.replace('127.0.0.1', 'localhost');
  const apps = fixture.apps.map((a) => ({ id: a.id, name: a.name }));
  const naive = await createNaiveClient({ url: sim.url, ca, privateKey, prefix: 'jwt' });
  const out = await mkdtemp(join(tmpdir(), 'qixflow-bench-lineage-'));
  const rows: Row[] = [];
  const scenario = `crawl of a generated ${n}-app site`;
  const NAIVE = 'naive script (sequential, JWT session per app)';
  try {
    // The naive script.
    const naiveRun = await sampled(async () => {
      const results: AppLineage[] = [];
      for (const app of apps) {
        const { cookie, csrf } = await naive.login('naive-crawler');
        const session = naive.enigmaSession(app.id, cookie, csrf, 'lineage');
        try {
          const global = (await session.open()) as unknown as PlainEnigmaObject;
          const doc = (await global.openDoc?.(app.id)) as unknown as LineageDoc;
          results.push(await extractAppLineage(doc, { appId: app.id, appName: app.name }));
        } finally {
          await session.close();
        }
      }
      const graph = mergeLineageGraphs(results.map((r) => r.graph));
      await writeFile(join(out, 'naive-lineage.json'), JSON.stringify(graph));
    });
    rows.push({
      scenario,
      subject: NAIVE,
      rate: appsRate(n, naiveRun.ms),
      extra: `peak heap ${naiveRun.peakMb.toFixed(0)} MB, ${n} proxy sessions`,
    });

    for (const concurrency of [1, 4, 8]) {
      const site = createSite({
        host: sim.url,
        prefix: 'jwt',
        auth: { kind: 'jwt', privateKey, userId: `qixflow-crawler-${concurrency}`, userDirectory: 'BENCH' },
        tls: { ca },
        origin,
      });
      const dir = join(out, `c${concurrency}`);
      let failures = 0;
      const run = await sampled(async () => {
        const summary = await extractSiteLineage(site, { outDir: dir, concurrency, formats: ['json'], resume: false });
        failures = summary.failures.length;
      });
      const sessions = site.stats().proxySessionsCreated;
      await site.close();
      rows.push({
        scenario,
        subject: `qixflow extractSiteLineage, concurrency ${concurrency}`,
        rate: appsRate(n, run.ms),
        baseline: NAIVE,
        extra: `peak heap ${run.peakMb.toFixed(0)} MB (${(run.peakMb / naiveRun.peakMb).toFixed(2)}x naive), ${sessions} proxy session${sessions === 1 ? '' : 's'}${failures ? `, ${failures} failed apps` : ''}`,
      });
    }
  } finally {
    await naive.close();
    await sim.stop();
    await rm(out, { recursive: true, force: true });
  }
  return rows;
}
