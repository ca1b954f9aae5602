import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSite, type Site, type SiteOptions } from '../../src/index.js';
import { failure } from '../support/harness.js';
import { type FakeEngine, guardHostileTests, startFakeEngine } from './hostile-servers.js';

const APP = 'silent-app';

describe('an engine that never answers', () => {
  let engine: FakeEngine | undefined;
  let site: Site | undefined;
  guardHostileTests(
    () => [site, engine],
    () => {
      site = undefined;
      engine = undefined;
    },
  );

  async function silentSite(options: Partial<SiteOptions> = {}): Promise<Site> {
    engine = await startFakeEngine(() => 'silent');
    site = createSite({ host: engine.host, auth: { kind: 'none' }, ...options });
    return site;
  }

  it('openApp times out with ERR_TIMEOUT after timeouts.openMs and closes the socket', async () => {
    const s = await silentSite({ timeouts: { openMs: 300 } });
    const app = s.openApp(APP);
    const started = Date.now();
    const error = await failure(app.open());
    const elapsed = Date.now() - started;
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.message).toBe(
      `opening app ${APP} took longer than 300 ms (websocket, OnConnected, OpenDoc); the connection was closed. ` +
        'Check the engine, or raise timeouts.openMs (or openApp(id, { timeoutMs })).',
    );
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(app.state).toBe('closed');
    expect(s.stats().socketsOpen).toBe(0);
  });

  it('a per-call timeoutMs wins over the site default, for withApp too', async () => {
    const s = await silentSite({ timeouts: { openMs: 60_000 } });
    const started = Date.now();
    let ran = false;
    const error = await failure(
      s.withApp(
        APP,
        async () => {
          ran = true;
        },
        { timeoutMs: 200 },
      ),
    );
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.message).toContain('took longer than 200 ms');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(ran).toBe(false);
  });

  it('the default open timeout is 30 s', async () => {
    const delays: number[] = [];
    const s = await silentSite({
      io: {
        timers: {
          setTimeout: (callback, ms) => {
            delays.push(ms);
            return setTimeout(callback, ms);
          },
          clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
        },
      },
    });
    const app = s.openApp(APP);
    const opening = failure(app.open());
    expect(delays).toEqual([30_000]);
    await app.close();
    expect((await opening).code).toBe('ERR_CLOSED');
  });

  it('an upgrade that never completes ends within the open timeout too', async () => {
    const sockets = new Set<Socket>();
    const tcp = createServer((socket) => {
      sockets.add(socket); // reads the upgrade request, never answers it
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = tcp.address() as AddressInfo;
      site = createSite({ host: `http://127.0.0.1:${port}`, auth: { kind: 'none' }, timeouts: { openMs: 300 } });
      const started = Date.now();
      const error = await failure(site.openApp(APP).open());
      expect(error.code).toBe('ERR_TIMEOUT');
      expect(error.message).toContain('took longer than 300 ms');
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });
});

describe('an engine that is not there', () => {
  it('a refused websocket connection is ERR_NETWORK naming the host', async () => {
    const tcp = createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const { port } = tcp.address() as AddressInfo;
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    const site = createSite({ host: `http://127.0.0.1:${port}`, auth: { kind: 'none' } });
    const error = await failure(site.openApp(APP).open());
    expect(error.code).toBe('ERR_NETWORK');
    expect(error.message).toContain(`cannot reach http://127.0.0.1:${port} (ECONNREFUSED)`);
    await site.close();
  });
});
