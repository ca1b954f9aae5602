import type { Simulator } from '@qixflow/sense-sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/http-client.js';
import type { Site, SiteChangeEvent, SiteChangeFeed } from '../../src/index.js';
import { APPS, siteFor, startSim } from '../support/harness.js';

const EXTRACT_TASK = '7d1e3f5a-2b4c-4d6e-9f8a-0b1c2d3e4f05';
const HR_TASK = 'c5d7e9f1-6a8b-4c0d-8e2f-4a5b6c7d8e49';
const EXTRACT = '6f1c2a8e-3b4d-4e7a-9c15-2d8f0b7e4a31';
const TRANSFORM = 'a2d94b17-8e3c-4f56-b0a2-71c5e9d3f846';
const HR = '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74';

/** A feed and every change it emitted (listening from its creation on). */
interface Watched {
  feed: SiteChangeFeed;
  events: SiteChangeEvent[];
}

/**
 * Polls until `done` holds for the changes emitted since the call (or 15 s), then once more to
 * catch anything that should not come; returns those changes.
 */
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

describe('site.changes(): the site changes as they happen, by QRS polling', () => {
  let sim: Simulator;
  let site: Site;
  beforeEach(async () => {
    sim = await startSim();
    site = siteFor(sim, { userId: 'watcher' });
  });
  afterEach(async () => {
    await site.close();
    await sim.close();
  });

  const feedOf = async (options: Parameters<Site['changes']>[0] = {}): Promise<Watched> => {
    const feed = site.changes({ minIntervalMs: 60_000, ...options }); // the tests poll by hand
    const events: SiteChangeEvent[] = [];
    feed.on('change', (event) => events.push(event));
    await feed.ready();
    return { feed, events };
  };

  it('a task chain: each task.started and app.reloaded once, with task and duration', async () => {
    const watched = await feedOf();
    await site.qrs.post(`/task/${EXTRACT_TASK}/start`);
    const seen = await collect(watched, (s) => s.filter((e) => e.type === 'app.reloaded').length >= 4);
    const reloaded = seen.filter((e) => e.type === 'app.reloaded');
    const started = seen.filter((e) => e.type === 'task.started');
    expect(reloaded.map((e) => e.appName).sort()).toEqual(
      ['Finance', 'Sales Dashboard', 'Sales Extract', 'Sales Transform'].sort(),
    );
    expect(started.map((e) => (e.type === 'task.started' ? e.taskName : '')).sort()).toEqual(
      ['Reload Finance', 'Reload Sales Dashboard', 'Reload Sales Extract', 'Reload Sales Transform'].sort(),
    );
    const extract = reloaded.find((e) => e.appId === EXTRACT);
    expect(extract).toMatchObject({ taskId: EXTRACT_TASK, durationMs: expect.any(Number), stream: undefined });
    expect(reloaded.find((e) => e.appId === APPS.finance)).toMatchObject({ stream: 'Finance' });
    expect(seen.filter((e) => e.type !== 'app.reloaded' && e.type !== 'task.started')).toEqual([]);
    // Extract before transform, in time order.
    expect(reloaded.findIndex((e) => e.appId === EXTRACT)).toBeLessThan(
      reloaded.findIndex((e) => e.appId === TRANSFORM),
    );
    expect(sim.audit.sessionsCreated('CORP\\watcher')).toBe(1);
    watched.feed.close();
  });

  it('another engine session reloads and saves, then breaks the script: app.reloaded, app.updated, reload.failed with the log tail', async () => {
    const watched = await feedOf();
    await site.withApp(HR, async (doc) => {
      expect(await doc.doReload()).toBe(true);
      await doc.doSave();
    });
    const first = await collect(watched, (s) => s.some((e) => e.type === 'app.reloaded'));
    expect(first.map(short)).toEqual(['app.reloaded HR Overview']);
    expect(first[0]).toMatchObject({ taskId: undefined, durationMs: undefined });

    await site.withApp(HR, async (doc) => {
      await doc.setScript(
        "LOAD * FROM [lib://DataFiles/no-such-file.csv] (txt, utf8, embedded labels, delimiter is ',');",
      );
      await doc.doSave();
    });
    await site.qrs.post(`/task/${HR_TASK}/start`);
    const second = await collect(watched, (s) => s.some((e) => e.type === 'reload.failed'));
    expect(second.map(short)).toEqual([
      'app.updated HR Overview',
      'task.started HR Overview',
      'reload.failed HR Overview',
    ]);
    const failed = second[2];
    if (failed?.type !== 'reload.failed') throw new Error('expected reload.failed');
    expect(failed).toMatchObject({ taskId: HR_TASK, taskName: 'Reload HR Overview' });
    expect(failed.error).toMatch(/fail/i);
    expect(failed.logTail.join('\n')).toMatch(/no-such-file\.csv/);
    expect(failed.logTail.join('\n')).toMatch(/Execution Failed/);
    watched.feed.close();
  });

  it('apps created, published and deleted through QRS; nothing lost or repeated across a restart with the cursor', async () => {
    const watched = await feedOf();
    const copy = await site.qrs.post<{ id: string }>(`/app/${APPS.finance}/copy`, undefined, {
      query: { name: 'Finance draft' },
    });
    const created = await collect(watched, (s) => s.length >= 1);
    expect(created.map(short)).toEqual(['app.created Finance draft']);
    const cursor = watched.feed.cursor();
    watched.feed.close();

    // While no feed runs: publish and delete.
    const streams = await site.qrs.get<{ id: string; name: string }[]>('/stream');
    const stream = streams.find((s) => s.name === 'Finance') ?? streams[0];
    if (!stream) throw new Error('the demo site has streams');
    await site.qrs.put(`/app/${copy.id}/publish`, undefined, { query: { stream: stream.id } });
    // Expired cookie in between: the feed re-handshakes, loses nothing.
    sim.control.expireSessions();

    // The first poll of a feed given a cursor reports what happened since.
    const resumed = await feedOf({ cursor });
    await resumed.feed.pollNow();
    const afterRestart = resumed.events;
    expect(afterRestart.map(short)).toEqual(['app.published Finance draft']);
    expect(afterRestart[0]?.stream).toBe(stream.name);

    await site.qrs.delete(`/app/${copy.id}`);
    const deleted = await collect(resumed, (s) => s.length >= 1);
    expect(deleted.map(short)).toEqual(['app.deleted Finance draft']);
    expect(await resumed.feed.pollNow()).toEqual([]);
    resumed.feed.close();
  });

  it('filters by stream, emits on the EventEmitter and iterates until closed', async () => {
    const watched = await feedOf({ streams: ['finance'] });
    const iterated: string[] = [];
    const loop = (async () => {
      for await (const event of watched.feed) iterated.push(short(event));
    })();
    await site.qrs.post(`/task/${EXTRACT_TASK}/start`);
    await collect(watched, (s) => s.some((e) => short(e) === 'app.reloaded Finance'));
    const emitted = watched.events.map(short);
    expect(emitted.every((line) => line.endsWith('Finance'))).toBe(true);
    expect(emitted).toContain('task.started Finance');
    watched.feed.close();
    await loop;
    expect(iterated).toEqual(emitted);
  });

  it('a poll whose connection drops is repeated from the same cursor: the change comes once, after', async () => {
    // The watcher's HTTP client loses its QRS requests while `dropping` (a reset connection).
    const inner = createHttpClient({ rejectUnauthorized: true, ...(sim.ca ? { ca: sim.ca } : {}) });
    let dropping = false;
    const flaky = siteFor(sim, {
      userId: 'flaky-watcher',
      io: {
        http: {
          request: (req) =>
            dropping && req.url.includes('/qrs/')
              ? Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
              : inner.request(req),
          close: () => inner.close(),
        },
      },
    });
    try {
      const feed = flaky.changes({ minIntervalMs: 60_000 });
      const events: SiteChangeEvent[] = [];
      const errors: Error[] = [];
      feed.on('change', (e) => events.push(e));
      feed.on('error', (e) => errors.push(e));
      await feed.ready();
      const copy = await site.qrs.post<{ id: string }>(`/app/${APPS.finance}/copy`, undefined, {
        query: { name: 'Copied while the watcher was cut off' },
      });
      dropping = true;
      expect(await feed.pollNow()).toEqual([]);
      expect(errors).toHaveLength(1);
      dropping = false;
      await feed.pollNow();
      expect(events.map(short)).toEqual(['app.created Copied while the watcher was cut off']);
      expect(events[0]?.appId).toBe(copy.id);
      await feed.pollNow();
      expect(events).toHaveLength(1);
      await feed.close();
    } finally {
      await flaky.close();
    }
  });
});
