import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../src/index.js';
import { eventually, openEnigma, type Qix } from './engine/engine-helpers.js';
import { handshake, http } from './helpers.js';

const XRF = 'abcdefghij012345';
const EXTRACT_TASK = '7d1e3f5a-2b4c-4d6e-9f8a-0b1c2d3e4f05';
const EXTRACT_APP = '6f1c2a8e-3b4d-4e7a-9c15-2d8f0b7e4a31';
const TRANSFORM_APP = 'a2d94b17-8e3c-4f56-b0a2-71c5e9d3f846';
const DASHBOARD_APP = '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57';
const FINANCE_APP = 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12';
const HR_APP = '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74';

interface Callback {
  objectType: string;
  objectID: string;
  changeType: number;
  changedProperties: string[];
}

/** A callback receiver: records every POSTed change; answers `failFirst` requests 503 first. */
async function receiver(failFirst = 0): Promise<{ url: string; calls: Callback[]; attempts: number; server: Server }> {
  const state = { calls: [] as Callback[], attempts: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.attempts += 1;
      if (state.attempts <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      state.calls.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Callback[]));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/qrs-callback`,
    server,
    get calls() {
      return state.calls;
    },
    get attempts() {
      return state.attempts;
    },
  };
}

describe('QRS changes: task runs, chains, app writes and change subscriptions', () => {
  let sim: Simulator;
  let cookie: string;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
    ({ cookie } = await handshake(sim));
  });
  afterAll(() => sim.close());

  const qrs = (method: string, path: string, body?: unknown) =>
    http(
      sim,
      method,
      `/jwt/qrs/${path}${path.includes('?') ? '&' : '?'}xrfkey=${XRF}`,
      { cookie, 'x-qlik-xrfkey': XRF, 'content-type': 'application/json' },
      body === undefined ? undefined : JSON.stringify(body),
    );
  const lastRun = async (taskId: string) =>
    (
      JSON.parse((await qrs('GET', `reloadtask/${taskId}`)).body) as {
        operational: { lastExecutionResult: { status: number; stopTime: string } };
      }
    ).operational.lastExecutionResult;

  it('starts a task through QRS: a chain runs extract → transform → dashboard and finance, each notified once', async () => {
    const hook = await receiver();
    const sub = await qrs('POST', 'notification?name=App&changetype=Update&propertyName=lastReloadTime', hook.url);
    expect(sub.status).toBe(201);
    const handle = JSON.parse(sub.body) as string;
    expect(handle).toMatch(/^[0-9a-f-]{36}$/);
    const before = await lastRun(EXTRACT_TASK);

    expect((await qrs('POST', `task/${EXTRACT_TASK}/start`)).status).toBe(204);
    await eventually(() => hook.calls.length >= 4, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more arrives
    // One App update per reloaded app, in chain order (finance and dashboard after transform).
    expect(hook.calls.map((c) => c.objectID).slice(0, 2)).toEqual([EXTRACT_APP, TRANSFORM_APP]);
    expect(hook.calls.map((c) => c.objectID).sort()).toEqual(
      [DASHBOARD_APP, EXTRACT_APP, FINANCE_APP, TRANSFORM_APP].sort(),
    );
    expect(hook.calls.every((c) => c.objectType === 'App' && c.changeType === 2)).toBe(true);
    expect(hook.calls[0]?.changedProperties).toEqual(['lastReloadTime', 'modifiedDate']);
    // HR Overview is not in the chain.
    expect(hook.calls.some((c) => c.objectID === HR_APP)).toBe(false);

    const after = await lastRun(EXTRACT_TASK);
    expect(after.status).toBe(7);
    expect(after.stopTime > before.stopTime).toBe(true);
    const app = JSON.parse((await qrs('GET', `app/${EXTRACT_APP}`)).body) as { lastReloadTime: string };
    expect(app.lastReloadTime).toBe(after.stopTime);

    expect((await qrs('DELETE', `notification?handle=${handle}`)).status).toBe(204);
    expect((await qrs('DELETE', `notification?handle=${handle}`)).status).toBe(404);
    expect(sim.stats().qrs.subscriptions).toBe(0);
    hook.server.close();
  });

  it('starts a task by name, synchronously, and announces its execution result started then finished', async () => {
    const hook = await receiver();
    const sub = await qrs('POST', 'notification?name=ExecutionResult', hook.url);
    const started = await qrs('POST', `task/start/synchronous?name=${encodeURIComponent('Reload HR Overview')}`);
    expect(started.status).toBe(201);
    expect(JSON.parse(started.body)).toEqual({ value: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await eventually(() => hook.calls.length >= 2, 20_000);
    expect(hook.calls.map((c) => c.changedProperties[0])).toEqual(['status', 'status']);
    expect(hook.calls[0]?.changedProperties).toEqual(['status', 'startTime']);
    expect(hook.calls[1]?.changedProperties).toContain('stopTime');
    expect((await qrs('POST', 'task/no-such-task/start')).status).toBe(404);
    await qrs('DELETE', `notification?handle=${JSON.parse(sub.body) as string}`);
    hook.server.close();
  });

  it('retries a callback the receiver refused (503) until it is taken', async () => {
    const hook = await receiver(1);
    const sub = await qrs('POST', 'notification?name=App&changetype=Add', hook.url);
    const copy = await qrs('POST', `app/${HR_APP}/copy?name=${encodeURIComponent('HR copy')}`);
    expect(copy.status).toBe(201);
    const copied = JSON.parse(copy.body) as { id: string; name: string; published: boolean };
    expect(copied).toMatchObject({ name: 'HR copy', published: false });
    await eventually(() => hook.calls.length === 1, 10_000);
    expect(hook.attempts).toBe(2);
    expect(hook.calls[0]).toMatchObject({ objectType: 'App', objectID: copied.id, changeType: 1 });
    await qrs('DELETE', `notification?handle=${JSON.parse(sub.body) as string}`);
    hook.server.close();
  });

  it('publishes, saves through the engine and deletes an app, each announced', async () => {
    const hook = await receiver();
    const sub = await qrs('POST', 'notification?name=App', hook.url);
    const copy = JSON.parse((await qrs('POST', `app/${HR_APP}/copy?name=Draft`)).body) as { id: string };
    await eventually(() => hook.calls.length === 1);

    const streams = JSON.parse((await qrs('GET', 'stream')).body) as { id: string; name: string }[];
    const stream = streams[0];
    if (!stream) throw new Error('the demo site has streams');
    const published = await qrs('PUT', `app/${copy.id}/publish?stream=${stream.id}&name=Published%20draft`);
    expect(published.status).toBe(200);
    expect(JSON.parse(published.body)).toMatchObject({
      name: 'Published draft',
      published: true,
      stream: { id: stream.id },
    });
    expect((await qrs('PUT', `app/${copy.id}/publish?stream=${stream.id}`)).status).toBe(400);

    // Another client saves the app through the engine: QRS shows it modified, subscribers hear of it.
    const { session, global } = await openEnigma(sim);
    const doc = (await global.openDoc(copy.id)) as Qix;
    await doc.setScript('LOAD 1 AS X AUTOGENERATE 1;');
    await doc.doSave();
    await session.close();

    expect((await qrs('DELETE', `app/${copy.id}`)).status).toBe(204);
    expect((await qrs('GET', `app/${copy.id}`)).status).toBe(404);
    await eventually(() => hook.calls.length === 4);
    expect(hook.calls.map((c) => [c.changeType, c.changedProperties.includes('published')])).toEqual([
      [1, false],
      [2, true],
      [2, false],
      [3, false],
    ]);
    expect(hook.calls[2]?.changedProperties).toContain('modifiedDate');
    await qrs('DELETE', `notification?handle=${JSON.parse(sub.body) as string}`);
    hook.server.close();
  });

  it('refuses a subscription without a callback URL and an unknown type', async () => {
    expect((await qrs('POST', 'notification?name=App', 42)).status).toBe(400);
    expect((await qrs('POST', 'notification?name=Nothing', 'http://127.0.0.1:1/x')).status).toBe(400);
    expect((await qrs('POST', 'notification?name=App', 'file:///etc/passwd')).status).toBe(400);
    expect((await qrs('PATCH', 'app/x')).status).toBe(405);
  });
});
