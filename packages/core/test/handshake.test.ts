import { ManualClock, type Simulator } from '@qixflow/sense-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { APPS, failure, rawLogin, siteFor, startSim } from './support/harness.js';
import { leakGuard } from './support/leak-guard.js';

describe('handshake and engine websocket in every proxy mode', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it.each(['strict', 'legacy', 'off'] as const)(
    "csrf '%s' proxy: one handshake, cookie-authenticated websocket, the Doc opens",
    async (csrf) => {
      sim = await startSim({ virtualProxies: [{ prefix: 'jwt', csrf }] });
      const site = siteFor(sim);
      const info = await site.connect();
      expect(info).toEqual({
        cookieName: 'X-Qlik-Session-jwt',
        csrfToken: csrf !== 'legacy',
        legacy: csrf === 'legacy',
      });
      const layout = await site.withApp(
        APPS.salesDashboard,
        async (doc) => (await doc.getAppLayout()) as { qTitle: string },
      );
      expect(layout.qTitle).toBe('Sales Dashboard');
      expect(sim.audit.sessionsCreated('CORP\\alice')).toBe(1);
      expect(site.stats()).toMatchObject({ handshakes: 1, proxySessionsCreated: 1, socketsOpen: 0, socketsOpened: 1 });
      await site.close();
    },
  );

  it('legacy client setting against a legacy proxy sends no CSRF token and still connects', async () => {
    sim = await startSim({ virtualProxies: [{ prefix: 'old', csrf: 'legacy' }] });
    const site = siteFor(sim, { csrf: 'legacy' });
    expect(await site.withApp(APPS.finance, async (doc) => (await doc.getAppLayout()).qTitle)).toBe('Finance');
    await site.close();
  });

  it('works over plain HTTP (cookie name with -HTTP)', async () => {
    sim = await startSim({ https: false, virtualProxies: [{ prefix: 'jwt' }] });
    const site = siteFor(sim);
    expect((await site.connect()).cookieName).toBe('X-Qlik-Session-jwt-HTTP');
    expect(await site.withApp(APPS.finance, async (doc) => (await doc.getAppLayout()).qTitle)).toBe('Finance');
    await site.close();
  });

  it('says who the proxy thinks we are and uses QRS with the same session', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'qrs-user' });
    expect(await site.whoAmI()).toMatchObject({ userId: 'qrs-user', userDirectory: 'CORP' });
    const apps = await site.qrs.get<{ name: string }[]>('/app/full', { query: { orderby: 'name' } });
    expect(apps.map((a) => a.name)).toEqual([
      'Finance',
      'HR Overview',
      'Sales Dashboard',
      'Sales Extract',
      'Sales Transform',
    ]);
    const filtered = await site.qrs.get<{ name: string }[]>('app/full', {
      query: { filter: "stream.name eq 'Finance'" },
    });
    expect(filtered.map((a) => a.name)).toEqual(['Finance']);
    expect(sim.audit.sessionsCreated('CORP\\qrs-user')).toBe(1);
    await site.close();
  });

  it('Qlik Cloud tenant mode: /login/jwt-session, csrf token, websocket with eas.sid cookies', async () => {
    sim = await startSim({
      virtualProxies: [{ prefix: 'jwt' }],
      tenant: { issuer: 'https://idp.example', keyId: 'kid-1' },
    });
    const site = siteFor(sim, {
      prefix: '',
      auth: {
        kind: 'cloud-jwt',
        privateKey: sim.keys.privateKey,
        kid: 'kid-1',
        issuer: 'https://idp.example',
        subject: 'auth0|cloud-user',
        name: 'Cloud User',
        email: 'cloud@example.com',
        groups: ['Sales'],
      },
    });
    expect(await site.connect()).toEqual({ cookieName: 'eas.sid', csrfToken: true, legacy: false });
    expect(await site.whoAmI()).toMatchObject({ subject: 'auth0|cloud-user', name: 'Cloud User' });
    const title = await site.withApp(APPS.salesDashboard, async (doc) => (await doc.getAppLayout()).qTitle);
    expect(title).toBe('Sales Dashboard');
    expect(sim.audit.sessionsCreated('QLIKCLOUD\\auth0|cloud-user')).toBe(1);
    await site.close();
  });

  it('cookie auth: a cookie the caller already holds is used as is (no new session)', async () => {
    sim = await startSim();
    const cookie = await rawLogin(sim, 'cookie-owner');
    leakGuard.secret(cookie.split('=')[1]);
    const site = siteFor(sim, { auth: { kind: 'cookie', cookie } });
    expect((await site.connect()).cookieName).toBe('X-Qlik-Session-jwt');
    expect(await site.whoAmI()).toMatchObject({ userId: 'cookie-owner' });
    expect(await site.withApp(APPS.finance, async (doc) => (await doc.getAppLayout()).qTitle)).toBe('Finance');
    expect(sim.audit.sessionsCreated('CORP\\cookie-owner')).toBe(1); // only the caller's own login
    expect(site.stats().handshakes).toBe(0);
    await site.close();
  });

  it('auth none: a bare engine (the direct listener) needs no handshake', async () => {
    sim = await startSim();
    const site = siteFor(sim, { host: sim.engineUrl ?? '', prefix: '', auth: { kind: 'none' } });
    const title = await site.withApp(APPS.finance, async (doc) => (await doc.getAppLayout()).qTitle);
    expect(title).toBe('Finance');
    expect(site.stats().handshakes).toBe(0);
    await site.close();
  });

  it('signs short-lived JWTs with iat, nbf, exp and a unique jti (checked by the proxy clock)', async () => {
    const clock = new ManualClock(Date.now());
    sim = await startSim({ clock, virtualProxies: [{ prefix: 'jwt', jwt: { clockSkewSeconds: 0 } }] });
    // A site whose clock is 10 minutes behind signs a token that the proxy sees as expired (lifetime 5 min).
    const late = siteFor(sim, { io: { clock: { now: () => clock.now() - 10 * 60_000 } } });
    await expect(late.connect()).rejects.toMatchObject({ code: 'ERR_HANDSHAKE_REJECTED', status: 401 });
    expect(sim.audit.rejects('token-expired')).toHaveLength(1);
    await late.close();
  });
});

describe('QRS paging and a lost socket without reconnect', () => {
  it('pages through a list endpoint with skip/take in a stable order', async () => {
    const sim = await startSim();
    const site = siteFor(sim, { userId: 'pager' });
    const names: string[] = [];
    for await (const app of site.qrs.pages<{ name: string }>('/app/full', { pageSize: 2, orderby: 'name' }))
      names.push(app.name);
    expect(names).toEqual(['Finance', 'HR Overview', 'Sales Dashboard', 'Sales Extract', 'Sales Transform']);
    expect(sim.audit.sessionsCreated('CORP\\pager')).toBe(1);
    await site.close();
    await sim.close();
  });

  it('with reconnect off, calls on a dropped socket fail with ERR_SOCKET_CLOSED and the connection reports closed', async () => {
    const sim = await startSim();
    const site = siteFor(sim, { userId: 'no-reconnect', reconnect: false });
    const app = site.openApp(APPS.finance);
    const doc = await app.open();
    const closed = new Promise<{ code: number }>((resolve) => app.once('closed', resolve));
    sim.control.dropSockets();
    expect((await closed).code).toBe(1006);
    const error = await failure(doc.getAppLayout());
    expect(error.code).toBe('ERR_SOCKET_CLOSED');
    await site.close();
    await sim.close();
  });
});
