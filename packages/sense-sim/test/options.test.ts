import { describe, expect, it } from 'vitest';
import { createSimulator, SiteFixtureError } from '../src/index.js';

describe('createSimulator options', () => {
  it.each([
    [
      { virtualProxies: [{ prefix: 'jwt', csrf: 'lax' }] },
      'options/virtualProxies/0/csrf must be equal to one of the allowed values (strict, legacy, off)',
    ],
    [{ virtualProxies: [{ prefix: 'Upper' }] }, 'options/virtualProxies/0/prefix must match pattern'],
    [{ virtualProxies: [{ prefix: 'a' }, { prefix: 'a' }] }, "duplicate virtual proxy prefix 'a'"],
    [
      { virtualProxies: [{ prefix: 'jwt', jwt: { algorithms: ['HS256'] } }] },
      'options/virtualProxies/0/jwt/algorithms/0 must be equal to one of the allowed values (RS256, RS384, RS512)',
    ],
    [{ port: 70000 }, 'options/port must be <= 65535'],
    [{ colour: 'blue' }, "must NOT have additional properties 'colour'"],
    [
      { virtualProxies: [{ prefix: '' }], tenant: {} },
      "a tenant cannot share the root with a virtual proxy whose prefix is ''",
    ],
  ])('refuses %j with a TypeError naming the option', async (options, message) => {
    await expect(createSimulator(options as never)).rejects.toThrow(TypeError);
    await expect(createSimulator(options as never)).rejects.toThrow(message);
  });

  it('does not mutate the caller’s options', async () => {
    const options = { virtualProxies: [{ prefix: 'jwt' }] };
    const copy = structuredClone(options);
    const sim = await createSimulator(options);
    await sim.close();
    expect(options).toEqual(copy);
  });

  it('refuses an invalid site fixture with a SiteFixtureError naming the problem', async () => {
    const bad = { apps: [{ id: 'x' }] };
    await expect(createSimulator({ site: bad as never })).rejects.toThrow(SiteFixtureError);
    await expect(createSimulator({ site: bad as never })).rejects.toThrow("must have required property 'name'");
    await expect(createSimulator({ site: '/no/such/site.json' })).rejects.toThrow('cannot read /no/such/site.json');
  });

  it('reports the default virtual proxy and a free port', async () => {
    const sim = await createSimulator();
    try {
      expect(sim.port).toBeGreaterThan(0);
      expect(sim.proxies).toEqual([
        {
          prefix: 'jwt',
          url: `https://127.0.0.1:${sim.port}/jwt`,
          wsUrl: `wss://127.0.0.1:${sim.port}/jwt/app/`,
          cookieName: 'X-Qlik-Session-jwt',
          csrf: 'strict',
          licence: 'professional',
          userIdAttribute: 'userId',
          userDirectoryAttribute: 'userDirectory',
          hostAllowList: ['localhost', '127.0.0.1'],
        },
      ]);
      expect(sim.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(sim.keys.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    } finally {
      await sim.close();
    }
  });
});
