import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, ManualClock, type Simulator } from '../src/index.js';
import { allowedOrigin, appUrl, cookieFrom, handshake, http, openSocket, proxyJwt } from './helpers.js';

function refused(promise: Promise<unknown>): Promise<{ status: number; body: string }> {
  return promise.then(
    () => {
      throw new Error('upgrade was accepted');
    },
    (error: { status?: number; body?: string }) => ({ status: error.status ?? 0, body: error.body ?? '' }),
  );
}

describe('engine websocket behind a strict (November 2024+) virtual proxy', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ virtualProxies: [{ prefix: 'jwt' }] });
  });
  afterAll(() => sim.close());

  it('accepts cookie + qlik-csrf-token + allowed Origin: OnConnected first, then EngineVersion', async () => {
    const { cookie, csrf } = await handshake(sim);
    const socket = await openSocket(sim, appUrl(sim, 'engineData', csrf), {
      headers: { cookie },
      origin: allowedOrigin(sim),
    });
    expect(await socket.next()).toEqual({
      jsonrpc: '2.0',
      method: 'OnConnected',
      params: { qSessionState: 'SESSION_CREATED' },
    });
    const answer = await socket.call('EngineVersion');
    expect(answer).toEqual({ jsonrpc: '2.0', id: 1, result: { qVersion: { qComponentVersion: '12.2027.0' } } });
    // the proxy introduces itself after the client's first message
    const info = socket.frames.find((f) => f.method === 'OnAuthenticationInformation');
    expect(info?.params).toEqual({
      userId: 'alice',
      userDirectory: 'CORP',
      logoutUri: '/jwt/qps/user',
      mustAuthenticate: false,
    });
    socket.ws.close(1000);
    expect((await socket.closed).code).toBe(1000);
  });

  it('answers EngineVersion with delta patches when asked, [] when unchanged', async () => {
    const { cookie, csrf } = await handshake(sim);
    const socket = await openSocket(sim, appUrl(sim, 'engineData', csrf), {
      headers: { cookie },
      origin: allowedOrigin(sim),
    });
    const first = await socket.call('EngineVersion', [], { delta: true });
    expect(first).toMatchObject({
      delta: true,
      result: { qVersion: [{ op: 'add', path: '/', value: { qComponentVersion: '12.2027.0' } }] },
    });
    expect(await socket.call('EngineVersion', [], { delta: true })).toMatchObject({
      delta: true,
      result: { qVersion: [] },
    });
    const unknown = await socket.call('NoSuchMethod', ['x']);
    expect(unknown.error).toEqual({ code: -32601, parameter: 'NoSuchMethod', message: 'Method not found' });
    const missingApp = await socket.call('OpenDoc', ['x']);
    expect(missingApp.error).toEqual({ code: 1003, parameter: 'x', message: 'App not found' });
    socket.ws.send('{not json');
    expect((await socket.next((f) => f.id === null)).error).toMatchObject({ code: -32700 });
    socket.ws.close();
  });

  it('refuses an upgrade that carries Authorization (CSWSH check) even with a valid cookie', async () => {
    const { cookie, csrf } = await handshake(sim);
    const result = await refused(
      openSocket(sim, appUrl(sim, 'engineData', csrf), {
        headers: { cookie, authorization: `Bearer ${await proxyJwt(sim)}` },
        origin: allowedOrigin(sim),
      }),
    );
    expect(result.status).toBe(403);
    expect(result.body).toContain('Cross-Site Websocket Hijacking attack prevention check failed');
    expect(sim.audit.rejects('authorization-on-upgrade')).toHaveLength(1);
  });

  it('refuses an upgrade without the CSRF token, or with another session’s token', async () => {
    const a = await handshake(sim, { userId: 'u1', userDirectory: 'CORP' });
    const b = await handshake(sim, { userId: 'u2', userDirectory: 'CORP' });
    const missing = await refused(
      openSocket(sim, appUrl(sim), { headers: { cookie: a.cookie }, origin: allowedOrigin(sim) }),
    );
    expect(missing.status).toBe(403);
    expect(missing.body).toContain('no qlik-csrf-token');
    const mismatch = await refused(
      openSocket(sim, appUrl(sim, 'engineData', b.csrf), { headers: { cookie: a.cookie }, origin: allowedOrigin(sim) }),
    );
    expect(mismatch.status).toBe(403);
    expect(mismatch.body).toContain('does not match the session');
  });

  it('refuses an upgrade without Origin or with an Origin outside the allow list', async () => {
    const { cookie, csrf } = await handshake(sim);
    const none = await refused(openSocket(sim, appUrl(sim, 'engineData', csrf), { headers: { cookie } }));
    expect(none).toEqual({ status: 403, body: '403 Forbidden: Origin header required\n' });
    const evil = await refused(
      openSocket(sim, appUrl(sim, 'engineData', csrf), { headers: { cookie }, origin: 'https://evil.example' }),
    );
    expect(evil).toEqual({ status: 403, body: '403 Forbidden: Origin is not in the host allow list\n' });
  });

  it('refuses an upgrade with no session (401) and an unknown route (404)', async () => {
    const noCookie = await refused(openSocket(sim, appUrl(sim, 'engineData', 'x'), { origin: allowedOrigin(sim) }));
    expect(noCookie.status).toBe(401);
    const { cookie, csrf } = await handshake(sim);
    const wrongRoute = await refused(
      openSocket(sim, `${sim.proxies[0]?.wsUrl.replace('/app/', '/hub/')}x?qlik-csrf-token=${csrf}`, {
        headers: { cookie },
        origin: allowedOrigin(sim),
      }),
    );
    expect(wrongRoute.status).toBe(404);
  });

  it('hands /app/{id}/identity/{x}/ttl/{s} to the engine and records the socket', async () => {
    const { cookie, csrf } = await handshake(sim, { userId: 'router', userDirectory: 'CORP' });
    const socket = await openSocket(sim, appUrl(sim, 'abc-123/identity/one/ttl/30', csrf), {
      headers: { cookie },
      origin: allowedOrigin(sim),
    });
    await socket.next((f) => f.method === 'OnConnected');
    const opened = sim.audit.entries('websocket-opened').filter((e) => e.user.userId === 'router');
    expect(opened.map((e) => e.path)).toEqual(['app/abc-123/identity/one/ttl/30']);
    expect(sim.sessions().find((s) => s.user.userId === 'router')?.sockets).toBe(1);
    socket.ws.close();
    await socket.closed;
  });

  it('pushes OnSessionLoggedOut and closes sockets when the session logs out elsewhere', async () => {
    const { cookie, csrf } = await handshake(sim, { userId: 'logout', userDirectory: 'CORP' });
    const socket = await openSocket(sim, appUrl(sim, 'engineData', csrf), {
      headers: { cookie },
      origin: allowedOrigin(sim),
    });
    await socket.next((f) => f.method === 'OnConnected');
    expect((await http(sim, 'DELETE', '/jwt/qps/user', { cookie })).status).toBe(204);
    const notice = await socket.next((f) => f.method === 'OnSessionLoggedOut');
    expect(notice.params).toMatchObject({ severity: 'fatal', message: 'User logged out manually' });
    expect((await socket.closed).code).toBe(1000);
  });
});

describe('engine websocket behind legacy and off proxies', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({
      virtualProxies: [
        { prefix: 'old', csrf: 'legacy' },
        { prefix: 'open', csrf: 'off' },
      ],
    });
  });
  afterAll(() => sim.close());

  it('legacy: a Bearer JWT on the upgrade itself authenticates and sets the cookie', async () => {
    const url = `${sim.proxies[0]?.wsUrl}engineData`;
    const socket = await openSocket(sim, url, { headers: { authorization: `Bearer ${await proxyJwt(sim)}` } });
    expect(await socket.next()).toMatchObject({ method: 'OnConnected' });
    socket.ws.close();
    expect(sim.audit.sessionsCreated()).toBe(1);
  });

  it('legacy and off: a cookie alone suffices, no CSRF token, no Origin needed', async () => {
    for (const index of [0, 1]) {
      const prefix = sim.proxies[index]?.prefix;
      const answer = await http(sim, 'GET', `/${prefix}/qrs/about?xrfkey=abcdefghijklmnop`, {
        authorization: `Bearer ${await proxyJwt(sim)}`,
        'x-qlik-xrfkey': 'abcdefghijklmnop',
      });
      const cookie = cookieFrom(answer, sim.proxies[index]?.cookieName ?? '');
      expect(cookie).toBeDefined();
      const socket = await openSocket(sim, `${sim.proxies[index]?.wsUrl}engineData`, {
        headers: { cookie: cookie ?? '' },
      });
      expect(await socket.next()).toMatchObject({ method: 'OnConnected' });
      socket.ws.close();
    }
  });

  it('still checks Origin when one is sent', async () => {
    const result = await refused(
      openSocket(sim, `${sim.proxies[1]?.wsUrl}engineData`, {
        headers: { authorization: `Bearer ${await proxyJwt(sim)}` },
        origin: 'https://evil.example',
      }),
    );
    expect(result.status).toBe(403);
  });
});

describe('proxy session inactivity timeout (sliding)', () => {
  it('keeps a session alive while it is used and ends it 30 idle minutes later, pushing OnSessionTimedOut', async () => {
    const clock = new ManualClock(Date.now());
    const sim = await createSimulator({ clock, virtualProxies: [{ prefix: 'jwt' }] });
    try {
      const { cookie, csrf } = await handshake(sim);
      clock.advance(29 * 60_000);
      expect((await http(sim, 'GET', '/jwt/qps/user', { cookie })).status).toBe(200); // slides the timeout
      clock.advance(29 * 60_000);
      expect(sim.sweep()).toBe(0);
      const socket = await openSocket(sim, appUrl(sim, 'engineData', csrf), {
        headers: { cookie },
        origin: allowedOrigin(sim),
      });
      await socket.next((f) => f.method === 'OnConnected');
      clock.advance(30 * 60_000);
      expect(sim.sweep()).toBe(1);
      const notice = await socket.next((f) => f.method === 'OnSessionTimedOut');
      expect(notice.params).toMatchObject({ severity: 'fatal', message: 'Session timed out due to inactivity' });
      expect((await socket.closed).code).toBe(1000);
      const after = await http(sim, 'GET', '/jwt/qps/user', { cookie });
      expect(after.status).toBe(401);
      expect(sim.audit.entries('session-ended').map((e) => e.reason)).toEqual(['timeout']);
    } finally {
      await sim.close();
    }
  });

  it('the control API expires a session on demand', async () => {
    const sim = await createSimulator({ virtualProxies: [{ prefix: 'jwt', sessionInactivityTimeoutMinutes: 1 }] });
    try {
      const { cookie, csrf } = await handshake(sim, { userId: 'victim', userDirectory: 'CORP' });
      const keep = await handshake(sim, { userId: 'keeper', userDirectory: 'CORP' });
      const socket = await openSocket(sim, appUrl(sim, 'engineData', csrf), {
        headers: { cookie },
        origin: allowedOrigin(sim),
      });
      expect(sim.control.expireSessions({ user: 'CORP\\victim' })).toBe(1);
      expect((await socket.next((f) => f.method === 'OnSessionTimedOut')).params).toMatchObject({ severity: 'fatal' });
      await socket.closed;
      expect((await http(sim, 'GET', '/jwt/qps/user', { cookie })).status).toBe(401);
      expect((await http(sim, 'GET', '/jwt/qps/user', { cookie: keep.cookie })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
