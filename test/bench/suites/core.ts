/**
 * Client figures, same simulator, same run:
 * (a) 100 "open app, get layout, close" jobs — qixflow (one proxy session re-used) vs the naive
 *     way (a new JWT handshake per job, as the enigma.js JWT example does): wall time and proxy
 *     sessions created, as ratios. The proxy is core-based here, so the naive way can finish at
 *     all: with identified-user licences it is refused from the sixth job on.
 * (b) per-call overhead: GetAppLayout on an open Doc through qixflow, plain enigma.js and raw
 *     ws JSON-RPC, all over the same proxy websocket path.
 */
import { createSite } from '@qixflow/core';
import { WebSocket } from 'ws';
import { measure, type Rate, type Row } from '../lib/measure.js';
import { createNaiveClient, type PlainEnigmaObject } from '../lib/naive-client.js';
import { startServer } from '../lib/start-server.js';

const APP = 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12'; // Finance

export async function coreSuite(scale: number): Promise<Row[]> {
  const jobs = Math.max(10, Math.round(100 * scale));
  const calls = Math.max(500, Math.round(5000 * scale));
  const sim = await startServer({
    kind: 'simulator',
    options: { site: 'demo', virtualProxies: [{ prefix: 'jwt', licence: 'core-based' }] },
  });
  const ca = sim.ca ?? '';
  const origin = sim.url.replace('127.0.0.1', 'localhost');
  const privateKey = sim.privateKey ?? '';
  const naive = await createNaiveClient({ url: sim.url, ca, privateKey, prefix: 'jwt' });
  const { login } = naive;
  const enigmaSession = (cookie: string, csrf: string, identity: string) =>
    naive.enigmaSession(APP, cookie, csrf, identity);
  const rows: Row[] = [];

  try {
    // (a) jobs
    const site = createSite({
      host: sim.url,
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKey, userId: 'qixflow-jobs', userDirectory: 'BENCH' },
      tls: { ca },
      origin,
    });
    const qixflowJob = async (): Promise<void> => {
      await site.withApp(APP, (doc) => doc.getAppLayout());
    };
    const naiveJob = async (): Promise<void> => {
      const { cookie, csrf } = await login('naive-jobs');
      const session = enigmaSession(cookie, csrf, 'naive');
      const global = (await session.open()) as unknown as PlainEnigmaObject;
      const doc = (await global.openDoc?.(APP)) as PlainEnigmaObject;
      await doc.getAppLayout?.();
      await session.close();
    };
    // Warm both paths up (JIT, TLS), then time them.
    for (let i = 0; i < 5; i++) {
      await qixflowJob();
      await naiveJob();
    }
    const naiveJobs = await timed(async () => {
      for (let i = 0; i < jobs; i++) await naiveJob();
    });
    const qixflowJobs = await timed(async () => {
      for (let i = 0; i < jobs; i++) await qixflowJob();
    });
    const qixflowSessions = site.stats().proxySessionsCreated;
    await site.close();
    const scenario = `${jobs} jobs: open app, GetAppLayout, close`;
    rows.push({
      scenario,
      subject: 'naive (JWT handshake per job)',
      rate: jobsRate(jobs, naiveJobs),
      extra: `${jobs} proxy sessions`,
    });
    rows.push({
      scenario,
      subject: 'qixflow site.withApp',
      rate: jobsRate(jobs, qixflowJobs),
      baseline: 'naive (JWT handshake per job)',
      extra: `${qixflowSessions} proxy session (${(jobs / Math.max(1, qixflowSessions)).toFixed(0)}x fewer)`,
    });

    // (b) per-call overhead over one open Doc
    const { cookie, csrf } = await login('per-call');
    const raw = new WebSocket(
      `${sim.url.replace('https', 'wss')}/jwt/app/${APP}/identity/raw?qlik-csrf-token=${encodeURIComponent(csrf)}`,
      {
        ca,
        origin,
        headers: { cookie },
      },
    );
    const pending = new Map<number, () => void>();
    raw.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { id?: number };
      if (frame.id !== undefined) pending.get(frame.id)?.();
    });
    await new Promise<void>((resolve) => raw.once('open', () => resolve()));
    let id = 0;
    const rawCall = (method: string, handle: number, params: unknown[] = []) =>
      new Promise<void>((resolve) => {
        id += 1;
        pending.set(id, resolve);
        raw.send(JSON.stringify({ jsonrpc: '2.0', id, method, handle, params }));
      });
    await rawCall('OpenDoc', -1, [APP]);
    await measure(300, 1, () => rawCall('GetAppLayout', 1)); // warm-up
    const rawRate = await measure(calls, 1, () => rawCall('GetAppLayout', 1));
    raw.close();

    const plain = enigmaSession(cookie, csrf, 'plain');
    const plainGlobal = (await plain.open()) as unknown as PlainEnigmaObject;
    const plainDoc = (await plainGlobal.openDoc?.(APP)) as Record<string, () => Promise<unknown>>;
    await measure(300, 1, async () => {
      await plainDoc.getAppLayout?.();
    });
    const plainRate = await measure(calls, 1, async () => {
      await plainDoc.getAppLayout?.();
    });
    await plain.close();

    const perCallSite = createSite({
      host: sim.url,
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKey, userId: 'per-call-qixflow', userDirectory: 'BENCH' },
      tls: { ca },
      origin,
    });
    const connection = perCallSite.openApp(APP, { identity: 'qixflow' });
    const doc = await connection.open();
    await measure(300, 1, async () => {
      await doc.getAppLayout();
    });
    const qixflowRate = await measure(calls, 1, async () => {
      await doc.getAppLayout();
    });
    await perCallSite.close();
    const perCall = 'GetAppLayout, one call at a time, one Doc';
    rows.push({ scenario: perCall, subject: 'raw ws JSON-RPC', rate: rawRate });
    rows.push({
      scenario: perCall,
      subject: 'plain enigma.js',
      rate: plainRate,
      baseline: 'raw ws JSON-RPC',
      extra: 'delta on',
    });
    rows.push({
      scenario: perCall,
      subject: 'qixflow openApp',
      rate: qixflowRate,
      baseline: 'raw ws JSON-RPC',
      extra: 'delta on',
    });
  } finally {
    await naive.close();
    await sim.stop();
  }
  return rows;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function jobsRate(jobs: number, ms: number): Rate {
  return { ops: jobs, seconds: ms / 1000, perSecond: jobs / (ms / 1000), p50Ms: ms / jobs, p99Ms: Number.NaN };
}
