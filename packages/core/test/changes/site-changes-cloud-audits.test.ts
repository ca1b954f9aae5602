import type { Simulator, SimulatorOptions } from '@qixflow/sense-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../src/http/http-client.js';
import type { Site, SiteChangeEvent, SiteChangeFeed } from '../../src/index.js';
import { startCloudReload, tenantCookies } from '../support/cloud-tenant.js';
import { siteFor, startSim, watcherAuth } from '../support/harness.js';

/** 250 apps: a full item listing is three pages of 100. */
const APP_COUNT = 250;
const appId = (i: number) => `cloud-app-${String(i).padStart(4, '0')}`;

function siteFixture(): NonNullable<SimulatorOptions['site']> {
  return {
    streams: [{ name: 'Finance' }],
    apps: Array.from({ length: APP_COUNT }, (_, i) => ({
      id: appId(i),
      name: `App ${i}`,
      // One minute apart, as a real tenant's apps are (ties only on the same millisecond).
      createdDate: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      modifiedDate: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      ...(i % 50 === 0 ? { stream: 'Finance' } : {}),
      // App 1 takes a while to reload, so a poll can see it RELOADING.
      script: i === 1 ? 'SLEEP 1500;\nT: LOAD 1 AS X AUTOGENERATE 1;' : 'T: LOAD 1 AS X AUTOGENERATE 1;',
    })),
  } as NonNullable<SimulatorOptions['site']>;
}

interface Watched {
  feed: SiteChangeFeed;
  events: SiteChangeEvent[];
  /** The tenant requests the watcher sent (method, path and query), since the last reset. */
  traffic: string[];
}

const short = (e: SiteChangeEvent) => `${e.type} ${e.appName}`;
/** Item listings of a poll: requests for `/api/v1/items` (first pages and `next` pages). */
const itemReads = (traffic: readonly string[]) => traffic.filter((t) => t.includes('/api/v1/items'));

describe('site.changes() on Qlik Cloud without full listings: deletions from the audit log', () => {
  let sim: Simulator;
  let cloud: Site;
  let admin: Site;
  let http: HttpClient;
  afterEach(async () => {
    await cloud.close();
    await admin.close();
    await http.close();
    await sim.close();
  });

  async function start(tenant: { auditsReadable?: boolean } = {}, options: Parameters<Site['changes']>[0] = {}) {
    sim = await startSim({
      site: siteFixture(),
      reloadOnStart: false,
      virtualProxies: [{ prefix: 'jwt' }],
      tenant: { issuer: 'https://idp.example', keyId: 'kid-1', ...tenant },
    });
    const traffic: string[] = [];
    // The watcher's requests with their query strings (the traffic hook shows URLs without them).
    const inner = createHttpClient({ rejectUnauthorized: true, ...(sim.ca ? { ca: sim.ca } : {}) });
    http = {
      request: (req) => {
        const url = new URL(req.url);
        traffic.push(`${req.method} ${url.pathname}${url.search}`);
        return inner.request(req);
      },
      close: () => inner.close(),
    };
    cloud = siteFor(sim, {
      io: { http },
      prefix: '',
      auth: watcherAuth(sim),
    });
    admin = siteFor(sim, { userId: 'admin' });
    const feed = cloud.changes({ minIntervalMs: 60_000, maxIntervalMs: 60_000, ...options });
    const events: SiteChangeEvent[] = [];
    feed.on('change', (event) => events.push(event));
    await feed.ready();
    return { feed, events, traffic } satisfies Watched;
  }

  it('reads only the changed items and the deletions; an app deleted is app.deleted once, with its name', async () => {
    const watched = await start();
    // The first poll lists everything once (three pages) and asks the audit log what it holds.
    expect(itemReads(watched.traffic)).toHaveLength(3);
    expect(watched.traffic.some((t) => t.startsWith('GET /api/v1/audits/types'))).toBe(true);
    watched.traffic.length = 0;

    await admin.withApp(appId(7), async (doc) => {
      await doc.setScript('T: LOAD 2 AS X AUTOGENERATE 1;');
      await doc.doSave();
    });
    await admin.qrs.delete(`/app/${appId(9)}`);
    await watched.feed.pollNow();
    expect(watched.events.map(short)).toEqual(['app.updated App 7', 'app.deleted App 9']);
    expect(watched.events[1]).toMatchObject({ appId: appId(9), stream: undefined });
    // One page of items, newest first, read until the cursor: no `next` page, no full listing.
    expect(itemReads(watched.traffic)).toHaveLength(1);
    expect(itemReads(watched.traffic).some((t) => t.includes('next='))).toBe(false);
    const audits = watched.traffic.filter((t) => t.startsWith('GET /api/v1/audits?'));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatch(/eventType=com\.qlik\.app\.deleted/);

    // Quiet polls read one page of items and one of audits, and report nothing; the deletion is not repeated.
    watched.traffic.length = 0;
    expect(await watched.feed.pollNow()).toEqual([]);
    expect(await watched.feed.pollNow()).toEqual([]);
    expect(itemReads(watched.traffic)).toHaveLength(2);

    // A restart from the cursor neither repeats the deletion nor needs a full listing.
    const cursor = watched.feed.cursor();
    await watched.feed.close();
    watched.traffic.length = 0;
    const resumed = cloud.changes({ minIntervalMs: 60_000, maxIntervalMs: 60_000, cursor });
    const again: SiteChangeEvent[] = [];
    resumed.on('change', (event) => again.push(event));
    await resumed.ready();
    await admin.qrs.delete(`/app/${appId(50)}`);
    await resumed.pollNow();
    expect(again.map(short)).toEqual(['app.deleted App 50']);
    expect(again[0]?.stream).toBe('Finance'); // the space's name
    expect(itemReads(watched.traffic).some((t) => t.includes('next='))).toBe(false);
    await resumed.close();
  });

  it('a reload seen running is task.started at once, and app.reloaded when it ends', async () => {
    const watched = await start();
    const reloadId = await startCloudReload(sim, await tenantCookies(sim), appId(1));
    const until = async (done: () => boolean) => {
      const begin = Date.now();
      while (!done()) {
        if (Date.now() - begin > 15_000) throw new Error(`not seen; got ${watched.events.map(short).join(', ')}`);
        await watched.feed.pollNow();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(() => watched.events.some((e) => e.type === 'task.started'));
    // The reload sleeps 1.5 s: the poll saw it RELOADING, before it ended.
    expect(watched.events.map(short)).toEqual(['task.started App 1']);
    expect(watched.events[0]).toMatchObject({ taskId: reloadId, taskName: '' });
    await until(() => watched.events.some((e) => e.type === 'app.reloaded'));
    expect(watched.events.map(short)).toEqual(['task.started App 1', 'app.reloaded App 1']);
    expect(await watched.feed.pollNow()).toEqual([]);
  });

  it('when the audit log is forbidden (403), deletions come from a full listing every deletionSweepEvery polls', async () => {
    const watched = await start({ auditsReadable: false }, { deletionSweepEvery: 3 });
    watched.traffic.length = 0;
    await admin.qrs.delete(`/app/${appId(9)}`);
    const polls: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = itemReads(watched.traffic).length;
      await watched.feed.pollNow();
      polls.push(itemReads(watched.traffic).length - before);
    }
    // Polls 1 and 2 read one page; poll 3 lists every app (one page + three for the sweep).
    expect(polls).toEqual([1, 1, 4]);
    expect(watched.events.map(short)).toEqual(['app.deleted App 9']);
    expect(watched.traffic.filter((t) => t.startsWith('GET /api/v1/audits?'))).toEqual([]);
  });
});
