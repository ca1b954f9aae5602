import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { importPKCS8, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../src/index.js';
import { type HttpAnswer, http, openSocket } from './helpers.js';

const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('Qlik Cloud tenant mode: JWT login', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({
      virtualProxies: [{ prefix: 'jwt' }],
      tenant: {
        issuer: 'https://idp.example',
        keyId: 'key-1',
        webIntegrations: [{ id: 'wi-1', origins: ['https://mashup.example'] }],
      },
    });
  });
  afterAll(() => sim.close());

  function claims(overrides: Record<string, unknown> = {}): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    const base: Record<string, unknown> = {
      iss: 'https://idp.example',
      aud: 'qlik.api/login/jwt-session',
      sub: 'auth0|alice',
      subType: 'user',
      name: 'Alice',
      email: 'alice@example.com',
      email_verified: true,
      groups: ['Sales'],
      jti: randomUUID(),
      iat: now,
      nbf: now - 5,
      exp: now + 300,
    };
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete base[k];
      else base[k] = v;
    }
    return base as JWTPayload;
  }

  async function token(
    payload: JWTPayload,
    options: { kid?: string; alg?: string; key?: string } = {},
  ): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const key = await importPKCS8(options.key ?? sim.keys.privateKey, alg);
    return new SignJWT(payload).setProtectedHeader({ alg, kid: options.kid ?? 'key-1', typ: 'JWT' }).sign(key);
  }

  function login(jwt: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return http(sim, 'POST', '/login/jwt-session', { authorization: `Bearer ${jwt}`, ...headers });
  }

  function cookiesOf(answer: HttpAnswer): string {
    const raw = answer.headers['set-cookie'];
    return (Array.isArray(raw) ? raw : [String(raw)]).map((l) => l.split(';')[0]).join('; ');
  }

  it('logs in, sets eas.sid / _csrfToken with their .sig cookies, and hands out the CSRF token', async () => {
    const answer = await login(await token(claims()));
    expect(answer.status).toBe(200);
    const setCookie = answer.headers['set-cookie'] as string[];
    expect(setCookie.map((l) => l.split('=')[0])).toEqual(['eas.sid', 'eas.sid.sig', '_csrfToken', '_csrfToken.sig']);
    expect(setCookie[0]).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=None$/);
    const cookie = cookiesOf(answer);
    const csrf = await http(sim, 'GET', '/api/v1/csrf-token', { cookie });
    expect(csrf.status).toBe(204);
    const csrfCookie = setCookie[2]?.split(';')[0]?.split('=')[1];
    expect(csrf.headers['qlik-csrf-token']).toBe(csrfCookie);
    const me = await http(sim, 'GET', '/api/v1/users/me', { cookie });
    expect(JSON.parse(me.body)).toMatchObject({ subject: 'auth0|alice', name: 'Alice', email: 'alice@example.com' });
  });

  it('opens the engine websocket with the cookies and ?qlik-csrf-token', async () => {
    const cookie = cookiesOf(await login(await token(claims())));
    const csrf = String((await http(sim, 'GET', '/api/v1/csrf-token', { cookie })).headers['qlik-csrf-token']);
    const socket = await openSocket(
      sim,
      `${sim.url.replace('https', 'wss')}/app/SessionApp_abc?qlik-csrf-token=${csrf}`,
      {
        headers: { cookie },
      },
    );
    expect(await socket.next()).toMatchObject({ method: 'OnConnected' });
    expect(await socket.call('EngineVersion')).toHaveProperty('result.qVersion');
    socket.ws.close();
  });

  it('refuses the websocket without the CSRF token, with a forged signature cookie, or without cookies', async () => {
    const cookie = cookiesOf(await login(await token(claims())));
    const wss = `${sim.url.replace('https', 'wss')}/app/x`;
    await expect(openSocket(sim, wss, { headers: { cookie } })).rejects.toMatchObject({ status: 403 });
    const csrf = String((await http(sim, 'GET', '/api/v1/csrf-token', { cookie })).headers['qlik-csrf-token']);
    const forged = cookie.replace(/eas\.sid\.sig=[^;]+/, 'eas.sid.sig=forged');
    await expect(
      openSocket(sim, `${wss}?qlik-csrf-token=${csrf}`, { headers: { cookie: forged } }),
    ).rejects.toMatchObject({
      status: 401,
    });
    await expect(openSocket(sim, `${wss}?qlik-csrf-token=${csrf}`)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a reused jti (replay)', async () => {
    const jwt = await token(claims());
    expect((await login(jwt)).status).toBe(200);
    const replay = await login(jwt);
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body).errors[0]).toMatchObject({
      status: '401',
      detail: 'JWT_LOGIN_VALIDATIONS jti has already been used',
    });
  });

  it('refuses a token valid for more than an hour (exp - nbf > 3600) with 400', async () => {
    const now = Math.floor(Date.now() / 1000);
    const answer = await login(await token(claims({ nbf: now - 1, exp: now + 3600 })));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      errors: [
        {
          code: 'INTERNAL-TOKEN-1',
          title: 'Invalid token request',
          status: '400',
          detail: 'JWT_LOGIN_VALIDATIONS token validity (exp - nbf) cannot exceed 3600 seconds',
        },
      ],
    });
  });

  it.each(['nbf', 'jti', 'email_verified', 'subType', 'sub', 'name', 'email', 'iss', 'aud', 'iat', 'exp'])(
    'refuses a token missing %s with 400 and names the claim',
    async (claim) => {
      const answer = await login(await token(claims({ [claim]: undefined })));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).errors[0].detail).toBe(`JWT_LOGIN_VALIDATIONS Missing required claim: ${claim}`);
    },
  );

  it.each([
    ['a wrong kid', async () => token(claims(), { kid: 'other' })],
    ['a wrong issuer', async () => token(claims({ iss: 'https://evil.example' }))],
    ['a wrong audience', async () => token(claims({ aud: 'qlik.api' }))],
    ['another key', async () => token(claims(), { key: otherKey })],
    [
      'an expired token',
      async () => token(claims({ nbf: Math.floor(Date.now() / 1000) - 400, exp: Math.floor(Date.now() / 1000) - 60 })),
    ],
    [
      'HS256',
      async () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
          .sign(new TextEncoder().encode('secret')),
    ],
  ])('refuses %s with 401 in Qlik’s error format', async (_name, make) => {
    const answer = await login(await make());
    expect(answer.status).toBe(401);
    const body = JSON.parse(answer.body);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ status: '401', title: 'Unauthorized' });
    expect(typeof body.traceId).toBe('string');
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it('refuses subType other than user with 400', async () => {
    const answer = await login(await token(claims({ subType: 'client' })));
    expect(answer.status).toBe(400);
  });

  it('checks web integrations for browser origins', async () => {
    const good = await login(await token(claims()), {
      'qlik-web-integration-id': 'wi-1',
      origin: 'https://mashup.example',
    });
    expect(good.status).toBe(200);
    const unknown = await login(await token(claims()), {
      'qlik-web-integration-id': 'nope',
      origin: 'https://mashup.example',
    });
    expect(unknown.status).toBe(403);
    const wrongOrigin = await login(await token(claims()), {
      'qlik-web-integration-id': 'wi-1',
      origin: 'https://evil.example',
    });
    expect(wrongOrigin.status).toBe(403);
    const noIntegration = await login(await token(claims()), { origin: 'https://mashup.example' });
    expect(noIntegration.status).toBe(403);
  });

  it('serves the tenant beside a prefixed virtual proxy on the same server', async () => {
    const answer = await http(sim, 'GET', '/jwt/qps/user');
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('no session cookie');
  });

  it('answers unknown tenant endpoints and cookie-less API calls in the JSON error format', async () => {
    const answer = await http(sim, 'GET', '/api/v1/csrf-token');
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).errors[0].code).toBe('LOGIN-1');
    expect((await http(sim, 'GET', '/login/jwt-session')).status).toBe(404);
  });
});
