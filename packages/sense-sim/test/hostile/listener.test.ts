import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSimulator, type Simulator } from '../../src/index.js';

type UpgradeOutcome = { opened: true } | { opened: false; status: number; body: string };

/** Tries a websocket upgrade on the engine-only listener and reports how it ended. */
function tryUpgrade(sim: Simulator, headers: Record<string, string>): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${sim.engineUrl}/app/engineData`, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve({ opened: true });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

/** Opens a socket, sends one frame of `bytes` bytes (a valid JSON-RPC request) and reports the outcome. */
function sendFrame(
  sim: Simulator,
  bytes: number,
): Promise<{ closeCode: number } | { answer: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${sim.engineUrl}/app/engineData`);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      if (frame.method === 'OnConnected') {
        const request = { jsonrpc: '2.0', id: 1, handle: -1, method: 'EngineVersion', params: [], pad: '' };
        const padding = bytes - Buffer.byteLength(JSON.stringify(request));
        ws.send(JSON.stringify({ ...request, pad: 'x'.repeat(padding) }));
      } else if (frame.id === 1) {
        ws.close();
        resolve({ answer: frame });
      }
    });
    ws.once('close', (code) => resolve({ closeCode: code }));
    ws.once('error', (error) => {
      // The server closes first; a late send can fail with EPIPE/ECONNRESET, the close still follows.
      if (!/EPIPE|ECONNRESET/.test(String(error))) reject(error);
    });
  });
}

describe('the engine-only listener checks Origin', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ https: false });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('accepts clients that send no Origin (enigma.js in Node, scripts)', async () => {
    expect(await tryUpgrade(sim, {})).toEqual({ opened: true });
  });

  it.each(['http://localhost:3000', 'https://LOCALHOST', 'http://127.0.0.1:8080', 'http://[::1]:5173'])(
    'accepts a page on the developer machine (%s)',
    async (origin) => {
      expect(await tryUpgrade(sim, { Origin: origin })).toEqual({ opened: true });
    },
  );

  it.each(['https://evil.example', 'http://localhost.evil.example', 'http://127.0.0.2', 'null', 'not a url'])(
    'refuses any other Origin (%s) with 403 and says why',
    async (origin) => {
      const outcome = await tryUpgrade(sim, { Origin: origin });
      expect(outcome).toEqual({
        opened: false,
        status: 403,
        body: `403 Forbidden: Origin ${JSON.stringify(origin)} is not allowed on the engine-only listener (allowed hosts: localhost, 127.0.0.1, ::1)\n`,
      });
    },
  );

  it('refuses before opening any engine session', async () => {
    await tryUpgrade(sim, { Origin: 'https://evil.example' });
    expect(sim.stats().engine.connections).toBe(0);
  });
});

describe('directEngineHostAllowList', () => {
  it('replaces the default hosts, in any case and with or without IPv6 brackets', async () => {
    const sim = await createSimulator({ https: false, directEngineHostAllowList: ['Apps.Example.com', '[::1]'] });
    try {
      expect(await tryUpgrade(sim, { Origin: 'https://apps.example.com' })).toEqual({ opened: true });
      expect(await tryUpgrade(sim, { Origin: 'http://[::1]:3000' })).toEqual({ opened: true });
      expect(await tryUpgrade(sim, { Origin: 'http://localhost:3000' })).toMatchObject({ opened: false, status: 403 });
      expect(await tryUpgrade(sim, {})).toEqual({ opened: true });
    } finally {
      await sim.close();
    }
  });

  it('is validated at the boundary', async () => {
    await expect(createSimulator({ directEngineHostAllowList: [''] })).rejects.toThrow(TypeError);
    await expect(createSimulator({ directEngineHostAllowList: 'localhost' as never })).rejects.toThrow(
      /options\/directEngineHostAllowList/,
    );
  });
});

describe('maxPayload', () => {
  it('closes a socket that sends a frame over the limit with 1009, and keeps serving others', async () => {
    const sim = await createSimulator({ https: false, maxPayload: 64 * 1024 });
    try {
      expect(await sendFrame(sim, 64 * 1024 + 1)).toEqual({ closeCode: 1009 });
      expect(await sendFrame(sim, 64 * 1024)).toEqual({
        answer: { jsonrpc: '2.0', id: 1, result: { qVersion: { qComponentVersion: expect.any(String) } } },
      });
    } finally {
      await sim.close();
    }
  });

  it('defaults to 16 MiB', { timeout: 30_000 }, async () => {
    const sim = await createSimulator({ https: false });
    try {
      expect(await sendFrame(sim, 16 * 1024 * 1024 + 1)).toEqual({ closeCode: 1009 });
      expect(await sendFrame(sim, 8 * 1024 * 1024)).toMatchObject({ answer: { id: 1 } });
    } finally {
      await sim.close();
    }
  });

  it('is validated at the boundary', async () => {
    await expect(createSimulator({ maxPayload: 10 })).rejects.toThrow(/options\/maxPayload/);
  });
});
