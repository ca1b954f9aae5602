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
      /^postOpenLineage: url must be an http\(s\) URL$/,
    );
  });
});
