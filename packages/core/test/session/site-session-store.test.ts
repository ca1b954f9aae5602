import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '@qixflow/sense-sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSessionStore, createMemorySessionStore, type Site } from '../../src/index.js';
import { APPS, siteFor, startSim } from '../support/harness.js';

/** Live proxy sessions of a user on the simulator. */
function liveSessions(sim: Simulator, user: string): number {
  return sim.sessions().filter((s) => `${s.user.userDirectory}\\${s.user.userId}` === user).length;
}

describe('a site with a session store', () => {
  let sim: Simulator;
  let dir: string;
  const sites: Site[] = [];
  beforeEach(async () => {
    sim = await startSim({ virtualProxies: [{ prefix: 'jwt', licence: 'professional' }] });
    dir = await mkdtemp(join(tmpdir(), 'qixflow-site-store-'));
  });
  afterEach(async () => {
    // Some were closed by the test already: closing again is harmless, the harness's client says so.
    await Promise.all(sites.splice(0).map((s) => s.close().catch(() => undefined)));
    await sim.close();
  });
  /** A site as a new process would make it: its own store object over the same folder. */
  const process = (userId = 'store'): Site => {
    const site = siteFor(sim, { userId, sessionStore: createFileSessionStore({ dir }) });
    sites.push(site);
    return site;
  };
  const title = (site: Site): Promise<unknown> =>
    site.withApp(APPS.finance, async (doc) => (await doc.getAppLayout()).qTitle);

  it('makes one handshake for the first process and re-uses its session in the next ones', async () => {
    const first = process();
    expect(await title(first)).toBe('Finance');
    await first.close();
    for (let i = 0; i < 5; i++) {
      const next = process();
      expect(await title(next)).toBe('Finance');
      expect(next.stats()).toMatchObject({ handshakes: 0, proxySessionsCreated: 0, proxySessionsReused: 1 });
      await next.close();
    }
    expect(sim.audit.sessionsCreated('CORP\\store')).toBe(1);
    expect(liveSessions(sim, 'CORP\\store')).toBe(1);
    // The budget's state lives beside the store, private like it.
    expect((await stat(join(dir, 'budget.json'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'sessions.json'), 'utf8')).toContain('CORP\\\\store');
  });

  it('replaces a session the proxy no longer accepts with exactly one new handshake', async () => {
    const first = process();
    await title(first);
    await first.close();
    expect(sim.control.expireSessions('all')).toBe(1);
    const next = process();
    expect(await title(next)).toBe('Finance');
    expect(next.stats()).toMatchObject({ handshakes: 1, proxySessionsCreated: 1, proxySessionsReused: 0 });
    await next.close();
    const third = process();
    expect(await title(third)).toBe('Finance');
    expect(third.stats()).toMatchObject({ handshakes: 0, proxySessionsReused: 1 });
    expect(sim.audit.sessionsCreated('CORP\\store')).toBe(2);
  });

  it('lets parallel processes of one site and user share one handshake', async () => {
    const parallel = Array.from({ length: 6 }, () => process('burst'));
    const titles = await Promise.all(parallel.map(title));
    expect(new Set(titles)).toEqual(new Set(['Finance']));
    expect(sim.audit.sessionsCreated('CORP\\burst')).toBe(1);
    expect(parallel.reduce((n, s) => n + s.stats().handshakes, 0)).toBe(1);
  });

  it('keeps users apart', async () => {
    await title(process('anna'));
    await title(process('bert'));
    expect(sim.audit.sessionsCreated('CORP\\anna')).toBe(1);
    expect(sim.audit.sessionsCreated('CORP\\bert')).toBe(1);
  });

  it('logs out a session an earlier process stored, without a handshake, and forgets it', async () => {
    const first = process();
    await title(first);
    await first.close();
    expect(liveSessions(sim, 'CORP\\store')).toBe(1);
    const logout = process();
    const info = await logout.sessionInfo();
    expect(info).toMatchObject({ site: `${sim.url}|jwt`, user: 'CORP\\store', persistent: true });
    expect(info.stored?.createdAt).toBeTypeOf('number');
    expect(info.budget).toMatchObject({ used: 1, limit: 5 });
    await logout.close({ logout: true });
    expect(logout.stats().handshakes).toBe(0);
    expect(liveSessions(sim, 'CORP\\store')).toBe(0);
    expect((await process().sessionInfo()).stored).toBeUndefined();
  });

  it('is off for a site without a store, and a memory store shares a session inside one process', async () => {
    const plain = siteFor(sim, { userId: 'plain' });
    sites.push(plain);
    expect((await plain.sessionInfo()).persistent).toBe(false);
    const store = createMemorySessionStore();
    const a = siteFor(sim, { userId: 'mem', sessionStore: store });
    const b = siteFor(sim, { userId: 'mem', sessionStore: store });
    sites.push(a, b);
    await title(a);
    await title(b);
    expect(sim.audit.sessionsCreated('CORP\\mem')).toBe(1);
    expect(b.stats().proxySessionsReused).toBe(1);
  });
});
