import { describe, expect, it } from 'vitest';
import { createSite, type Site, type SiteOptions } from '../../src/index.js';
import { failure } from '../support/harness.js';
import { leakGuard } from '../support/leak-guard.js';
import { anyPrivateKey, guardHostileTests, type HttpFixture, startHttp, stream } from './hostile-servers.js';

const MiB = 1024 * 1024;

/** Memory a test may add while a server pushes hundreds of MB at it. */
const MEMORY_BOUND = 100 * MiB;

describe('HTTP answers of a hostile proxy are read against a cap and a timeout', () => {
  let proxy: HttpFixture | undefined;
  let site: Site | undefined;
  guardHostileTests(
    () => [site, proxy],
    () => {
      site = undefined;
      proxy = undefined;
    },
  );

  function siteOn(fixture: HttpFixture, options: Partial<SiteOptions> = {}): Site {
    site = createSite({
      host: fixture.url,
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKey: anyPrivateKey, userId: 'hostile', userDirectory: 'CORP' },
      ...options,
    });
    return site;
  }

  /** Runs `work`, sampling memory meanwhile; returns its growth over the start (the larger of RSS and heap). */
  async function peakGrowth(work: () => Promise<void>): Promise<number> {
    global.gc?.();
    const start = process.memoryUsage();
    let peak = 0;
    const sample = (): void => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss - start.rss, now.heapUsed - start.heapUsed);
    };
    const timer = setInterval(sample, 5);
    try {
      await work();
    } finally {
      clearInterval(timer);
      sample();
    }
    return peak;
  }

  it('a never-ending handshake body: ERR_RESPONSE_TOO_LARGE at the default 16 MiB, quickly, with bounded memory', async () => {
    let sent = Promise.resolve(0);
    proxy = await startHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      sent = stream(res, undefined);
    });
    const s = siteOn(proxy);
    const started = Date.now();
    let error: Awaited<ReturnType<typeof failure>> | undefined;
    const growth = await peakGrowth(async () => {
      error = await failure(s.connect());
    });
    expect(error?.code).toBe('ERR_RESPONSE_TOO_LARGE');
    expect(error?.message).toBe(
      `${proxy.url}/jwt/qps/csrftoken sent a body larger than 16777216 bytes (limits.maxResponseBytes); the rest was not read. ` +
        'Check host and prefix; raise limits.maxResponseBytes if such an answer is expected.',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(growth).toBeLessThan(MEMORY_BOUND);
    expect(await sent).toBeLessThan(64 * MiB); // the download stopped, it was not drained
  });

  it('limits.maxResponseBytes is configurable and named in the error', async () => {
    proxy = await startHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      void stream(res, 4 * MiB, 64 * 1024);
    });
    const error = await failure(siteOn(proxy, { limits: { maxResponseBytes: MiB } }).connect());
    expect(error.code).toBe('ERR_RESPONSE_TOO_LARGE');
    expect(error.message).toContain('sent a body larger than 1048576 bytes (limits.maxResponseBytes)');
  });

  it('a body that trickles forever ends with ERR_TIMEOUT after timeouts.requestMs', async () => {
    proxy = await startHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const error = await failure(siteOn(proxy, { timeouts: { requestMs: 500 } }).connect());
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.message).toBe(`no answer from ${proxy.url}/jwt/qps/csrftoken in time`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a 200 MB error body is reported by its status (not as "cannot reach"), quickly, with bounded memory', async () => {
    let sent = Promise.resolve(0);
    proxy = await startHttp((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.write('engine exploded\n');
      sent = stream(res, 200 * MiB);
    });
    const s = siteOn(proxy);
    const started = Date.now();
    let error: Awaited<ReturnType<typeof failure>> | undefined;
    const growth = await peakGrowth(async () => {
      error = await failure(s.connect());
    });
    expect(error?.code).toBe('ERR_HANDSHAKE_FAILED');
    expect(error?.status).toBe(500);
    expect(error?.message).toBe(`${proxy.url}/jwt/qps/csrftoken answered 500: engine exploded`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(growth).toBeLessThan(MEMORY_BOUND);
    expect(await sent).toBeLessThan(200 * MiB);
  });

  it('a user record that is not JSON is ERR_HTTP without quoting the body', async () => {
    proxy = await startHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>token=very-secret-value</html>');
    });
    site = createSite({ host: proxy.url, auth: { kind: 'none' } });
    const error = await failure(site.whoAmI());
    expect(error.code).toBe('ERR_HTTP');
    expect(error.message).toBe(`${proxy.url}/qps/user answered 200 with a body that is not a JSON object`);
  });

  it('a refused websocket upgrade with an endless body is reported by its status, quickly', async () => {
    proxy = await startHttp((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    proxy.server.on('upgrade', (_req, socket: import('node:net').Socket) => {
      socket.on('error', () => undefined);
      socket.write('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n');
      socket.write('Origin not allowed\n');
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk)) {
          // keep the pipe full until the client hangs up
        }
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
    site = createSite({ host: proxy.url, auth: { kind: 'none' } });
    const started = Date.now();
    const error = await failure(site.openApp('app').open());
    expect(error.code).toBe('ERR_FORBIDDEN_ORIGIN');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      "the proxy refused the websocket (403: Origin not allowed): add '127.0.0.1' to the virtual proxy's host allow list (or set origin)",
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a token the proxy echoes in its refusal is redacted', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJ1c2VySWQiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    leakGuard.secret(token);
    proxy = await startHttp((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    proxy.server.on('upgrade', (_req, socket: import('node:net').Socket) => {
      socket.on('error', () => undefined);
      socket.end(`HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\nupstream refused token ${token}\n`);
    });
    site = createSite({ host: proxy.url, auth: { kind: 'none' } });
    const error = await failure(site.openApp('app').open());
    expect(error.code).toBe('ERR_HANDSHAKE_FAILED');
    expect(error.status).toBe(502);
    expect(error.message).toMatch(
      /^the engine websocket was refused \(502: upstream refused token \S+\): check the prefix and app id$/,
    );
    expect(error.message).not.toContain(token);
  });

  it('a huge 401 body is still the handshake rejection', async () => {
    proxy = await startHttp((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.write('JWT signature does not verify\n');
      void stream(res, 200 * MiB);
    });
    const error = await failure(siteOn(proxy).connect());
    expect(error.code).toBe('ERR_HANDSHAKE_REJECTED');
    expect(error.status).toBe(401);
    expect(error.message).toContain('the proxy rejected the JWT (401: JWT signature does not verify)');
  });
});
