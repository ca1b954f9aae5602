import { createSite, type Site } from '@qixflow/core';
import { createSimulator, type SimSiteFixture, type Simulator } from '@qixflow/sense-sim';

/** The demo site's apps (packages/sense-sim/demo-site). */
export const DEMO = {
  extract: '6f1c2a8e-3b4d-4e7a-9c15-2d8f0b7e4a31',
  transform: 'a2d94b17-8e3c-4f56-b0a2-71c5e9d3f846',
  dashboard: '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57',
  finance: 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12',
  hr: '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74',
} as const;

/** A simulator (port 0) serving the demo site, or a generated one. Its reload on start gives every app data. */
export function startSimulator(site: 'demo' | SimSiteFixture = 'demo'): Promise<Simulator> {
  return createSimulator({ site });
}

/**
 * A core site on the simulator's first virtual proxy (JWT, CORP\\<userId>), trusting its CA:
 * every websocket and QRS call of the site shares one proxy session.
 */
export function siteFor(sim: Simulator, userId = 'lineage'): Site {
  const proxy = sim.proxies[0];
  return createSite({
    host: sim.url,
    prefix: proxy?.prefix ?? '',
    auth: { kind: 'jwt', privateKey: sim.keys.privateKey, userId, userDirectory: 'CORP' },
    ...(sim.ca ? { tls: { ca: sim.ca } } : {}),
    origin: sim.url.replace('127.0.0.1', 'localhost'),
    reconnect: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 100 },
  });
}
