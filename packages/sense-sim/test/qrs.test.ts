import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type SimAppFixture, type Simulator } from '../src/index.js';
import { handshake, http } from './helpers.js';

const XRF = 'abcdefghij012345';

const app = (id: string, name: string, stream?: string): SimAppFixture => ({
  id,
  name,
  ...(stream ? { stream } : {}),
  owner: { userDirectory: 'CORP', userId: 'alice' },
  objects: [
    {
      qProperty: { qInfo: { qId: `${id}-sheet`, qType: 'sheet' }, qMetaDef: { title: `${name} sheet` } },
      qChildren: [],
    },
  ],
});

describe('QRS over the virtual proxy', () => {
  let sim: Simulator;
  let cookie: string;
  beforeAll(async () => {
    sim = await createSimulator({
      site: {
        streams: [{ name: 'Sales' }, { name: 'Finance' }],
        dataConnections: [{ name: 'DataFiles', type: 'folder', connectionString: 'files' }],
        reloadTasks: [{ name: 'Reload Sales', app: 'app-sales' }],
        apps: [
          app('app-sales', 'Sales', 'Sales'),
          app('app-fin', 'Finance Budget', 'Finance'),
          app('app-mine', 'Scratch'),
        ],
      },
    });
    ({ cookie } = await handshake(sim));
  });
  afterAll(() => sim.close());

  const qrs = (path: string, headers: Record<string, string> = { 'x-qlik-xrfkey': XRF }) =>
    http(sim, 'GET', `/jwt/qrs/${path}${path.includes('?') ? '&' : '?'}xrfkey=${XRF}`, { cookie, ...headers });

  it('serves /qrs/about', async () => {
    const answer = await qrs('about');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ buildVersion: expect.any(String), schemaPath: 'About' });
  });

  it('lists apps with /qrs/app/full, filtered and ordered', async () => {
    const all = JSON.parse((await qrs('app/full?orderby=name%20desc')).body) as {
      name: string;
      stream: { name: string } | null;
    }[];
    expect(all.map((a) => a.name)).toEqual(['Scratch', 'Sales', 'Finance Budget']);
    expect(all.find((a) => a.name === 'Scratch')?.stream).toBeNull();
    const filtered = JSON.parse(
      (await qrs(`app/full?filter=${encodeURIComponent("stream.name eq 'Sales' or name sw 'fin'")}`)).body,
    );
    expect(filtered.map((a: { id: string }) => a.id).sort()).toEqual(['app-fin', 'app-sales']);
    const one = JSON.parse((await qrs('app/app-fin')).body);
    expect(one).toMatchObject({ id: 'app-fin', name: 'Finance Budget', published: true, schemaPath: 'App' });
    expect(JSON.parse((await qrs('app/count')).body)).toEqual({ value: 3 });
  });

  it('lists streams, data connections, reload tasks and app objects', async () => {
    const streams = JSON.parse((await qrs('stream/full?orderby=name')).body) as { name: string }[];
    expect(streams.map((s) => s.name)).toEqual(['Finance', 'Sales']);
    const connections = JSON.parse((await qrs('dataconnection/full')).body);
    expect(connections).toMatchObject([{ name: 'DataFiles', connectionstring: 'files', type: 'folder' }]);
    const tasks = JSON.parse((await qrs('reloadtask/full')).body);
    expect(tasks).toMatchObject([{ name: 'Reload Sales', app: { id: 'app-sales' } }]);
    const objects = JSON.parse(
      (await qrs(`app/object/full?filter=${encodeURIComponent("objectType eq 'sheet'")}`)).body,
    );
    expect(objects.map((o: { engineObjectId: string }) => o.engineObjectId).sort()).toEqual([
      'app-fin-sheet',
      'app-mine-sheet',
      'app-sales-sheet',
    ]);
  });

  it('answers a malformed filter with 400 naming the problem', async () => {
    const answer = await qrs(`app/full?filter=${encodeURIComponent('name eq')}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Bad request: ');
  });

  it.each([
    ['without the header', {}, 'xrfkey-missing'],
    ['with a header that differs from the query', { 'x-qlik-xrfkey': 'ABCDEFGHIJ012345' }, 'xrfkey-mismatch'],
    ['with a key of the wrong length', { 'x-qlik-xrfkey': 'short' }, 'xrfkey-invalid'],
  ] as const)('refuses a call %s with 403', async (_name, headers, reason) => {
    const before = sim.audit.rejects(reason).length;
    const answer = await qrs('about', headers);
    expect(answer.status).toBe(403);
    expect(answer.body).toBe('XSRF prevention check failed. Possible XSRF discovered.\n');
    expect(sim.audit.rejects(reason).length).toBe(before + 1);
  });

  it('refuses a call without the query parameter, and accepts Xrfkey in any case', async () => {
    const missing = await http(sim, 'GET', '/jwt/qrs/about', { cookie, 'x-qlik-xrfkey': XRF });
    expect(missing.status).toBe(403);
    const upper = await http(sim, 'GET', `/jwt/qrs/about?Xrfkey=${XRF}`, { cookie, 'x-qlik-xrfkey': XRF });
    expect(upper.status).toBe(200);
  });

  it('needs authentication before anything else', async () => {
    const answer = await http(sim, 'GET', `/jwt/qrs/about?xrfkey=${XRF}`, { 'x-qlik-xrfkey': XRF });
    expect(answer.status).toBe(401);
  });

  it('is read-only and answers unknown entity types with 404', async () => {
    const post = await http(sim, 'POST', `/jwt/qrs/app?xrfkey=${XRF}`, { cookie, 'x-qlik-xrfkey': XRF });
    expect(post.status).toBe(405);
    expect((await qrs('license/full')).status).toBe(404);
    expect((await qrs('app/no-such-app')).status).toBe(404);
  });
});
