/**
 * Site changes (issue 17): a 1 000-app site, one change per second (an app copied, then published,
 * then deleted, over and over) made through QRS by another user, watched at the same time by:
 * - `site.changes()` (qixflow's QRS polling since a cursor), polling every second;
 * - `site.changes({ source: 'notifications' })`: QRS change subscriptions calling a local receiver
 *   back, each callback a hint to poll since the cursor (a safety poll every minute);
 * - the naive watcher: a full `/qrs/app/full` listing every second, diffed with the previous one.
 * Figures per watcher: changes detected (of those made), detection latency p50/p99 (from the end of
 * the QRS call that made the change to the event), and QRS requests and bytes received per
 * detected change — the ratio column compares bytes per change with the naive watcher's.
 */
import { createSite, type Site, type SiteChangeEvent } from '@qixflow/core';
import type { SimAppFixture, SimSiteFixture } from '@qixflow/sense-sim';
import { type CountingHttp, countingHttp } from '../lib/counting-http.js';
import type { Row } from '../lib/measure.js';
import { startServer } from '../lib/start-server.js';

type Kind = 'created' | 'published' | 'deleted';

interface Watcher {
  subject: string;
  http: CountingHttp;
  /** When each change (`<appId>:<kind>`) was seen. */
  seen: Map<string, number>;
  stop(): Promise<void>;
}

function siteFixture(apps: number): SimSiteFixture {
  const streams = Array.from({ length: 10 }, (_, i) => ({ name: `Stream ${i}` }));
  const list: SimAppFixture[] = Array.from({ length: apps }, (_, i) => ({
    id: `bench-app-${String(i).padStart(4, '0')}`,
    name: `App ${i}`,
    ...(i % 2 === 0 ? { stream: `Stream ${i % 10}` } : {}),
    script: '',
  }));
  return { streams, apps: list } as SimSiteFixture;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

export async function changesSuite(scale: number): Promise<Row[]> {
  const apps = 1000;
  const seconds = Math.max(10, Math.round(60 * scale));
  const sim = await startServer(
    {
      kind: 'simulator',
      options: {
        site: siteFixture(apps),
        reloadOnStart: false,
        virtualProxies: [{ prefix: 'jwt', licence: 'core-based' }],
      },
    },
    { isolate: 'process' },
  );
  const ca = sim.ca ?? '';
  const privateKey = sim.privateKey ?? '';
  const siteOf = (userId: string, http?: CountingHttp): Site =>
    createSite({
      host: sim.url,
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKey, userId, userDirectory: 'BENCH' },
      tls: { ca },
      origin: sim.url.replace('127.0.0.1', 'localhost'),
      ...(http ? { io: { http } } : {}),
    });
  const watchers: Watcher[] = [];
  try {
    watchers.push(
      await pollingWatcher(siteOf, ca),
      await pollingWatcher(siteOf, ca, 'notifications'),
      await naiveWatcher(siteOf, ca),
    );
    const made = await driveChanges(siteOf('driver'), seconds);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the last changes arrive
    for (const w of watchers) await w.stop();
    return watchers.map((w) => row(w, made, seconds, apps, watchers[watchers.length - 1]));
  } finally {
    for (const w of watchers) await w.stop().catch(() => undefined);
    await sim.stop();
  }
}

async function pollingWatcher(
  siteOf: (user: string, http?: CountingHttp) => Site,
  ca: string,
  source: 'polling' | 'notifications' = 'polling',
): Promise<Watcher> {
  const http = countingHttp(ca);
  const site = siteOf(`watcher-${source}`, http);
  const seen = new Map<string, number>();
  const feed =
    source === 'polling'
      ? site.changes({ minIntervalMs: 1000, maxIntervalMs: 1000 })
      : site.changes({ source: 'notifications', safetyPollMs: 60_000 });
  const kinds: Partial<Record<SiteChangeEvent['type'], Kind>> = {
    'app.created': 'created',
    'app.published': 'published',
    'app.deleted': 'deleted',
  };
  feed.on('change', (event) => {
    const kind = kinds[event.type];
    if (kind) seen.set(`${event.appId}:${kind}`, performance.now());
  });
  feed.on('error', () => undefined);
  await feed.ready();
  return {
    subject: source === 'polling' ? 'site.changes() polling, every 1 s' : "site.changes({ source: 'notifications' })",
    http,
    seen,
    stop: async () => {
      await feed.close();
      await site.close();
    },
  };
}

/** What hand-rolled watchers do: list every app each interval and compare with the last listing. */
async function naiveWatcher(siteOf: (user: string, http?: CountingHttp) => Site, ca: string): Promise<Watcher> {
  const http = countingHttp(ca);
  const site = siteOf('watcher-naive', http);
  const seen = new Map<string, number>();
  type App = { id: string; modifiedDate: string; published: boolean };
  let last = new Map((await site.qrs.get<App[]>('/app/full')).map((a) => [a.id, a]));
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = new Map((await site.qrs.get<App[]>('/app/full')).map((a) => [a.id, a]));
      const at = performance.now();
      for (const [id, app] of now) {
        const before = last.get(id);
        if (!before) seen.set(`${id}:created`, at);
        else if (app.published && !before.published) seen.set(`${id}:published`, at);
      }
      for (const id of last.keys()) if (!now.has(id)) seen.set(`${id}:deleted`, at);
      last = now;
    }
  })();
  return {
    subject: 'naive: full /qrs/app/full listing every 1 s',
    http,
    seen,
    stop: async () => {
      stopped = true;
      await loop.catch(() => undefined);
      await site.close();
    },
  };
}

/** One change per second for `seconds`: copy an app, publish the copy, delete it, and again. */
async function driveChanges(site: Site, seconds: number): Promise<Map<string, number>> {
  const made = new Map<string, number>();
  const streams = await site.qrs.get<{ id: string }[]>('/stream');
  let copy: string | undefined;
  for (let i = 0; i < seconds; i++) {
    const tick = performance.now();
    if (copy === undefined) {
      copy = (
        await site.qrs.post<{ id: string }>(`/app/bench-app-${String(i % 500).padStart(4, '0')}/copy`, undefined, {
          query: { name: `Copy ${i}` },
        })
      ).id;
      made.set(`${copy}:created`, performance.now());
    } else if (i % 3 === 1) {
      await site.qrs.put(`/app/${copy}/publish`, undefined, {
        query: { stream: streams[i % streams.length]?.id ?? '' },
      });
      made.set(`${copy}:published`, performance.now());
    } else {
      await site.qrs.delete(`/app/${copy}`);
      made.set(`${copy}:deleted`, performance.now());
      copy = undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (performance.now() - tick))));
  }
  await site.close();
  return made;
}

/** Latencies of the changes a watcher saw, and what it cost per change. */
function statsOf(w: Watcher, made: Map<string, number>) {
  const latencies: number[] = [];
  for (const [key, at] of made) {
    const seenAt = w.seen.get(key);
    if (seenAt !== undefined) latencies.push(Math.max(0, seenAt - at));
  }
  const detected = latencies.length;
  const perChange = (x: number) => (detected > 0 ? x / detected : Number.NaN);
  const missed = [...made.keys()].filter((key) => !w.seen.has(key)).map((key) => key.split(':')[1]);
  return {
    latencies,
    detected,
    missed,
    bytes: perChange(w.http.counts.bytes),
    requests: perChange(w.http.counts.requests),
  };
}

function row(w: Watcher, made: Map<string, number>, seconds: number, apps: number, naive: Watcher | undefined): Row {
  const mine = statsOf(w, made);
  const base = naive ? statsOf(naive, made) : undefined;
  return {
    scenario: `${apps} apps, 1 change/s for ${seconds} s`,
    subject: w.subject,
    rate: {
      ops: mine.detected,
      seconds,
      perSecond: mine.detected / seconds,
      p50Ms: percentile(mine.latencies, 0.5),
      p99Ms: percentile(mine.latencies, 0.99),
    },
    ratio: w === naive || !base ? '(baseline)' : `${(base.bytes / mine.bytes).toFixed(1)}x fewer bytes/change`,
    extra:
      `${mine.detected}/${made.size} changes detected${mine.missed.length > 0 ? ` (missed: ${mine.missed.join(', ')})` : ''}, ` +
      `${mine.requests.toFixed(1)} requests and ${(mine.bytes / 1024).toFixed(1)} KiB per change`,
  };
}
