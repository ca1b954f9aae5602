import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../src/index.js';
import { cookieFrom, handshake, http, proxyJwt } from './helpers.js';

describe('JWT virtual proxy handshake', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({
      virtualProxies: [
        {
          prefix: 'jwt',
          sameSite: 'None',
          jwt: { attributeMap: [{ jwtAttribute: 'groups', senseAttribute: 'group' }] },
        },
        {
          prefix: 'custom',
          sessionCookieHeaderName: 'X-Qlik-Session-hdr',
          jwt: { userIdAttribute: 'user', userDirectoryAttribute: 'directory' },
        },
      ],
    });
  });
  afterAll(() => sim.close());

  it('answers a Bearer JWT on /qps/csrftoken with the session cookie and the CSRF token', async () => {
    const answer = await http(sim, 'GET', '/jwt/qps/csrftoken', {
      authorization: `Bearer ${await proxyJwt(sim, { userId: 'alice', userDirectory: 'CORP' })}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['qlik-csrf-token']).toMatch(/^[\w-]{20,}$/);
    const setCookie = String(answer.headers['set-cookie']);
    expect(setCookie).toMatch(/^X-Qlik-Session-jwt=[0-9a-f-]{36}; Path=\/; HttpOnly; Secure; SameSite=None$/);
  });

  it('authenticates later calls with the cookie alone and creates no new session', async () => {
    const { cookie } = await handshake(sim, { userId: 'bob', userDirectory: 'CORP' });
    const before = sim.audit.sessionsCreated('CORP\\bob');
    for (let i = 0; i < 5; i++) {
      const answer = await http(sim, 'GET', '/jwt/qps/user', { cookie });
      expect(answer.status).toBe(200);
      expect(answer.headers['set-cookie']).toBeUndefined();
      expect(JSON.parse(answer.body)).toMatchObject({ userId: 'bob', userDirectory: 'CORP' });
    }
    expect(sim.audit.sessionsCreated('CORP\\bob')).toBe(before);
    expect(before).toBe(1);
  });

  it('keeps the session when a JWT for the same user comes with its cookie', async () => {
    const { cookie } = await handshake(sim, { userId: 'carol', userDirectory: 'CORP' });
    const answer = await http(sim, 'GET', '/jwt/qps/user', {
      cookie,
      authorization: `Bearer ${await proxyJwt(sim, { userId: 'carol', userDirectory: 'CORP' })}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(sim.audit.sessionsCreated('CORP\\carol')).toBe(1);
  });

  it('gives a JWT for another user than the cookie a new session of its own', async () => {
    const { cookie } = await handshake(sim, { userId: 'dave', userDirectory: 'CORP' });
    const answer = await http(sim, 'GET', '/jwt/qps/user', {
      cookie,
      authorization: `Bearer ${await proxyJwt(sim, { userId: 'erin', userDirectory: 'CORP' })}`,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ userId: 'erin' });
    const newCookie = cookieFrom(answer, 'X-Qlik-Session-jwt');
    expect(newCookie).toBeDefined();
    expect(newCookie).not.toBe(cookie);
    // dave's session is untouched
    const dave = await http(sim, 'GET', '/jwt/qps/user', { cookie });
    expect(JSON.parse(dave.body)).toMatchObject({ userId: 'dave' });
  });

  it('maps extra claims to session attributes as configured', async () => {
    const token = await proxyJwt(sim, { userId: 'frank', userDirectory: 'CORP', groups: ['Sales', 'EMEA'] });
    const answer = await http(sim, 'GET', '/jwt/qps/user', { authorization: `Bearer ${token}` });
    expect(JSON.parse(answer.body).attributes).toEqual({ group: ['Sales', 'EMEA'] });
  });

  it('reads user id and directory from the claim names the proxy is configured with', async () => {
    const token = await proxyJwt(sim, { user: 'gina', directory: 'EXT' });
    const answer = await http(sim, 'GET', '/custom/qps/user', { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ userId: 'gina', userDirectory: 'EXT' });
    expect(String(answer.headers['set-cookie'])).toMatch(/^X-Qlik-Session-hdr=/);
    // the default claim names are not what this proxy reads
    const wrong = await http(sim, 'GET', '/custom/qps/user', {
      authorization: `Bearer ${await proxyJwt(sim, { userId: 'gina', userDirectory: 'EXT' })}`,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain("claim 'user' missing");
  });

  it('logs out with DELETE /qps/user: 204, the cookie is cleared and stops working', async () => {
    const { cookie } = await handshake(sim, { userId: 'hank', userDirectory: 'CORP' });
    const logout = await http(sim, 'DELETE', '/jwt/qps/user', { cookie });
    expect(logout.status).toBe(204);
    expect(String(logout.headers['set-cookie'])).toMatch(/^X-Qlik-Session-jwt=; Path=\/; Expires=Thu, 01 Jan 1970/);
    const after = await http(sim, 'GET', '/jwt/qps/user', { cookie });
    expect(after.status).toBe(401);
    expect(after.body).toBe('401 Unauthorized: the session has ended\n');
    const ended = sim.audit.entries('session-ended').find((e) => e.user.userId === 'hank');
    expect(ended?.reason).toBe('logout');
  });

  it('keeps sessions per virtual proxy: a cookie of one proxy does not open another', async () => {
    const { cookie } = await handshake(sim, { userId: 'ivan', userDirectory: 'CORP' });
    const other = await http(sim, 'GET', '/custom/qps/user', {
      cookie: cookie.replace('X-Qlik-Session-jwt', 'X-Qlik-Session-hdr'),
    });
    expect(other.status).toBe(401);
    expect(sim.audit.rejects('unknown-session').length).toBeGreaterThan(0);
  });

  it('answers unknown paths under a proxy with 404 after authenticating, and unknown prefixes with 404', async () => {
    const { cookie } = await handshake(sim, { userId: 'jane', userDirectory: 'CORP' });
    expect((await http(sim, 'GET', '/jwt/nothing/here', { cookie })).status).toBe(404);
    expect((await http(sim, 'GET', '/nope/qps/user', { cookie })).status).toBe(404);
  });
});

describe('plain HTTP virtual proxy', () => {
  it("appends '-HTTP' to the cookie name and leaves out Secure", async () => {
    const sim = await createSimulator({ https: false, virtualProxies: [{ prefix: 'jwt' }] });
    try {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.proxies[0]?.cookieName).toBe('X-Qlik-Session-jwt-HTTP');
      const { answer } = await handshake(sim);
      expect(String(answer.headers['set-cookie'])).toMatch(
        /^X-Qlik-Session-jwt-HTTP=[0-9a-f-]{36}; Path=\/; HttpOnly$/,
      );
    } finally {
      await sim.close();
    }
  });
});

describe('legacy (pre-November 2024) virtual proxy', () => {
  it('has no /qps/csrftoken (404) but gives the cookie on /qrs/about with an xrfkey', async () => {
    const sim = await createSimulator({ virtualProxies: [{ prefix: 'old', csrf: 'legacy' }] });
    try {
      const bearer = `Bearer ${await proxyJwt(sim)}`;
      const csrf = await http(sim, 'GET', '/old/qps/csrftoken', { authorization: bearer });
      expect(csrf.status).toBe(404);
      const about = await http(sim, 'GET', '/old/qrs/about?xrfkey=0123456789abcdef', {
        authorization: bearer,
        'x-qlik-xrfkey': '0123456789abcdef',
      });
      expect(about.status).toBe(200);
      expect(JSON.parse(about.body)).toHaveProperty('buildVersion');
      expect(cookieFrom(about, 'X-Qlik-Session-old')).toMatch(/^X-Qlik-Session-old=/);
    } finally {
      await sim.close();
    }
  });
});
