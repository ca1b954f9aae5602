import type { Simulator } from '@qixflow/sense-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { APPS, failure, siteFor, startSim } from './support/harness.js';

function once<T>(emitter: { once(event: string, listener: (value: T) => void): unknown }, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, resolve));
}

describe('reconnect and resume', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('with /ttl: a dropped socket resumes attached, objects keep working (new handles)', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'ttl-user' });
    const app = site.openApp(APPS.salesDashboard, { ttl: 30, identity: 'ttl' });
    const doc = await app.open();
    const obj = await doc.createSessionObject({ qInfo: { qType: 'kpi' }, value: 1 });
    const handle = obj.handle;
    const resumed = once<{ attached: boolean; lost: string[] }>(app, 'resumed');
    expect(sim.control.dropSockets()).toBe(1);
    expect(await resumed).toEqual({ attached: true, lost: [] });
    expect((await obj.getProperties()).value).toBe(1);
    expect(obj.handle).not.toBe(handle);
    expect(site.stats()).toMatchObject({ reconnects: 1, handshakes: 1 });
    await site.close();
  });

  it('without ttl: the engine session is new, the Doc is re-opened and session objects are reported lost', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'no-ttl' });
    const app = site.openApp(APPS.salesDashboard, { identity: 'plain' });
    const doc = await app.open();
    const obj = await doc.createSessionObject({ qInfo: { qId: 'temp-1', qType: 'kpi' } });
    const sheetId = (await doc.getAllInfos()).find((i) => i.qType === 'sheet')?.qId;
    if (sheetId === undefined) throw new Error('the fixture app has no sheet');
    const persistent = await doc.getObject(sheetId);
    let closedEvent = false;
    obj.on('closed', () => {
      closedEvent = true;
    });
    const resumed = once<{ attached: boolean; lost: string[] }>(app, 'resumed');
    sim.control.dropSockets({ code: 4003 }); // engine terminating: worth a reconnect
    expect(await resumed).toEqual({ attached: false, lost: ['temp-1'] });
    expect((await doc.getAppLayout()).qTitle).toBe('Sales Dashboard');
    expect((await persistent.getLayout()).qInfo?.qType).toBe('sheet');
    expect(closedEvent).toBe(true); // enigma.js told the lost object's users
    await site.close();
  });

  it('cookie expiry mid-run: OnSessionTimedOut, a new handshake, the socket resumes transparently', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'expiring' });
    const app = site.openApp(APPS.finance);
    const doc = await app.open();
    const resumed = once<{ attached: boolean; lost: string[] }>(app, 'resumed');
    expect(sim.control.expireSessions({ user: 'CORP\\expiring' })).toBe(1);
    await resumed;
    expect((await doc.getAppLayout()).qTitle).toBe('Finance');
    expect(sim.audit.sessionsCreated('CORP\\expiring')).toBe(2);
    expect(site.stats()).toMatchObject({ handshakes: 2, reconnects: 1 });
    await site.close();
  });

  it('an engine restart is survived: the Doc is re-opened', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'restart' });
    const app = site.openApp(APPS.finance);
    const doc = await app.open();
    const resumed = once(app, 'resumed');
    await sim.control.restartEngine();
    await resumed;
    expect((await doc.getAppLayout()).qTitle).toBe('Finance');
    await site.close();
  });

  it('gives up after the configured attempts with ERR_RECONNECT_FAILED', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'doomed', reconnect: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } });
    const app = site.openApp(APPS.finance);
    await app.open();
    const failed = once<Error & { code: string }>(app, 'error');
    const attempts: number[] = [];
    app.on('reconnecting', ({ attempt }) => attempts.push(attempt));
    const url = sim.url;
    await sim.close(); // the server is gone for good
    sim = undefined;
    const error = await failed;
    expect(error.code).toBe('ERR_RECONNECT_FAILED');
    expect(error.message).toContain('after 2 attempts');
    expect(attempts).toEqual([1, 2]);
    expect(url).toMatch(/^https:/);
    await site.close();
  });

  it('a fatal proxy notification does not reconnect: logout elsewhere is ERR_SESSION_LOGGED_OUT', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'logged-out' });
    const app = site.openApp(APPS.finance);
    const doc = await app.open();
    const failed = once<Error & { code: string }>(app, 'error');
    let reconnecting = false;
    app.on('reconnecting', () => {
      reconnecting = true;
    });
    expect(sim.control.logoutSessions({ user: 'CORP\\logged-out' })).toBe(1);
    const error = await failed;
    expect(error.code).toBe('ERR_SESSION_LOGGED_OUT');
    expect(reconnecting).toBe(false);
    const call = await failure(doc.getAppLayout());
    expect(call.code).toBe('ERR_SESSION_LOGGED_OUT');
    expect(sim.audit.sessionsCreated('CORP\\logged-out')).toBe(1);
    await site.close();
  });

  it('the sixth session of a user is refused with ERR_SESSION_LIMIT_EXCEEDED and is not retried', async () => {
    sim = await startSim();
    const sites = Array.from({ length: 6 }, () => siteFor(sim as Simulator, { userId: 'crowded' }));
    for (const site of sites.slice(0, 5)) await site.openApp(APPS.finance).open();
    const sixth = sites[5]?.openApp(APPS.finance);
    const error = await failure(sixth?.open() ?? Promise.resolve());
    expect(error.code).toBe('ERR_SESSION_LIMIT_EXCEEDED');
    expect(error.message).toContain('maximum of parallel sessions');
    expect(sim.audit.entries('usage-denied')).toHaveLength(1);
    for (const site of sites) await site.close();
  });
});
