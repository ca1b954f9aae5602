import { createSite, type Site, type SiteChangeEvent } from '@qixflow/core';
import { createSimulator, type Simulator } from '@qixflow/sense-sim';
import { filter, firstValueFrom, type Observable, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type ClosableAsyncIterable, type SiteChangeEventLike, siteChanges } from '../../src/index.js';
import { eventually } from '../helpers.js';

/** A hand-made feed: push events, close it, fail it; tells whether it was closed or its iterator returned. */
function handFeed<T>(): ClosableAsyncIterable<T> & {
  push(value: T): void;
  fail(error: Error): void;
  close(): void;
  closed: boolean;
  returned: number;
  iterating: number;
} {
  // One queue per iterator: every iterator sees every event, as with core's feed.
  const queues = new Set<T[]>();
  const wakers = new Set<() => void>();
  const wake = (): void => {
    for (const w of wakers) w();
  };
  let failure: Error | undefined;
  const feed = {
    closed: false,
    returned: 0,
    iterating: 0,
    push(value: T) {
      for (const queue of queues) queue.push(value);
      wake();
    },
    fail(error: Error) {
      failure = error;
      wake();
    },
    close() {
      feed.closed = true;
      wake();
    },
    async *[Symbol.asyncIterator](): AsyncIterator<T> {
      feed.iterating++;
      const queue: T[] = [];
      queues.add(queue);
      try {
        for (;;) {
          const next = queue.shift();
          if (next !== undefined) {
            yield next;
            continue;
          }
          if (failure) throw failure;
          if (feed.closed) return;
          await new Promise<void>((resolve) => {
            const waker = (): void => {
              wakers.delete(waker);
              resolve();
            };
            wakers.add(waker);
          });
        }
      } finally {
        queues.delete(queue);
        feed.iterating--;
        feed.returned++;
      }
    },
  };
  return feed;
}

describe('siteChanges(feed): a change feed as an Observable', () => {
  it('emits what the source yields, typed by it, and completes when the source is closed', async () => {
    const feed = handFeed<{ type: 'app.reloaded'; appName: string }>();
    const changes$ = siteChanges(feed);
    expectTypeOf(changes$).toEqualTypeOf<Observable<{ type: 'app.reloaded'; appName: string }>>();
    const all = firstValueFrom(changes$.pipe(toArray()));
    await eventually(() => feed.iterating === 1);
    feed.push({ type: 'app.reloaded', appName: 'A' });
    feed.push({ type: 'app.reloaded', appName: 'B' });
    feed.close();
    expect((await all).map((e) => e.appName)).toEqual(['A', 'B']);
  });

  it('unsubscribing closes the source by default', async () => {
    const feed = handFeed<string>();
    const seen: string[] = [];
    const sub = siteChanges(feed).subscribe((v) => seen.push(v));
    await eventually(() => feed.iterating === 1);
    feed.push('one');
    await eventually(() => seen.length === 1);
    sub.unsubscribe();
    expect(feed.closed).toBe(true);
    await eventually(() => feed.iterating === 0);
    feed.push('after');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['one']);
  });

  it("with onUnsubscribe: 'stop' only this iteration ends; the source keeps running for others", async () => {
    const feed = handFeed<string>();
    const first: string[] = [];
    const second: string[] = [];
    const a = siteChanges(feed, { onUnsubscribe: 'stop' }).subscribe((v) => first.push(v));
    const b = siteChanges(feed, { onUnsubscribe: 'stop' }).subscribe((v) => second.push(v));
    await eventually(() => feed.iterating === 2);
    a.unsubscribe();
    expect(feed.closed).toBe(false);
    // The generator was parked in an await: it returns once its pending next() settles.
    feed.push('x');
    await eventually(() => second.length === 1 && feed.returned === 1);
    expect(first).toEqual([]);
    b.unsubscribe();
    feed.close();
  });

  it('an error of the iteration errors the Observable', async () => {
    const feed = handFeed<string>();
    const result = firstValueFrom(siteChanges(feed).pipe(toArray()));
    await eventually(() => feed.iterating === 1);
    feed.push('ok');
    feed.fail(new Error('poll broke'));
    await expect(result).rejects.toThrow('poll broke');
  });

  it('throws a TypeError at once for what is no async iterable', () => {
    expect(() => siteChanges({} as unknown as ClosableAsyncIterable<string>)).toThrow(
      /siteChanges: source must be an async iterable/,
    );
    expect(() => siteChanges(handFeed<string>(), { onUnsubscribe: 'later' as 'stop' })).toThrow(TypeError);
  });
});

// With the real feed of @qixflow/core over the simulator (core is a devDependency of rx's tests).
describe('siteChanges(site.changes()) against the simulator', () => {
  const HR = '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74';
  let sim: Simulator;
  let site: Site;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
    site = createSite({
      host: sim.url,
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKey: sim.keys.privateKey, userId: 'rx-watcher', userDirectory: 'CORP' },
      tls: { ca: sim.ca ?? '' },
      origin: sim.url.replace('127.0.0.1', 'localhost'),
    });
  });
  afterAll(async () => {
    await site.close();
    await sim.close();
  });

  it('emits app.reloaded once for a reload + save by another client; unsubscribing closes the feed', async () => {
    const feed = site.changes({ minIntervalMs: 100, maxIntervalMs: 200 });
    const changes$ = siteChanges(feed);
    expectTypeOf(changes$).toEqualTypeOf<Observable<SiteChangeEvent>>();
    // Core's events fit rx's structural type.
    expectTypeOf<SiteChangeEvent>().toMatchTypeOf<SiteChangeEventLike>();
    const reloads: SiteChangeEvent[] = [];
    const sub = changes$.pipe(filter((e) => e.type === 'app.reloaded')).subscribe((e) => reloads.push(e));
    await feed.ready();

    const other = createSite({
      host: sim.url,
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKey: sim.keys.privateKey, userId: 'rx-other', userDirectory: 'CORP' },
      tls: { ca: sim.ca ?? '' },
      origin: sim.url.replace('127.0.0.1', 'localhost'),
    });
    await other.withApp(HR, async (doc) => {
      expect(await doc.doReload()).toBe(true);
      await doc.doSave();
    });
    await other.close();
    await eventually(() => reloads.length >= 1, 10_000, 'app.reloaded seen');
    await new Promise((resolve) => setTimeout(resolve, 500)); // a few more polls: nothing repeated
    expect(reloads.map((e) => [e.type, e.appId, e.appName])).toEqual([['app.reloaded', HR, 'HR Overview']]);

    const closed = new Promise<void>((resolve) => feed.once('close', () => resolve()));
    sub.unsubscribe();
    await closed;
    expect(await feed.pollNow()).toEqual([]);
    expect(sim.audit.sessionsCreated('CORP\\rx-watcher')).toBe(1);
  });

  it('take(n) ends the subscription and so the feed', async () => {
    const feed = site.changes({ minIntervalMs: 100, maxIntervalMs: 200 });
    const first = firstValueFrom(siteChanges(feed).pipe(take(1), timeout(10_000)));
    await feed.ready();
    await site.qrs.post('/task/c5d7e9f1-6a8b-4c0d-8e2f-4a5b6c7d8e49/start');
    const event = await first;
    expect(event.appId).toBe(HR);
    await eventually(() => feed.listenerCount('change') === 0, 5000, 'feed closed');
  });
});
