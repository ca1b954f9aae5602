import { ManualClock, type Simulator } from '@qixflow/sense-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { APPS, failure, siteFor, startSim } from './support/harness.js';

describe('one proxy session for everything', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('100 sequential withApp jobs create exactly one proxy session', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'batch' });
    for (let i = 0; i < 100; i++) {
      const title = await site.withApp(APPS.salesDashboard, async (doc) => (await doc.getAppLayout()).qTitle);
      expect(title).toBe('Sales Dashboard');
    }
    expect(sim.audit.sessionsCreated('CORP\\batch')).toBe(1);
    expect(sim.audit.entries('usage-denied')).toHaveLength(0);
    expect(site.stats()).toMatchObject({ handshakes: 1, proxySessionsCreated: 1, socketsOpened: 100, socketsOpen: 0 });
    await site.close();
  });

  it('50 concurrent openApp calls share one handshake and one proxy session', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'burst' });
    const connections = Array.from({ length: 50 }, (_, i) => site.openApp(APPS.finance, { identity: `job-${i}` }));
    const docs = await Promise.all(connections.map((c) => c.open()));
    const titles = await Promise.all(docs.map(async (doc) => (await doc.getAppLayout()).qTitle));
    expect(new Set(titles)).toEqual(new Set(['Finance']));
    expect(sim.audit.sessionsCreated('CORP\\burst')).toBe(1);
    expect(site.stats()).toMatchObject({ handshakes: 1, socketsOpen: 50 });
    await site.close();
    expect(site.stats().socketsOpen).toBe(0);
  });

  it('asks for whole answers by default and speaks the delta protocol with delta: true', async () => {
    sim = await startSim();
    const sent: { delta?: boolean; method?: string }[] = [];
    const received: { delta?: boolean; id?: number }[] = [];
    const site = siteFor(sim, {
      userId: 'delta',
      onTraffic: (event) => {
        if (event.kind !== 'ws') return;
        const frame = JSON.parse(event.data) as { delta?: boolean; method?: string; id?: number };
        (event.direction === 'sent' ? sent : received).push(frame);
      },
    });
    for (const delta of [undefined, true] as const) {
      sent.length = 0;
      received.length = 0;
      const doc = await site
        .openApp(APPS.finance, { identity: `delta-${delta}`, ...(delta === undefined ? {} : { delta }) })
        .open();
      expect((await doc.getAppLayout()).qTitle).toBe('Finance');
      const request = sent.find((f) => f.method === 'GetAppLayout');
      const answer = received.find((f) => f.id !== undefined && f.id === (request as { id?: number } | undefined)?.id);
      // enigma.js spreads its protocol setting into every request: `false` is sent, not left out.
      expect(request?.delta).toBe(delta === true);
      expect(answer?.delta).toBe(delta === true ? true : undefined);
    }
    expect(() => site.openApp(APPS.finance, { delta: 'no' as never })).toThrow(
      'openApp: options.delta must be true or false, got "no"',
    );
    await site.close();
  });

  it('logs out on close when asked, freeing the proxy session', async () => {
    sim = await startSim();
    const site = siteFor(sim, { userId: 'tidy' });
    await site.connect();
    expect(sim.sessions().filter((s) => s.user.userId === 'tidy')).toHaveLength(1);
    await site.close({ logout: true });
    expect(sim.sessions().filter((s) => s.user.userId === 'tidy')).toHaveLength(0);
    expect(sim.audit.entries('session-ended').map((e) => e.reason)).toEqual(['logout']);
  });
});

describe('session budget', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('fails fast with ERR_SESSION_BUDGET_EXHAUSTED when new sessions exceed the window, and frees slots as it slides', async () => {
    const clock = new ManualClock(Date.now());
    sim = await startSim({ clock });
    const site = siteFor(sim, { userId: 'budget', budget: { maxSessions: 2, windowSeconds: 300 }, io: { clock } });
    await site.connect();
    // The proxy session dies (e.g. timed out) twice: each recovery is a new handshake.
    sim.control.expireSessions({ user: 'CORP\\budget' });
    expect(await site.whoAmI()).toMatchObject({ userId: 'budget' });
    clock.advance(60_000);
    sim.control.expireSessions({ user: 'CORP\\budget' });
    const error = await failure(site.whoAmI());
    expect(error.code).toBe('ERR_SESSION_BUDGET_EXHAUSTED');
    expect(error.message).toMatch(/2 .*300 s/);
    const retryAt = error.retryAt as number;
    expect(retryAt).toBe(clock.now() - 60_000 + 300_000);
    expect(sim.audit.sessionsCreated('CORP\\budget')).toBe(2);
    clock.set(retryAt + 1);
    expect(await site.whoAmI()).toMatchObject({ userId: 'budget' });
    expect(sim.audit.sessionsCreated('CORP\\budget')).toBe(3);
    await site.close();
  });

  it('a budget shared through a state file counts sessions of several sites', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const stateFile = join(await mkdtemp(join(tmpdir(), 'qixflow-budget-')), 'budget.json');
    sim = await startSim();
    const a = siteFor(sim, { userId: 'shared', budget: { maxSessions: 1, stateFile } });
    const b = siteFor(sim, { userId: 'shared', budget: { maxSessions: 1, stateFile } });
    await a.connect();
    const error = await failure(b.connect());
    expect(error.code).toBe('ERR_SESSION_BUDGET_EXHAUSTED');
    expect(sim.audit.sessionsCreated('CORP\\shared')).toBe(1);
    await a.close();
    await b.close();
  });
});
