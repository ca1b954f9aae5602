import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Simulator } from '@qixflow/sense-sim';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Site, SiteChangeEvent, SiteChangeFeed, SiteChangesOptions } from '../../src/index.js';
import { APPS, siteFor, startSim } from '../support/harness.js';
import { leakGuard } from '../support/leak-guard.js';

const EXTRACT_TASK = '7d1e3f5a-2b4c-4d6e-9f8a-0b1c2d3e4f05';
const HR = '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74';

/** A feed, every change it emitted, and what it told QRS (callback URL, subscription handles). */
interface Watched {
  feed: SiteChangeFeed;
  events: SiteChangeEvent[];
  errors: Error[];
  /** Callback URLs the feed subscribed with, in order. */
  callbacks: string[];
  /** Subscription handles QRS gave, in order. */
  handles: string[];
}

/** Reloads and saves HR Overview in the engine, as a user's session would. */
async function reloadAndSave(site: Site): Promise<void> {
  await site.withApp(HR, async (doc) => {
    expect(await doc.doReload()).toBe(true);
    await doc.doSave();
  });
}

const short = (e: SiteChangeEvent) => `${e.type} ${e.appName}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `action`, then waits — without polling: only callbacks make the feed look — until `done`
 * holds for the changes emitted since the action began (or 10 s), then 600 ms more for anything that
 * should not come; returns those changes.
 */
async function collect(
  watched: Watched,
  action: () => Promise<unknown>,
  done: (seen: SiteChangeEvent[]) => boolean,
): Promise<SiteChangeEvent[]> {
  const from = watched.events.length;
  await action();
  const seen = () => watched.events.slice(from);
  const start = Date.now();
  while (!done(seen())) {
    if (Date.now() - start > 10_000) throw new Error(`not seen in time; got ${JSON.stringify(seen().map(short))}`);
    await sleep(25);
  }
  await sleep(600);
  return seen();
}

/** POSTs (or another method) to a URL over HTTP or HTTPS (trusting `ca`); resolves with the status. */
function send(url: string, body: string | Buffer, method = 'POST', ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { method, headers: { 'content-type': 'application/json' }, ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // A body too large may be cut off by the receiver: its answer counts, not the write error.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.end(body);
  });
}

describe("site.changes({ source: 'notifications' }): QRS callbacks trigger the poller", () => {
  let sim: Simulator;
  let site: Site;
  /** Another user's site: the changes come from there. */
  let editor: Site;
  const traffic: string[] = [];
  beforeEach(async () => {
    sim = await startSim();
    traffic.length = 0;
    site = siteFor(sim, {
      userId: 'watcher',
      onTraffic: (event) => {
        leakGuard.see(JSON.stringify(event));
        if (event.kind === 'http' && event.direction === 'sent') traffic.push(`${event.method} ${event.url}`);
      },
    });
    editor = siteFor(sim, { userId: 'editor' });
  });
  afterEach(async () => {
    await site.close();
    await editor.close();
    await sim.close();
  });

  /** Runs a notifications feed (no safety poll unless asked) and records what it did. */
  const feedOf = async (options: SiteChangesOptions = {}): Promise<Watched> => {
    const callbacks: string[] = [];
    const handles: string[] = [];
    // The class's own method: a second feed's spy must not call the first one's.
    const post = (Object.getPrototypeOf(site.qrs) as Site['qrs']).post.bind(site.qrs);
    vi.spyOn(site.qrs, 'post').mockImplementation(async (path, body, callOptions) => {
      if (path === '/notification' && typeof body === 'string') {
        leakGuard.secret(body.slice(body.lastIndexOf('/') + 1));
        callbacks.push(body);
      }
      const answer = await post(path, body, callOptions);
      if (path === '/notification' && typeof answer === 'string') handles.push(answer);
      return answer;
    });
    const feed = site.changes({ source: 'notifications', safetyPollMs: 600_000, ...options });
    const watched: Watched = { feed, events: [], errors: [], callbacks, handles };
    feed.on('change', (event) => watched.events.push(event));
    feed.on('error', (error) => {
      leakGuard.seeError(error);
      watched.errors.push(error);
    });
    await feed.ready();
    return watched;
  };

  it('apps copied, published and deleted through QRS: each event once; subscriptions removed on close; one proxy session', async () => {
    const watched = await feedOf();
    expect(sim.stats().qrs.subscriptions).toBe(2);
    expect(watched.callbacks[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);

    let copy = { id: '' };
    const copyApp = async () => {
      copy = await editor.qrs.post<{ id: string }>(`/app/${APPS.finance}/copy`, undefined, {
        query: { name: 'Finance draft' },
      });
    };
    const created = await collect(watched, copyApp, (s) => s.length >= 1);
    expect(created.map(short)).toEqual(['app.created Finance draft']);

    const streams = await editor.qrs.get<{ id: string; name: string }[]>('/stream');
    const stream = streams.find((s) => s.name === 'Finance') ?? streams[0];
    if (!stream) throw new Error('the demo site has streams');
    const publish = () => editor.qrs.put(`/app/${copy.id}/publish`, undefined, { query: { stream: stream.id } });
    const published = await collect(watched, publish, (s) => s.length >= 1);
    expect(published.map(short)).toEqual(['app.published Finance draft']);
    expect(published[0]?.stream).toBe('Finance');

    const deleted = await collect(
      watched,
      () => editor.qrs.delete(`/app/${copy.id}`),
      (s) => s.length >= 1,
    );
    expect(deleted.map(short)).toEqual(['app.deleted Finance draft']);

    expect(sim.stats().qrs.callbacksDelivered).toBeGreaterThanOrEqual(3);
    expect(sim.stats().qrs.callbacksFailed).toBe(0);
    expect(sim.audit.sessionsCreated('CORP\\watcher')).toBe(1);
    expect(watched.errors).toEqual([]);
    await watched.feed.close();
    expect(sim.stats().qrs.subscriptions).toBe(0);
  });

  it('a task chain: each task.started and app.reloaded once', async () => {
    const watched = await feedOf();
    const seen = await collect(
      watched,
      () => editor.qrs.post(`/task/${EXTRACT_TASK}/start`),
      (s) => s.filter((e) => e.type === 'app.reloaded').length >= 4,
    );
    const apps = ['Finance', 'Sales Dashboard', 'Sales Extract', 'Sales Transform'];
    expect(
      seen
        .filter((e) => e.type === 'app.reloaded')
        .map((e) => e.appName)
        .sort(),
    ).toEqual(apps);
    expect(
      seen
        .filter((e) => e.type === 'task.started')
        .map((e) => e.appName)
        .sort(),
    ).toEqual(apps);
    expect(seen.filter((e) => e.type !== 'app.reloaded' && e.type !== 'task.started')).toEqual([]);
    expect(seen.find((e) => e.type === 'app.reloaded' && e.appName === 'Sales Extract')).toMatchObject({
      taskId: EXTRACT_TASK,
      durationMs: expect.any(Number),
    });
    expect(sim.audit.sessionsCreated('CORP\\watcher')).toBe(1);
    await watched.feed.close();
    // site.close() (afterEach) has nothing left to remove.
    expect(sim.stats().qrs.subscriptions).toBe(0);
  });

  it('another session reloads and saves an app in the engine: app.reloaded once (the save after it may be its own app.updated)', async () => {
    const watched = await feedOf();
    const seen = await collect(
      watched,
      () => reloadAndSave(editor),
      (s) => s.some((e) => e.type === 'app.reloaded'),
    );
    expect(seen.map(short)[0]).toBe('app.reloaded HR Overview');
    // A poll between the reload and the save tells the save apart; polling later folds it in.
    expect(seen.map(short).slice(1)).toEqual(seen.length > 1 ? ['app.updated HR Overview'] : []);
    expect(sim.audit.sessionsCreated('CORP\\watcher')).toBe(1);
    // site.close() removes the subscriptions of feeds still open.
    await site.close();
    expect(sim.stats().qrs.subscriptions).toBe(0);
  });

  it('after the proxy session expired: re-handshakes, renews the subscriptions (not doubled) and loses nothing', async () => {
    const watched = await feedOf();
    sim.control.expireSessions();
    let copy = { id: '' };
    const copyApp = async () => {
      copy = await editor.qrs.post<{ id: string }>(`/app/${APPS.finance}/copy`, undefined, {
        query: { name: 'Finance copy' },
      });
    };
    // The callback's poll meets the expired cookie: re-handshake, renewal, and the change once.
    const created = await collect(watched, copyApp, (s) => s.length >= 1);
    expect(created.map(short)).toEqual(['app.created Finance copy']);
    expect(sim.audit.sessionsCreated('CORP\\watcher')).toBe(2);
    expect(watched.handles).toHaveLength(4);
    expect(sim.stats().qrs.subscriptions).toBe(2);

    const deleted = await collect(
      watched,
      () => editor.qrs.delete(`/app/${copy.id}`),
      (s) => s.length >= 1,
    );
    expect(deleted.map(short)).toEqual(['app.deleted Finance copy']);
    expect(watched.errors).toEqual([]);
    await watched.feed.close();
    expect(sim.stats().qrs.subscriptions).toBe(0);
  });

  it('subscriptions the repository forgot (restart) come back after the re-handshake; the safety poll loses nothing', async () => {
    const watched = await feedOf({ safetyPollMs: 1000 });
    // A repository restart: the subscriptions and the proxy sessions are gone.
    for (const handle of watched.handles) await editor.qrs.delete('/notification', { query: { handle } });
    expect(sim.stats().qrs.subscriptions).toBe(0);
    sim.control.expireSessions();
    const copyApp = () => editor.qrs.post(`/app/${APPS.finance}/copy`, undefined, { query: { name: 'Finance lost?' } });
    // No callback can come: the safety poll re-handshakes, renews, and reads the change.
    const created = await collect(watched, copyApp, (s) => s.length >= 1);
    expect(created.map(short)).toEqual(['app.created Finance lost?']);
    expect(sim.stats().qrs.subscriptions).toBe(2);
    expect(sim.audit.sessionsCreated('CORP\\watcher')).toBe(2);

    // Callbacks again.
    const seen = await collect(
      watched,
      () => reloadAndSave(editor),
      (s) => s.some((e) => e.type === 'app.reloaded'),
    );
    expect(seen.filter((e) => e.type === 'app.reloaded').map(short)).toEqual(['app.reloaded HR Overview']);
    await watched.feed.close();
  });

  it('a receiver that cannot listen: error, polling meanwhile (nothing lost), subscribed once it can', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    const watched = await feedOf({ receiver: { port }, maxIntervalMs: 500 });
    expect(watched.errors.map((e) => (e as NodeJS.ErrnoException).code)).toContain('EADDRINUSE');
    expect(sim.stats().qrs.subscriptions).toBe(0);
    const copyApp = () =>
      editor.qrs.post(`/app/${APPS.finance}/copy`, undefined, { query: { name: 'Finance polled' } });
    expect((await collect(watched, copyApp, (s) => s.length >= 1)).map(short)).toEqual(['app.created Finance polled']);

    await new Promise((resolve) => squatter.close(resolve));
    const start = Date.now();
    while (sim.stats().qrs.subscriptions < 2 && Date.now() - start < 5000) await sleep(50);
    expect(sim.stats().qrs.subscriptions).toBe(2);
    expect(watched.callbacks[0]).toBe(`http://127.0.0.1:${port}/${watched.callbacks[0]?.split('/').pop()}`);
    await watched.feed.close();
    expect(sim.stats().qrs.subscriptions).toBe(0);
  });

  it('refuses forged callbacks: wrong token, wrong method, too large or not JSON; a hint alone invents nothing', async () => {
    const watched = await feedOf({ receiver: { maxBodyBytes: 1024 } });
    const url = watched.callbacks[0] ?? '';
    const base = url.slice(0, url.lastIndexOf('/') + 1);
    const reads = () => traffic.filter((t) => t.includes('/qrs/app/full')).length;
    const before = reads();
    const change = JSON.stringify([{ objectType: 'App', objectID: APPS.finance, changeType: 2 }]);

    expect(await send(`${base}${'x'.repeat(43)}`, change)).toBe(403);
    expect(await send(base, change)).toBe(403);
    expect(await send(`${base}..%2F`, change)).toBe(403);
    expect(await send(url, change, 'PUT')).toBe(405);
    expect(await send(url, Buffer.alloc(4096, 0x20))).toBe(413);
    expect(await send(url, '[{"objectType":"App",')).toBe(400);
    await sleep(400);
    expect(reads()).toBe(before);

    // With the right token (QRS itself, or whoever read the URL): a poll, but no event without a change.
    expect(await send(url, change)).toBe(204);
    const start = Date.now();
    while (reads() === before && Date.now() - start < 5000) await sleep(20);
    expect(reads()).toBeGreaterThan(before);
    await sleep(300);
    expect(watched.events).toEqual([]);
    await watched.feed.close();
  });

  it('HTTPS receiver with the given certificate; the public URL is what QRS is given, the token appended', async () => {
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    leakGuard.secret(pems.private);
    const watched = await feedOf({ receiver: { tls: { cert: pems.cert, key: pems.private } } });
    const url = watched.callbacks[0] ?? '';
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
    const token = url.slice(url.lastIndexOf('/') + 1);
    const origin = new URL(url).origin;
    const change = JSON.stringify([{ objectType: 'App', objectID: APPS.finance, changeType: 2 }]);
    expect(await send(`${origin}/${'y'.repeat(43)}`, change, 'POST', pems.cert)).toBe(403);
    // Behind a reverse proxy the path may differ: the token (last segment) is what counts.
    expect(await send(`${origin}/hooks/qixflow/${token}`, change, 'POST', pems.cert)).toBe(204);
    await watched.feed.close();

    const behindProxy = await feedOf({ receiver: { publicUrl: 'https://gw.corp.example/hooks/qixflow/' } });
    expect(behindProxy.callbacks[0]).toMatch(/^https:\/\/gw\.corp\.example\/hooks\/qixflow\/[A-Za-z0-9_-]{43}$/);
    await behindProxy.feed.close();
    expect(sim.stats().qrs.subscriptions).toBe(0);
  });

  it('closed at any point (at once, while subscribing, by its signal): no subscription is left behind', async () => {
    await site.changes({ source: 'notifications' }).close();
    const subscribing = site.changes({ source: 'notifications' });
    while (sim.stats().qrs.subscriptions === 0) await sleep(5);
    await subscribing.close();
    const abort = new AbortController();
    const aborted = site.changes({ source: 'notifications', signal: abort.signal });
    await aborted.ready();
    expect(sim.stats().qrs.subscriptions).toBe(2);
    abort.abort();
    await aborted.close();
    expect(sim.stats().qrs.subscriptions).toBe(0);
    expect(sim.audit.sessionsCreated('CORP\\watcher')).toBe(1);
  });

  it('options: a receiver only with the notifications source; a bad public URL is refused', () => {
    expect(() => site.changes({ receiver: { port: 0 } })).toThrow(/only used with source: 'notifications'/);
    expect(() => site.changes({ source: 'notifications', receiver: { publicUrl: 'ftp://watcher.example/' } })).toThrow(
      /must be http\(s\)/,
    );
  });
});
