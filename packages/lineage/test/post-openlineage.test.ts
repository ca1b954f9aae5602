import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenLineageRunEvent, postOpenLineage } from '../src/index.js';

/** A receiver that accepts every event but the one whose run id is 'refused'. */
let server: Server;
let base: string;
const received: { url: string; headers: IncomingMessage['headers']; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', () => {
      const body = JSON.parse(text) as { run: { runId: string } };
      received.push({ url: req.url ?? '', headers: req.headers, body });
      if (body.run.runId === 'refused') res.writeHead(422).end('bad facet');
      else res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const event = (runId: string) => ({ eventType: 'COMPLETE', run: { runId } }) as unknown as OpenLineageRunEvent;

describe('postOpenLineage', () => {
  it('POSTs each event as JSON to <url>/api/v1/lineage with the extra headers, and records a refusal', async () => {
    received.length = 0;
    const result = await postOpenLineage(`${base}/`, [event('a'), event('refused'), event('c')], {
      headers: { authorization: 'Bearer receiver-token' },
    });
    expect(result.posted).toBe(2);
    expect(result.failures).toEqual([
      { index: 1, status: 422, message: `${base}/api/v1/lineage answered 422: bad facet` },
    ]);
    expect(received.map((r) => r.url)).toEqual(['/api/v1/lineage', '/api/v1/lineage', '/api/v1/lineage']);
    expect(received.map((r) => (r.body as { run: { runId: string } }).run.runId)).toEqual(['a', 'refused', 'c']);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(received[0]?.headers.authorization).toBe('Bearer receiver-token');
  });

  it('sends URL credentials as Basic authorization, keeps the query, and names the endpoint without either', async () => {
    received.length = 0;
    const secretUrl = `${base.replace('http://', 'http://user:s3cret@')}/marquez?api_key=k3y`;
    const refused = await postOpenLineage(secretUrl, [event('ok'), event('refused')]);
    expect(refused.posted).toBe(1);
    expect(refused.failures).toEqual([
      { index: 1, status: 422, message: `${base}/marquez/api/v1/lineage answered 422: bad facet` },
    ]);
    expect(received[0]?.url).toBe('/marquez/api/v1/lineage?api_key=k3y');
    expect(received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('user:s3cret').toString('base64')}`);

    // Nothing listens on port 9 of 127.0.0.1 (discard): a network error.
    const unreachable = await postOpenLineage('http://user:s3cret@127.0.0.1:9/?api_key=k3y', [event('x')], {
      timeoutMs: 2_000,
      retries: 0,
    });
    expect(unreachable.posted).toBe(0);
    expect(unreachable.failures).toHaveLength(1);
    expect(unreachable.failures[0]?.message).toMatch(/^http:\/\/127\.0\.0\.1:9\/api\/v1\/lineage: /);
    for (const failure of [...refused.failures, ...unreachable.failures]) {
      expect(failure.message).not.toContain('s3cret');
      expect(failure.message).not.toContain('k3y');
    }
  });

  it('rejects a URL that is not http(s) without echoing it', async () => {
    await expect(postOpenLineage('ftp://user:s3cret@host/', [])).rejects.toThrow(
      /^postOpenLineage: url \(or OPENLINEAGE_URL\) must be an http\(s\) URL$/,
    );
    await expect(postOpenLineage(undefined, [], { env: {} })).rejects.toThrow(/OPENLINEAGE_URL/);
  });

  it('takes URL, endpoint and API key from the environment; a refusal echoing the key does not show it', async () => {
    received.length = 0;
    const env = { OPENLINEAGE_URL: base, OPENLINEAGE_ENDPOINT: '/custom/lineage', OPENLINEAGE_API_KEY: 'k3y-s3cret' };
    const echo = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(401).end(`bad key ${String(req.headers.authorization)}`));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const ok = await postOpenLineage(undefined, [event('a')], { env });
      expect(ok).toEqual({ posted: 1, failures: [] });
      expect(received[0]?.url).toBe('/custom/lineage');
      expect(received[0]?.headers.authorization).toBe('Bearer k3y-s3cret');
      const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const refused = await postOpenLineage(echoUrl, [event('b')], { env });
      expect(refused.failures).toHaveLength(1);
      expect(refused.failures[0]?.status).toBe(401);
      expect(refused.failures[0]?.message).not.toContain('k3y-s3cret');
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });

  it('retries 429/5xx with backoff up to `retries`, and does not retry a 4xx refusal', async () => {
    let calls = 0;
    const busy = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        res.writeHead(429).end();
      });
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(busy.address() as AddressInfo).port}`;
      const started = Date.now();
      const result = await postOpenLineage(url, [event('a')], { retries: 2, retryDelayMs: 20, env: {} });
      expect(calls).toBe(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(55); // 20 + 40 ms of backoff
      expect(result).toEqual({
        posted: 0,
        failures: [{ index: 0, status: 429, message: `${url}/api/v1/lineage answered 429` }],
      });
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
    received.length = 0;
    const refused = await postOpenLineage(base, [event('refused')], { retryDelayMs: 1, env: {} });
    expect(refused.failures).toHaveLength(1);
    expect(received).toHaveLength(1);
  });
});
