import type { Simulator } from '@qixflow/sense-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { siteFor, startSim } from './support/harness.js';

const HR = '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74';

describe('a new connection after the proxy session expired', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('QSEoW: the refused upgrade (401) leads to one new handshake and the app opens', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'expired-cookie' });
    try {
      expect(await site.withApp(HR, async (doc) => (await doc.getAppLayout()).qTitle)).toBe('HR Overview');
      sim.control.expireSessions();
      // Before the fix, enigma.js answered the retry with its failed first open:
      // "WebSocket was closed before the connection was established".
      expect(await site.withApp(HR, async (doc) => (await doc.getAppLayout()).qTitle)).toBe('HR Overview');
      expect(sim.audit.sessionsCreated('CORP\\expired-cookie')).toBe(2);
      expect(site.stats().handshakes).toBe(2);
    } finally {
      await site.close();
    }
  });

  it('Qlik Cloud: the same after the tenant session expired', async () => {
    sim = await startSim({ tenant: { issuer: 'https://idp.example', keyId: 'kid-1' } });
    const site = siteFor(sim, {
      prefix: '',
      auth: {
        kind: 'cloud-jwt',
        privateKey: sim.keys.privateKey,
        kid: 'kid-1',
        issuer: 'https://idp.example',
        subject: 'auth0|expired',
        name: 'Expired',
        email: 'expired@example.com',
      },
    });
    try {
      expect(await site.withApp(HR, async (doc) => (await doc.getAppLayout()).qTitle)).toBe('HR Overview');
      sim.control.expireSessions();
      expect(await site.withApp(HR, async (doc) => (await doc.getAppLayout()).qTitle)).toBe('HR Overview');
      expect(site.stats().handshakes).toBe(2);
    } finally {
      await site.close();
    }
  });
});
