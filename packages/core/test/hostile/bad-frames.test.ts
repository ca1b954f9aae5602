import { describe, expect, it } from 'vitest';
import type { QixflowError } from '../../src/errors.js';
import { createSite, type Site, type SiteOptions } from '../../src/index.js';
import { failure } from '../support/harness.js';
import { type EngineBehaviour, type FakeEngine, guardHostileTests, once, startFakeEngine } from './hostile-servers.js';

const APP = 'hostile-app';
const SECRETISH = 'password=hunter2-in-a-frame';

describe('a server that breaks the engine protocol', () => {
  let engine: FakeEngine | undefined;
  let site: Site | undefined;
  guardHostileTests(
    () => [site, engine],
    () => {
      site = undefined;
      engine = undefined;
    },
  );

  async function setUp(
    behaviour: (index: number) => EngineBehaviour,
    options: Partial<SiteOptions> & { unanswered?: readonly string[] } = {},
  ): Promise<Site> {
    const { unanswered, ...siteOptions } = options;
    engine = await startFakeEngine(behaviour, unanswered ? { unanswered } : {});
    site = createSite({
      host: engine.host,
      auth: { kind: 'none' },
      reconnect: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
      ...siteOptions,
    });
    return site;
  }

  it('an invalid JSON first frame fails open() with ERR_PROTOCOL, no uncaught exception, and closes the connection', async () => {
    const s = await setUp(() => ({ firstFrame: `<html>${SECRETISH}</html>` }));
    const app = s.openApp(APP);
    const error = await failure(app.open());
    expect(error.code).toBe('ERR_PROTOCOL');
    expect(error.message).toMatch(
      /^the server sent a frame that is not JSON \(\d+ bytes\) instead of a JSON-RPC message/,
    );
    expect(error.message).toContain('Check that host and prefix lead to a Qlik Sense proxy or engine');
    expect(error.message).not.toContain('hunter2');
    expect(app.state).toBe('closed');
    await app.close(); // closing a failed connection is a no-op, never a TypeError
    expect(s.stats().socketsOpen).toBe(0);
  });

  it('an invalid frame after OnConnected: the call in flight fails with ERR_PROTOCOL, then the connection resumes', async () => {
    const s = await setUp((index) => (index === 0 ? 'normal' : 'normal'), { unanswered: ['GetAppProperties'] });
    const app = s.openApp(APP);
    const doc = await app.open();
    const suspended = once<{ code: number; error?: QixflowError }>(app, 'suspended');
    const resumed = once<{ attached: boolean; lost: string[] }>(app, 'resumed');
    const inFlight = failure(doc.getAppProperties());
    engine?.broadcast(`{"jsonrpc":"2.0","id":1,${SECRETISH}`);
    const error = await inFlight;
    expect(error.code).toBe('ERR_PROTOCOL');
    expect(error.message).toContain('a frame that is not JSON');
    expect(error.message).not.toContain('hunter2');
    expect((await suspended).error?.code).toBe('ERR_PROTOCOL');
    await resumed;
    expect(app.state).toBe('open');
    expect((await doc.getAppLayout()).qTitle).toBe('Hostile');
    expect(s.stats()).toMatchObject({ reconnects: 1, socketsOpen: 1, socketsOpened: 2 });
  });

  it('JSON that is not an object ends the socket with ERR_PROTOCOL; without reconnect the connection ends with that error', async () => {
    for (const [frame, kind] of [
      ['[1,2,3]', 'an array'],
      ['42', 'a number'],
      ['null', 'null'],
      ['"text"', 'a string'],
    ] as const) {
      const s = await setUp(() => 'normal', { reconnect: false });
      const app = s.openApp(APP);
      await app.open();
      const failed = once<QixflowError>(app, 'error');
      const closed = once<{ code: number; reason: string }>(app, 'closed');
      engine?.broadcast(frame);
      const error = await failed;
      expect(error.code).toBe('ERR_PROTOCOL');
      expect(error.message).toContain(`a JSON frame that is ${kind}, not an object`);
      expect((await closed).reason).toBe('ERR_PROTOCOL');
      expect(app.state).toBe('closed');
      await s.close();
      await engine?.close();
      site = undefined;
      engine = undefined;
    }
  });

  it('a frame over limits.maxPayload ends the socket with ERR_PROTOCOL naming the limit', async () => {
    const s = await setUp(() => 'normal', { reconnect: false, limits: { maxPayload: 64 * 1024 } });
    const app = s.openApp(APP);
    await app.open();
    const failed = once<QixflowError>(app, 'error');
    engine?.broadcast(JSON.stringify({ jsonrpc: '2.0', method: 'Big', params: { blob: 'x'.repeat(100 * 1024) } }));
    const error = await failed;
    expect(error.code).toBe('ERR_PROTOCOL');
    expect(error.message).toContain('a frame larger than 65536 bytes (limits.maxPayload)');
  });

  it('a server that keeps breaking the protocol: the reconnect policy gives up with ERR_PROTOCOL', async () => {
    const s = await setUp((index) => (index === 0 ? 'normal' : { insteadOfAnswer: 'garbage' }), {
      reconnect: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
    });
    const app = s.openApp(APP);
    await app.open();
    const attempts: number[] = [];
    app.on('reconnecting', ({ attempt }) => attempts.push(attempt));
    const failed = once<QixflowError>(app, 'error');
    engine?.broadcast('garbage');
    const error = await failed;
    expect(error.code).toBe('ERR_PROTOCOL');
    expect(error.message).toContain('a frame that is not JSON (7 bytes)');
    expect(attempts).toEqual([1, 2]);
    expect(app.state).toBe('closed');
  });
});
