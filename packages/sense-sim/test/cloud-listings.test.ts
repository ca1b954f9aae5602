import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../src/index.js';
import { type HttpAnswer, handshake, http } from './helpers.js';

const FAILING = 'T:\nLOAD * INLINE [\nA\n1];\nLOAD A RESIDENT Nope;\n';
const GOOD = 'T:\nLOAD * INLINE [\nA\n1\n2\n];\n';
const SECRET = 'a-webhook-secret-of-at-least-32-chars!';

interface Delivery {
  body: string;
  signature: string | undefined;
}

/** A webhook receiver: answers the first `failFirst` deliveries 503, records the others. */
async function receiver(
  failFirst = 0,
): Promise<{ url: string; got: Delivery[]; attempts: () => number; server: Server }> {
  const got: Delivery[] = [];
  let attempts = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts += 1;
      if (attempts <= failFirst) return void res.writeHead(503).end();
      const signature = req.headers['qlik-signature'];
      got.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: typeof signature === 'string' ? signature : undefined,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, got, attempts: () => attempts, server };
}

/** Logs in to the tenant as auth0|watcher with a signed JWT; the session cookies. */
async function tenantLogin(sim: Simulator): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({
    iss: 'https://idp.example',
    aud: 'qlik.api/login/jwt-session',
    sub: 'auth0|watcher',
    subType: 'user',
    name: 'Watcher',
    email: 'w@example.com',
    email_verified: true,
    jti: randomUUID(),
    iat: now,
    nbf: now - 5,
    exp: now + 300,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'key-1', typ: 'JWT' })
    .sign(await importPKCS8(sim.keys.privateKey, 'RS256'));
  const login = await http(sim, 'POST', '/login/jwt-session', { authorization: `Bearer ${jwt}` });
  return (login.headers['set-cookie'] as string[]).map((l) => l.split(';')[0]).join('; ');
}

async function until<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - start > ms) throw new Error('not in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Qlik Cloud tenant: items, reloads and webhooks from the site', () => {
  let sim: Simulator;
  let cookie: string;
  let csrf: string;
  beforeAll(async () => {
    sim = await createSimulator({
      tenant: { issuer: 'https://idp.example', keyId: 'key-1' },
      reloadOnStart: false,
      virtualProxies: [{ prefix: 'jwt' }],
      site: {
        streams: [{ id: 'stream-sales', name: 'Sales' }],
        apps: [
          { id: 'app-bad', name: 'Bad', script: FAILING, modifiedDate: '2026-01-01T00:00:00.000Z' },
          { id: 'app-good', name: 'Good', script: GOOD, modifiedDate: '2026-01-02T00:00:00.000Z' },
          { id: 'app-empty', name: 'Empty', modifiedDate: '2026-01-03T00:00:00.000Z' },
        ],
      },
    });
    cookie = await tenantLogin(sim);
    csrf = String((await http(sim, 'GET', '/api/v1/csrf-token', { cookie })).headers['qlik-csrf-token']);
  });
  afterAll(() => sim.close());

  const get = async (path: string): Promise<Record<string, unknown> & { data: Record<string, unknown>[] }> => {
    const answer = await http(sim, 'GET', path, { cookie });
    expect(answer.status, answer.body).toBe(200);
    return JSON.parse(answer.body);
  };
  const send = (method: string, path: string, body?: unknown): Promise<HttpAnswer> =>
    http(
      sim,
      method,
      path,
      { cookie, 'qlik-csrf-token': csrf, 'content-type': 'application/json' },
      body === undefined ? undefined : JSON.stringify(body),
    );

  it('lists app items newest updatedAt first, paged by links.next.href', async () => {
    const first = await get('/api/v1/items?resourceType=app&sort=-updatedAt&limit=2');
    expect(first.data.map((i) => i.resourceId)).toEqual(['app-empty', 'app-good']);
    expect(first.data[0]).toMatchObject({ resourceType: 'app', name: 'Empty', updatedAt: '2026-01-03T00:00:00.000Z' });
    expect(first.data[0]?.resourceAttributes).toMatchObject({ published: false });
    const next = (first.links as { next?: { href: string } }).next?.href;
    expect(next).toContain('next=');
    const second = await get(String(next));
    expect(second.data.map((i) => i.resourceId)).toEqual(['app-bad']);
    expect((second.links as { next?: unknown }).next).toBeUndefined();
  });

  it('needs a session, and the CSRF header for writes', async () => {
    expect((await http(sim, 'GET', '/api/v1/items')).status).toBe(401);
    const noCsrf = await http(sim, 'POST', '/api/v1/reloads', { cookie }, JSON.stringify({ appId: 'app-good' }));
    expect(noCsrf.status).toBe(403);
    expect((await send('POST', '/api/v1/reloads', { appId: 'nope' })).status).toBe(404);
  });

  const reloadDone = async (id: string): Promise<Record<string, unknown>> => {
    const start = Date.now();
    for (;;) {
      const r = JSON.parse((await http(sim, 'GET', `/api/v1/reloads/${id}`, { cookie })).body) as Record<
        string,
        unknown
      >;
      if (r.status === 'SUCCEEDED' || r.status === 'FAILED') return r;
      if (Date.now() - start > 10_000) throw new Error(`reload ${id} not done: ${String(r.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('POST /api/v1/reloads runs the reload: QUEUED, then SUCCEEDED or FAILED with its log; the item moves up', async () => {
    const good = await send('POST', '/api/v1/reloads', { appId: 'app-good' });
    expect(good.status).toBe(201);
    const started = JSON.parse(good.body) as { id: string; status: string };
    expect(started).toMatchObject({ appId: 'app-good', status: 'QUEUED', partial: false });
    const ok = await reloadDone(started.id);
    expect(ok).toMatchObject({ status: 'SUCCEEDED', appId: 'app-good' });
    expect(typeof ok.endTime).toBe('string');
    expect(String(ok.duration)).toMatch(/^PT[\d.]+S$/);
    const bad = JSON.parse((await send('POST', '/api/v1/reloads', { appId: 'app-bad' })).body) as { id: string };
    const failed = await reloadDone(bad.id);
    expect(failed.status).toBe('FAILED');
    expect(String(failed.log)).toContain('Nope');
    const listed = await get('/api/v1/reloads?appId=app-good&limit=10');
    expect(listed.data.map((r) => r.id)).toContain(started.id);
    expect(listed.data.every((r) => r.appId === 'app-good')).toBe(true);
    const all = await get('/api/v1/reloads?limit=1');
    expect(all.data[0]?.id).toBe(bad.id); // newest first
    expect((all.links as { next?: unknown }).next).toBeDefined();
    const items = await get('/api/v1/items?resourceType=app&limit=1');
    expect(items.data[0]?.resourceId).toBe('app-good'); // reloaded: its updatedAt is the newest
    expect(String((items.data[0]?.resourceAttributes as Record<string, unknown> | undefined)?.lastReloadTime)).not.toBe(
      '',
    );
  });

  it('webhooks: created without showing the secret, deliver signed CloudEvents, retried, deleted', async () => {
    const hook = await receiver(1);
    try {
      const created = await send('POST', '/api/v1/webhooks', {
        name: 'watch',
        url: hook.url,
        eventTypes: ['com.qlik.v1.app.reload.finished', 'com.qlik.v1.app.data.updated'],
        secret: SECRET,
        enabled: true,
      });
      expect(created.status, created.body).toBe(201);
      const shown = JSON.parse(created.body) as Record<string, unknown>;
      expect(shown.secret).toBeUndefined();
      expect(created.body).not.toContain(SECRET);
      const list = await get('/api/v1/webhooks');
      expect(list.data.map((h) => h.id)).toContain(shown.id);
      await send('POST', '/api/v1/reloads', { appId: 'app-bad' });
      const delivery = await until(() => hook.got[0], 15_000);
      expect(hook.attempts()).toBe(2); // the first answered 503, retried after 1 s
      const expected = createHmac('sha256', SECRET).update(delivery.body).digest('hex');
      expect(delivery.signature).toBe(expected);
      const event = JSON.parse(delivery.body) as Record<string, unknown>;
      expect(event).toMatchObject({ specversion: '1.0', type: 'com.qlik.v1.app.reload.finished' });
      expect(event.data).toMatchObject({ appId: 'app-bad', status: 'error' });
      expect((await send('POST', '/api/v1/webhooks', { name: 'x', url: hook.url, eventTypes: ['nope'] })).status).toBe(
        400,
      );
      expect((await send('DELETE', `/api/v1/webhooks/${String(shown.id)}`)).status).toBe(204);
      expect((await http(sim, 'GET', `/api/v1/webhooks/${String(shown.id)}`, { cookie })).status).toBe(404);
    } finally {
      hook.server.close();
    }
  }, 20_000);

  it('webhooks: app created, published and deleted (from the repository change feed), in order', async () => {
    const hook = await receiver();
    try {
      const created = await send('POST', '/api/v1/webhooks', {
        name: 'apps',
        url: hook.url,
        eventTypes: ['com.qlik.v1.app.created', 'com.qlik.v1.app.published', 'com.qlik.v1.app.deleted'],
      });
      expect(created.status, created.body).toBe(201);
      const { cookie: qrsCookie } = await handshake(sim);
      const xrf = 'abcdefghij012345';
      const qrs = (method: string, path: string) =>
        http(sim, method, `/jwt/qrs/${path}${path.includes('?') ? '&' : '?'}xrfkey=${xrf}`, {
          cookie: qrsCookie,
          'x-qlik-xrfkey': xrf,
        });
      const copy = JSON.parse((await qrs('POST', 'app/app-good/copy?name=Copy')).body) as { id: string };
      expect((await qrs('PUT', `app/${copy.id}/publish?stream=stream-sales`)).status).toBe(200);
      expect((await qrs('DELETE', `app/${copy.id}`)).status).toBe(204);
      await until(() => (hook.got.length >= 3 ? true : undefined));
      const events = hook.got.map((d) => JSON.parse(d.body) as { type: string; data: Record<string, unknown> });
      expect(events.map((e) => e.type)).toEqual([
        'com.qlik.v1.app.created',
        'com.qlik.v1.app.published',
        'com.qlik.v1.app.deleted',
      ]);
      expect(events[1]?.data).toMatchObject({ id: copy.id, name: 'Copy', spaceId: 'stream-sales' });
      expect(hook.got.every((d) => d.signature === undefined)).toBe(true); // no secret, no signature
      await send('DELETE', `/api/v1/webhooks/${String((JSON.parse(created.body) as { id: string }).id)}`);
    } finally {
      hook.server.close();
    }
  });

  it('audits: app events from the repository change feed, filtered by type and eventTime, paged; types; spaces', async () => {
    const { cookie: qrsCookie } = await handshake(sim);
    const xrf = 'abcdefghij012345';
    const qrs = (method: string, path: string) =>
      http(sim, method, `/jwt/qrs/${path}${path.includes('?') ? '&' : '?'}xrfkey=${xrf}`, {
        cookie: qrsCookie,
        'x-qlik-xrfkey': xrf,
      });
    const before = new Date().toISOString();
    const copy = JSON.parse((await qrs('POST', 'app/app-good/copy?name=Audited')).body) as { id: string };
    expect((await qrs('PUT', `app/${copy.id}/publish?stream=stream-sales`)).status).toBe(200);
    expect((await qrs('DELETE', `app/${copy.id}`)).status).toBe(204);

    const types = await get('/api/v1/audits/types');
    expect(types.data).toContain('com.qlik.app.deleted');
    const mine = (page: { data: Record<string, unknown>[] }) =>
      page.data.filter((e) => (e.data as { attributes?: { id?: string } }).attributes?.id === copy.id);
    const all = mine(await get(`/api/v1/audits?eventTime=${before}/&sort=%2BeventTime&limit=100`));
    expect(all.map((e) => e.eventType)).toEqual([
      'com.qlik.app.created',
      'com.qlik.app.published',
      'com.qlik.app.deleted',
    ]);
    // The deleted app keeps its name and space in the event.
    expect(all[2]?.data).toEqual({ attributes: { id: copy.id, name: 'Audited', spaceId: 'stream-sales' } });
    // One type, newest first by default; an eventTime window that ends before the copy finds nothing of it.
    const deleted = mine(await get('/api/v1/audits?eventType=com.qlik.app.deleted'));
    expect(deleted).toHaveLength(1);
    expect(mine(await get(`/api/v1/audits?eventTime=/${'2000-01-01T00:00:00.000Z'}`))).toEqual([]);
    // Paged one by one through links.next.href: the same three, in order.
    const paged: Record<string, unknown>[] = [];
    let next: string | undefined = `/api/v1/audits?eventTime=${before}/&sort=%2BeventTime&limit=1`;
    while (next !== undefined) {
      const page = await get(next);
      paged.push(...mine(page));
      next = (page.links as { next?: { href: string } }).next?.href;
    }
    expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect((await http(sim, 'GET', '/api/v1/audits?sort=name', { cookie })).status).toBe(400);

    expect(await get('/api/v1/spaces/stream-sales')).toMatchObject({
      id: 'stream-sales',
      name: 'Sales',
      type: 'managed',
    });
    expect((await http(sim, 'GET', '/api/v1/spaces/nope', { cookie })).status).toBe(404);
  });
});

describe('Qlik Cloud tenant whose user may not read the audit log', () => {
  it('answers /api/v1/audits and /types 403', async () => {
    const sim = await createSimulator({
      tenant: { issuer: 'https://idp.example', keyId: 'key-1', auditsReadable: false },
      reloadOnStart: false,
      virtualProxies: [{ prefix: 'jwt' }],
    });
    try {
      const cookie = await tenantLogin(sim);
      for (const path of ['/api/v1/audits', '/api/v1/audits/types']) {
        const answer = await http(sim, 'GET', path, { cookie });
        expect(answer.status).toBe(403);
        expect(JSON.parse(answer.body)).toMatchObject({ errors: [{ code: 'HTTP-403', title: 'Forbidden' }] });
      }
      expect((await http(sim, 'GET', '/api/v1/items', { cookie })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
