import { createHmac } from 'node:crypto';
import type { Simulator } from '@qixflow/sense-sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Site, SiteChangeEvent, SiteChangeFeed } from '../../src/index.js';
import { send, tenantCookies } from '../support/cloud-tenant.js';
import { siteFor, startSim, watcherAuth } from '../support/harness.js';
import { leakGuard } from '../support/leak-guard.js';

const HR = '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const short = (e: SiteChangeEvent) => `${e.type} ${e.appName}`;

describe("site.changes({ source: 'notifications' }) on Qlik Cloud: webhooks make the feed poll", () => {
  let sim: Simulator;
  let cloud: Site;
  let admin: string;
  beforeEach(async () => {
    sim = await startSim({
      tenant: { issuer: 'https://idp.example', keyId: 'kid-1' },
      virtualProxies: [{ prefix: 'jwt' }],
    });
    cloud = siteFor(sim, {
      prefix: '',
      auth: watcherAuth(sim),
    });
    admin = await tenantCookies(sim);
  });
  afterEach(async () => {
    await cloud.close();
    await sim.close();
  });

  const webhooks = async (): Promise<{ id: string; url: string; eventTypes: string[]; hasSecret: boolean }[]> =>
    JSON.parse((await send(`${sim.url}/api/v1/webhooks`, { headers: { cookie: admin }, ca: sim.ca })).body).data;

  async function watch(): Promise<{ feed: SiteChangeFeed; events: SiteChangeEvent[] }> {
    const feed = cloud.changes({ source: 'notifications', minIntervalMs: 50, safetyPollMs: 60_000 });
    const events: SiteChangeEvent[] = [];
    feed.on('change', (e) => events.push(e));
    feed.on('error', () => undefined);
    await feed.ready();
    return { feed, events };
  }

  it('creates a signed webhook, polls when it is called, refuses bad signatures, removes it on close', async () => {
    const { feed, events } = await watch();
    const [hook, ...others] = await webhooks();
    expect(others).toEqual([]);
    expect(hook).toMatchObject({ hasSecret: true });
    expect(hook?.eventTypes).toContain('com.qlik.v1.app.reload.finished');
    leakGuard.secret(hook?.url.slice(hook.url.lastIndexOf('/') + 1));

    await cloud.withApp(HR, async (doc) => {
      expect(await doc.doReload()).toBe(true);
      await doc.doSave();
    });
    const start = Date.now();
    while (!events.some((e) => e.type === 'app.reloaded')) {
      if (Date.now() - start > 10_000) throw new Error(`no app.reloaded; got ${events.map(short).join(', ')}`);
      await sleep(25);
    }
    expect(events.map(short)).toEqual(['task.started HR Overview', 'app.reloaded HR Overview']);

    // Forged calls: no signature, a signature with another secret.
    const body = JSON.stringify({ specversion: '1.0', type: 'com.qlik.v1.app.created', data: {} });
    const url = String(hook?.url);
    expect((await send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(
      401,
    );
    const forged = createHmac('sha256', 'x'.repeat(40)).update(body).digest('hex');
    const headers = { 'content-type': 'application/json', 'qlik-signature': forged };
    expect((await send(url, { method: 'POST', headers, body })).status).toBe(401);

    await feed.close();
    expect(await webhooks()).toEqual([]);
  });

  it('after a new login the webhook is made again (one webhook, a new one)', async () => {
    const { feed, events } = await watch();
    const [before] = await webhooks();
    sim.control.expireSessions();
    admin = await tenantCookies(sim);
    await feed.pollNow(); // answered 401: the feed's site logs in again, and the webhook is renewed
    await cloud.withApp(HR, async (doc) => {
      expect(await doc.doReload()).toBe(true);
      await doc.doSave();
    });
    const start = Date.now();
    for (;;) {
      const now = await webhooks();
      if (now.length === 1 && now[0]?.id !== before?.id && events.some((e) => e.type === 'app.reloaded')) break;
      if (Date.now() - start > 10_000)
        throw new Error(`not renewed: ${now.length} webhooks, ${events.map(short).join(', ')}`);
      await sleep(50);
    }
    await feed.close();
    expect(await webhooks()).toEqual([]);
  });
});
