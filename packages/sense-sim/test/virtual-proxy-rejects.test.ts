import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type RejectReason, type Simulator } from '../src/index.js';
import { handshake, http, proxyJwt, unsignedJwt } from './helpers.js';

const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('JWT virtual proxy: bad tokens and cookies are refused, nothing else is affected', () => {
  let sim: Simulator;
  let bystander: { cookie: string };

  beforeAll(async () => {
    sim = await createSimulator({
      virtualProxies: [
        { prefix: 'jwt' },
        { prefix: 'aud', jwt: { audience: 'qlik.example/jwt', algorithms: ['RS512'] } },
      ],
    });
    bystander = await handshake(sim, { userId: 'bystander', userDirectory: 'CORP' });
  });
  afterAll(() => sim.close());

  const alice = { userId: 'alice', userDirectory: 'CORP' };

  const cases: {
    name: string;
    path?: string;
    token: () => Promise<string> | string;
    reason: RejectReason;
    body: string;
  }[] = [
    {
      name: 'an unsigned token (alg none)',
      token: () => unsignedJwt(alice),
      reason: 'alg-not-allowed',
      body: "algorithm 'none' not accepted",
    },
    {
      name: 'HS256 signed with the public certificate (algorithm confusion)',
      token: () =>
        new SignJWT(alice).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(sim.keys.certificate)),
      reason: 'alg-not-allowed',
      body: "algorithm 'HS256' not accepted",
    },
    {
      name: 'HS256 signed with the public key PEM',
      token: () =>
        new SignJWT(alice).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(sim.keys.publicKey)),
      reason: 'alg-not-allowed',
      body: "algorithm 'HS256' not accepted",
    },
    {
      name: 'a token signed with another key',
      token: () => proxyJwt(sim, alice, { privateKey: otherKey }),
      reason: 'bad-signature',
      body: 'signature does not verify with the configured key',
    },
    {
      name: 'an expired token',
      token: () => proxyJwt(sim, { ...alice, exp: Math.floor(Date.now() / 1000) - 10 }),
      reason: 'token-expired',
      body: 'token expired',
    },
    {
      name: 'a token not valid yet',
      token: () => proxyJwt(sim, { ...alice, nbf: Math.floor(Date.now() / 1000) + 600 }),
      reason: 'token-not-yet-valid',
      body: 'token not valid yet (nbf)',
    },
    {
      name: 'a token without the user id claim',
      token: () => proxyJwt(sim, { userDirectory: 'CORP' }),
      reason: 'missing-claim',
      body: "claim 'userId' missing or empty",
    },
    {
      name: 'a token with an empty user directory',
      token: () => proxyJwt(sim, { userId: 'alice', userDirectory: '  ' }),
      reason: 'missing-claim',
      body: "claim 'userDirectory' missing or empty",
    },
    {
      name: 'a token for the wrong audience',
      path: '/aud/qps/user',
      token: () => proxyJwt(sim, { ...alice, aud: 'someone-else' }, { alg: 'RS512' }),
      reason: 'wrong-audience',
      body: 'audience mismatch',
    },
    {
      name: 'an algorithm the proxy does not accept (RS256 where only RS512 is allowed)',
      path: '/aud/qps/user',
      token: () => proxyJwt(sim, { ...alice, aud: 'qlik.example/jwt' }),
      reason: 'alg-not-allowed',
      body: "algorithm 'RS256' not accepted",
    },
    {
      name: 'a token larger than the limit',
      token: () => proxyJwt(sim, { ...alice, padding: 'x'.repeat(9000) }),
      reason: 'token-too-large',
      body: 'limit 8192',
    },
    {
      name: 'a token that is not a JWS',
      token: () => 'not.a.jwt',
      reason: 'token-malformed',
      body: 'not a compact JWS',
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} with 401 and records why`, async () => {
      const before = sim.audit.rejects(c.reason).length;
      const answer = await http(sim, 'GET', c.path ?? '/jwt/qps/csrftoken', {
        authorization: `Bearer ${await c.token()}`,
      });
      expect(answer.status).toBe(401);
      expect(answer.body).toContain('401 Unauthorized: ');
      expect(answer.body).toContain(c.body);
      expect(answer.headers['set-cookie']).toBeUndefined();
      expect(answer.headers['qlik-csrf-token']).toBeUndefined();
      expect(sim.audit.rejects(c.reason).length).toBe(before + 1);
    });
  }

  it('accepts the right audience and algorithm on the same proxy (the rejects above are real)', async () => {
    const answer = await http(sim, 'GET', '/aud/qps/user', {
      authorization: `Bearer ${await proxyJwt(sim, { ...alice, aud: ['x', 'qlik.example/jwt'] }, { alg: 'RS512' })}`,
    });
    expect(answer.status).toBe(200);
  });

  it('refuses a non-Bearer Authorization scheme', async () => {
    const answer = await http(sim, 'GET', '/jwt/qps/user', { authorization: 'Basic YWxpY2U6c2VjcmV0' });
    expect(answer.status).toBe(401);
    expect(answer.body).toBe('401 Unauthorized: Authorization must be Bearer <jwt>\n');
  });

  it('refuses a request with neither cookie nor token', async () => {
    const answer = await http(sim, 'GET', '/jwt/qps/user');
    expect(answer.status).toBe(401);
    expect(answer.body).toBe('401 Unauthorized: no session cookie and no Bearer token\n');
  });

  it.each([
    ['an unknown session id', 'X-Qlik-Session-jwt=00000000-0000-0000-0000-000000000000'],
    ['garbage', 'X-Qlik-Session-jwt=%%%;;;=;x=y=z; "\\"; =='],
    ['a very long value', `X-Qlik-Session-jwt=${'a'.repeat(4000)}`],
    ['only other cookies', 'foo=bar; X-Qlik-Session-other=1'],
  ])('refuses a cookie header with %s', async (_name, cookie) => {
    const answer = await http(sim, 'GET', '/jwt/qps/user', { cookie });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatch(/^401 Unauthorized: (unknown session cookie|no session cookie and no Bearer token)\n$/);
  });

  it('refuses the cookie of a session that ended', async () => {
    const { cookie } = await handshake(sim, { userId: 'leaver', userDirectory: 'CORP' });
    expect((await http(sim, 'DELETE', '/jwt/qps/user', { cookie })).status).toBe(204);
    const answer = await http(sim, 'GET', '/jwt/qps/user', { cookie });
    expect(answer.status).toBe(401);
    expect(answer.body).toBe('401 Unauthorized: the session has ended\n');
    expect(sim.audit.rejects('ended-session').length).toBeGreaterThan(0);
  });

  it('refuses a bad token even when a valid cookie comes with it', async () => {
    const { cookie } = await handshake(sim, { userId: 'mixed', userDirectory: 'CORP' });
    const answer = await http(sim, 'GET', '/jwt/qps/user', {
      cookie,
      authorization: `Bearer ${await proxyJwt(sim, { userId: 'mixed', userDirectory: 'CORP' }, { privateKey: otherKey })}`,
    });
    expect(answer.status).toBe(401);
  });

  it('answers an oversized header with 431 and keeps serving', async () => {
    const answer = await http(sim, 'GET', '/jwt/qps/user', { authorization: `Bearer ${'a'.repeat(20_000)}` });
    expect(answer.status).toBe(431);
    expect((await http(sim, 'GET', '/jwt/qps/user', { cookie: bystander.cookie })).status).toBe(200);
  });

  it('refuses an Origin outside the host allow list with 403', async () => {
    const answer = await http(sim, 'GET', '/jwt/qps/user', {
      cookie: bystander.cookie,
      origin: 'https://evil.example',
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toBe('403 Forbidden: Origin is not in the host allow list\n');
    const ok = await http(sim, 'GET', '/jwt/qps/user', { cookie: bystander.cookie, origin: 'https://localhost:1234' });
    expect(ok.status).toBe(200);
  });

  it('answers a malformed URL with 400', async () => {
    const answer = await http(sim, 'GET', '/jwt/%E0%A4%A/qps');
    expect(answer.status).toBe(400);
  });

  it('still serves the bystander, who never got a second session, after all of the above', async () => {
    const answer = await http(sim, 'GET', '/jwt/qps/user', { cookie: bystander.cookie });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ userId: 'bystander' });
    expect(sim.audit.sessionsCreated('CORP\\bystander')).toBe(1);
    expect(sim.audit.sessionsCreated('CORP\\alice')).toBe(1); // only the accepted audience case
  });
});
