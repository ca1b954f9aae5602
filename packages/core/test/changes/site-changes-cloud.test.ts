import type { Simulator } from '@qixflow/sense-sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Site, SiteChangeEvent, SiteChangeFeed } from '../../src/index.js';
import { startCloudReload, tenantCookies } from '../support/cloud-tenant.js';
import { APPS, failureOf, siteFor, startSim, watcherAuth } from '../support/harness.js';

const HR_TASK = 'c5d7e9f1-6a8b-4c0d-8e2f-4a5b6c7d8e49';
const HR = '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74';

interface Watched {
  feed: SiteChangeFeed;
  events: SiteChangeEvent[];
}

/** Polls until `done` holds for the changes emitted since the call (or 15 s), then once more; returns them. */
async function collect(watched: Watched, done: (seen: SiteChangeEvent[]) => boolean): Promise<SiteChangeEvent[]> {
  const from = watched.events.length;
  const seen = () => watched.events.slice(from);
  const start = Date.now();
  while (!done(seen())) {
    if (Date.now() - start > 15_000) throw new Error(`not seen in time; got ${JSON.stringify(seen().map(short))}`);
    await watched.feed.pollNow();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  await watched.feed.pollNow();
  return seen();
}

const short = (e: SiteChangeEvent) => `${e.type} ${e.appName}`;

describe('site.changes() on a Qlik Cloud tenant: polling items and reloads', () => {
  let sim: Simulator;
  /** The watcher, logged in to the tenant (cloud-jwt). */
  let cloud: Site;
  /** A QSEoW client of the same site, to change it through QRS. */
  let admin: Site;
  beforeEach(async () => {
    sim = await startSim({
      virtualProxies: [{ prefix: 'jwt' }],
      tenant: { issuer: 'https://idp.example', keyId: 'kid-1' },
    });
    cloud = siteFor(sim, {
      prefix: '',
      auth: watcherAuth(sim),
    });
    admin = siteFor(sim, { userId: 'admin' });
  });
  afterEach(async () => {
    await cloud.close();
    await admin.close();
    await sim.close();
  });

  const feedOf = async (options: Parameters<Site['changes']>[0] = {}): Promise<Watched> => {
    const feed = cloud.changes({ minIntervalMs: 60_000, ...options }); // the tests poll by hand
    const events: SiteChangeEvent[] = [];
    feed.on('change', (event) => events.push(event));
    await feed.ready();
    return { feed, events };
  };

  it('a client reload is app.reloaded; a failed reload is reload.failed with the log tail', async () => {
    const watched = await feedOf();
    expect(watched.feed.cursor()?.cloud).toBeDefined();
    await cloud.withApp(HR, async (doc) => {
      expect(await doc.doReload()).toBe(true);
      await doc.doSave();
    });
    const first = await collect(watched, (s) => s.some((e) => e.type === 'app.reloaded'));
    expect(first.map(short)).toEqual(['task.started HR Overview', 'app.reloaded HR Overview']);

    await cloud.withApp(HR, async (doc) => {
      await doc.setScript(
        "LOAD * FROM [lib://DataFiles/no-such-file.csv] (txt, utf8, embedded labels, delimiter is ',');",
      );
      await doc.doSave();
    });
    await admin.qrs.post(`/task/${HR_TASK}/start`);
    const second = await collect(watched, (s) => s.some((e) => e.type === 'reload.failed'));
    expect(second.map(short)).toEqual([
      'app.updated HR Overview',
      'task.started HR Overview',
      'reload.failed HR Overview',
    ]);
    const failed = second[2];
    if (failed?.type !== 'reload.failed') throw new Error('expected reload.failed');
    expect(failed.logTail.join('\n')).toMatch(/no-such-file\.csv/);
    expect(failed.error).toMatch(/fail|error/i);
    expect(await watched.feed.pollNow()).toEqual([]);
    await watched.feed.close();
  });

  it('a reload started through /api/v1/reloads: app.reloaded with the reload id and its duration, once', async () => {
    const watched = await feedOf();
    const reloadId = await startCloudReload(sim, await tenantCookies(sim), HR);
    const seen = await collect(watched, (s) => s.some((e) => e.type === 'app.reloaded'));
    // task.started: the reload's startTime; taskId is the reload id (Qlik Cloud names no task).
    expect(seen.map(short)).toEqual(['task.started HR Overview', 'app.reloaded HR Overview']);
    expect(seen[0]).toMatchObject({ type: 'task.started', taskId: reloadId, taskName: '' });
    expect(seen[1]).toMatchObject({ taskId: reloadId });
    expect(seen[1]?.type === 'app.reloaded' && typeof seen[1].durationMs).toBe('number');
    expect(await watched.feed.pollNow()).toEqual([]);
    await watched.feed.close();
  });

  it('apps created, published and deleted; nothing lost or repeated across a restart and a new login', async () => {
    const watched = await feedOf();
    const copy = await admin.qrs.post<{ id: string }>(`/app/${APPS.finance}/copy`, undefined, {
      query: { name: 'Finance draft' },
    });
    const created = await collect(watched, (s) => s.length >= 1);
    expect(created.map(short)).toEqual(['app.created Finance draft']);
    const cursor = watched.feed.cursor();
    await watched.feed.close();

    const streams = await admin.qrs.get<{ id: string; name: string }[]>('/stream');
    const stream = streams[0];
    if (!stream) throw new Error('the demo site has streams');
    await admin.qrs.put(`/app/${copy.id}/publish`, undefined, { query: { stream: stream.id } });
    sim.control.expireSessions();

    const resumed = await feedOf({ cursor: JSON.parse(JSON.stringify(cursor)) });
    await resumed.feed.pollNow();
    expect(resumed.events.map(short)).toEqual(['app.published Finance draft']);
    expect(resumed.events[0]?.stream).toBe(stream.name); // on Qlik Cloud: the (managed) space name

    await admin.qrs.delete(`/app/${copy.id}`);
    const deleted = await collect(resumed, (s) => s.length >= 1);
    expect(deleted.map(short)).toEqual(['app.deleted Finance draft']);
    expect(await resumed.feed.pollNow()).toEqual([]);
    await resumed.feed.close();
  });

  it('refuses a QSEoW cursor', async () => {
    const qrsCursor = {
      version: 1 as const,
      appsSince: '',
      appsAtSince: [],
      runsSince: '',
      runsAtSince: [],
      apps: {},
      tasks: {},
      lastRuns: {},
    };
    expect(failureOf(() => cloud.changes({ cursor: qrsCursor })).message).toMatch(/QSEoW site/);
  });
});
