/**
 * The 300-app lineage crawl (issue 7), same simulator, same run:
 * - qixflow `extractSiteLineage` at concurrency 1, 4 and 8 over one proxy session, streaming the
 *   graph to disk;
 * - the naive script: the same per-app extraction (`extractAppLineage`), sequential, with a new JWT
 *   handshake and a plain enigma.js session per app, every app's graph kept in memory and written
 *   at the end — what hand-rolled crawlers do.
 * Figures: apps/s (as ratios to the naive script), peak heap of the client (main thread; the
 * simulator runs in a worker thread with its own heap) and proxy sessions created.
 *
 * Then the same crawl of the first apps with 20 ms of network latency (10 ms each way, a TCP relay
 * in front of the site: every round trip of the handshake, QRS and engine calls pays it), where
 * concurrency pays: the naive script against qixflow at concurrency 8; and qixflow's peak heap
 * crawling 30 apps against the whole site (memory flat from 30 to 300 apps).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
import { startLatencyProxy } from '../lib/latency-proxy.js';
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

/**
 * Like {@link sampled}, and the live heap too: every 250 ms a full collection, then heapUsed — the
 * memory the crawl holds, without the garbage GC timing leaves (it slows the crawl a little).
 */
async function sampledLive(fn: () => Promise<void>): Promise<{ ms: number; peakMb: number; liveMb: number }> {
  let live = 0;
  const timer = setInterval(() => {
    gc?.();
    live = Math.max(live, process.memoryUsage().heapUsed);
  }, 250);
  try {
    const run = await sampled(fn);
    gc?.();
    live = Math.max(live, process.memoryUsage().heapUsed);
    return { ...run, liveMb: (gc ? live : run.peakMb * 2 ** 20) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
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
  const crawlerSite = (url: string, userId: string) =>
    createSite({
      host: url,
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKey, userId, userDirectory: 'BENCH' },
      tls: { ca },
      origin,
    });
  const out = await mkdtemp(join(tmpdir(), 'qixflow-bench-lineage-'));
  const rows: Row[] = [];
  const scenario = `crawl of a generated ${n}-app site`;
  const NAIVE = 'naive script (sequential, JWT session per app)';
  try {
    // The naive script.
    const naiveRun = await sampled(() => naiveCrawl(naive, apps, out));
    rows.push({
      scenario,
      subject: NAIVE,
      rate: appsRate(n, naiveRun.ms),
      extra: `peak heap ${naiveRun.peakMb.toFixed(0)} MB, ${n} proxy sessions`,
    });

    for (const concurrency of [1, 4, 8]) {
      const site = crawlerSite(sim.url, `qixflow-crawler-${concurrency}`);
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

    // Flat memory: qixflow at concurrency 8 over the first 30 apps and over all of them, its live heap
    // (garbage collected before each sample) as the crawl goes on; the peak heap above includes garbage.
    const liveRuns: { apps: number; run: { ms: number; peakMb: number; liveMb: number } }[] = [];
    for (const chosen of [apps.slice(0, 30), apps]) {
      const memSite = crawlerSite(sim.url, `qixflow-crawler-mem-${chosen.length}`);
      const run = await sampledLive(async () => {
        await extractSiteLineage(memSite, {
          outDir: join(out, `mem${chosen.length}`),
          concurrency: 8,
          formats: ['json'],
          resume: false,
          appIds: chosen.map((a) => a.id),
        });
      });
      await memSite.close();
      liveRuns.push({ apps: chosen.length, run });
    }
    const [few, all] = liveRuns;
    if (few && all)
      for (const { apps: count, run } of liveRuns)
        rows.push({
          scenario: `memory of a crawl: the first 30 apps vs all ${n}`,
          subject: `qixflow extractSiteLineage, concurrency 8, ${count} apps`,
          rate: appsRate(count, run.ms),
          extra: `live heap peak ${run.liveMb.toFixed(0)} MB (${count === all.apps ? `${(all.run.liveMb / few.run.liveMb).toFixed(2)}x the 30-app crawl` : 'baseline'}), sampled peak heap ${run.peakMb.toFixed(0)} MB${gc ? '' : ' (no --expose-gc: live = sampled)'}`,
        });

    const m = Math.min(n, Math.max(30, Math.round(60 * scale)));
    rows.push(...(await latencyScenario({ target: sim.url, ca, privateKey }, apps.slice(0, m), out)));
  } finally {
    await naive.close();
    await sim.stop();
    await rm(out, { recursive: true, force: true });
  }
  return rows;
}

/** The naive crawl: sequential, a new JWT session and a plain enigma.js session per app, all in memory. */
async function naiveCrawl(
  naive: Awaited<ReturnType<typeof createNaiveClient>>,
  apps: readonly { id: string; name: string }[],
  out: string,
): Promise<void> {
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
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'naive-lineage.json'), JSON.stringify(graph));
}

/**
 * The crawl of `apps` through a relay that adds 10 ms each way: the naive script against qixflow at
 * concurrency 8 (and 1), both over the same relay.
 */
async function latencyScenario(
  server: { target: string; ca: string; privateKey: string },
  apps: readonly { id: string; name: string }[],
  out: string,
): Promise<Row[]> {
  const relay = await startLatencyProxy(server.target, 10);
  const scenario = `crawl of ${apps.length} apps, 20 ms round trips`;
  const NAIVE = 'naive script (sequential, JWT session per app)';
  const naive = await createNaiveClient({
    url: relay.url,
    ca: server.ca,
    privateKey: server.privateKey,
    prefix: 'jwt',
  });
  const rows: Row[] = [];
  try {
    const naiveRun = await sampled(() => naiveCrawl(naive, apps, join(out, 'latency-naive')));
    rows.push({
      scenario,
      subject: NAIVE,
      rate: appsRate(apps.length, naiveRun.ms),
      extra: `${apps.length} proxy sessions`,
    });
    for (const concurrency of [1, 8]) {
      const site = createSite({
        host: relay.url,
        prefix: 'jwt',
        auth: {
          kind: 'jwt',
          privateKey: server.privateKey,
          userId: `qixflow-far-${concurrency}`,
          userDirectory: 'BENCH',
        },
        tls: { ca: server.ca },
        origin: relay.url.replace('127.0.0.1', 'localhost'),
      });
      const run = await sampled(async () => {
        await extractSiteLineage(site, {
          outDir: join(out, `latency-c${concurrency}`),
          concurrency,
          formats: ['json'],
          resume: false,
          appIds: apps.map((a) => a.id),
        });
      });
      const sessions = site.stats().proxySessionsCreated;
      await site.close();
      rows.push({
        scenario,
        subject: `qixflow extractSiteLineage, concurrency ${concurrency}`,
        rate: appsRate(apps.length, run.ms),
        baseline: NAIVE,
        extra: `peak heap ${run.peakMb.toFixed(0)} MB, ${sessions} proxy session${sessions === 1 ? '' : 's'}`,
      });
    }
  } finally {
    await naive.close();
    await relay.close();
  }
  return rows;
}
