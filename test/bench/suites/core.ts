/**
 * Client figures, same simulator, same run:
 * (a) 100 "open app, get layout, close" jobs — qixflow (one proxy session re-used) vs the naive
 *     way (a new JWT handshake per job, as the enigma.js JWT example does): wall time and proxy
 *     sessions created, as ratios. The proxy is core-based here, so the naive way can finish at
 *     all: with identified-user licences it is refused from the sixth job on.
 * (b) per-call overhead: GetAppLayout on an open Doc through qixflow (its default, `delta: false`,
 *     and `delta: true`), plain enigma.js (its default, delta on, and delta off) and raw ws JSON-RPC, all over the same proxy websocket path, in rotating order over several rounds
 *     (3 × `BENCH_ROUNDS`, default 15) after a warm-up; medians and spread. The simulator runs in a
 *     process of its own (pinned where possible) and core runs compiled, as shipped.
 */
import { WebSocket } from 'ws';
import { importBuilt } from '../lib/built-package.js';
import { measure, type Rate, type Row } from '../lib/measure.js';
import { createNaiveClient, type PlainEnigmaObject } from '../lib/naive-client.js';
import { alternate, spreadOf, summarize } from '../lib/rounds.js';
import { startServer } from '../lib/start-server.js';

const APP = 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12'; // Finance

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? '5'));

export async function coreSuite(scale: number): Promise<Row[]> {
  // Compiled as shipped, not through tsx (see lib/built-package.ts).
  const { createSite } = await importBuilt<typeof import('@qixflow/core')>('core');
  const jobs = Math.max(10, Math.round(100 * scale));
  // Many short rounds rather than a few long ones: a burst of load elsewhere on the machine then
  // spoils a round or two of each client instead of most of one client's figure.
  const calls = Math.max(300, Math.round(1000 * scale));
  const perCallRounds = ROUNDS * 3;
  const sim = await startServer(
    { kind: 'simulator', options: { site: 'demo', virtualProxies: [{ prefix: 'jwt', licence: 'core-based' }] } },
    { isolate: 'process' },
  );
  console.log(`\n(simulator: ${sim.where}; per-call: ${ROUNDS * 3} rounds after 1 warm-up, order rotating)`);
  const ca = sim.ca ?? '';
  const origin = sim.url.replace('127.0.0.1', 'localhost');
  const privateKey = sim.privateKey ?? '';
  const naive = await createNaiveClient({ url: sim.url, ca, privateKey, prefix: 'jwt' });
  const env: SuiteEnv = { createSite, url: sim.url, ca, origin, privateKey, naive };
  const rows: Row[] = [];

  try {
    rows.push(...(await jobRows(env, jobs)));
    rows.push(...(await perCallRows(env, calls, perCallRounds)));
  } finally {
    await naive.close();
    await sim.stop();
  }
  return rows;
}

/** What the scenarios share: the compiled core, the simulator's address and the naive client. */
interface SuiteEnv {
  readonly createSite: typeof import('@qixflow/core')['createSite'];
  readonly url: string;
  readonly ca: string;
  readonly origin: string;
  readonly privateKey: string;
  readonly naive: Awaited<ReturnType<typeof createNaiveClient>>;
}

/** (a) `jobs` one-shot jobs, qixflow (one proxy session) vs the naive way (a handshake per job). */
async function jobRows(env: SuiteEnv, jobs: number): Promise<Row[]> {
  const { createSite, ca, origin, privateKey, naive } = env;
  const { login } = naive;
  const enigmaSession = (cookie: string, csrf: string, identity: string) =>
    naive.enigmaSession(APP, cookie, csrf, identity);
  const rows: Row[] = [];
  // (a) jobs
  const site = createSite({
    host: env.url,
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
  return rows;
}

/** (b) GetAppLayout one call at a time over one open Doc: raw ws, plain enigma.js, qixflow. */
async function perCallRows(env: SuiteEnv, calls: number, perCallRounds: number): Promise<Row[]> {
  const { createSite, ca, origin, privateKey, naive } = env;
  const { login } = naive;
  const rows: Row[] = [];
  // (b) per-call overhead over one open Doc: the three clients stay open; each round runs every
  // one of them for `calls` calls, in rotating order (the median of the rounds is reported).
  const { cookie, csrf } = await login('per-call');
  const raw = new WebSocket(
    `${env.url.replace('https', 'wss')}/jwt/app/${APP}/identity/raw?qlik-csrf-token=${encodeURIComponent(csrf)}`,
    { ca, origin, headers: { cookie } },
  );
  const pending = new Map<number, () => void>();
  raw.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { id?: number };
    if (frame.id !== undefined) {
      pending.get(frame.id)?.();
      pending.delete(frame.id);
    }
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

  const plainDocOf = async (identity: string, delta: boolean) => {
    const session = naive.enigmaSession(APP, cookie, csrf, identity, { delta });
    const global = (await session.open()) as unknown as PlainEnigmaObject;
    return { session, doc: (await global.openDoc?.(APP)) as Record<string, () => Promise<unknown>> };
  };
  const plain = await plainDocOf('plain', true);
  const plainWhole = await plainDocOf('plain-whole', false);

  const perCallSite = createSite({
    host: env.url,
    prefix: 'jwt',
    auth: { kind: 'jwt', privateKey, userId: 'per-call-qixflow', userDirectory: 'BENCH' },
    tls: { ca },
    origin,
  });
  // openApp's default is `delta: false`; `delta: true` is what plain enigma.js does by default.
  const doc = await perCallSite.openApp(APP, { identity: 'qixflow' }).open();
  const docDelta = await perCallSite.openApp(APP, { identity: 'qixflow-delta', delta: true }).open();

  const clients: { name: string; call: () => Promise<unknown> }[] = [
    { name: 'raw ws JSON-RPC', call: () => rawCall('GetAppLayout', 1) },
    { name: 'plain enigma.js', call: () => plain.doc.getAppLayout?.() ?? Promise.resolve() },
    { name: 'qixflow openApp', call: () => doc.getAppLayout() },
    { name: 'plain enigma.js, delta off', call: () => plainWhole.doc.getAppLayout?.() ?? Promise.resolve() },
    { name: 'qixflow openApp, delta: true', call: () => docDelta.getAppLayout() },
  ];
  const results = await alternate({ contenders: clients, rounds: perCallRounds, warmUps: 1 }, async (client) => {
    // The client's own CPU per call: unlike the rate, barely moved by what else the machine runs.
    const cpu = process.cpuUsage();
    const rate = await measure(calls, 1, async () => {
      await client.call();
    });
    const used = process.cpuUsage(cpu);
    return { ...rate, cpuMicros: (used.user + used.system) / calls };
  });
  raw.close();
  await plain.session.close();
  await plainWhole.session.close();
  await perCallSite.close();
  const perCall = `GetAppLayout, one call at a time, one Doc (${perCallRounds} rounds of ${calls})`;
  const rate = (name: string) =>
    summarize((results.get(clients.find((c) => c.name === name) ?? clients[0]!) ?? []).map((r) => r.perSecond));
  const rawRate = rate('raw ws JSON-RPC');
  const plainRate = rate('plain enigma.js');
  const plainWholeRate = rate('plain enigma.js, delta off');
  for (const client of clients) {
    const runs = results.get(client) ?? [];
    const perSecond = summarize(runs.map((r) => r.perSecond));
    const p50 = summarize(runs.map((r) => r.p50Ms)).median;
    const p99 = summarize(runs.map((r) => r.p99Ms)).median;
    rows.push({
      scenario: perCall,
      subject: client.name,
      rate: { ops: calls, seconds: calls / perSecond.median, perSecond: perSecond.median, p50Ms: p50, p99Ms: p99 },
      spread: `${spreadOf(perSecond)} calls/s`,
      ratio:
        client.name === 'raw ws JSON-RPC'
          ? '(baseline)'
          : `${(perSecond.median / rawRate.median).toFixed(2)}x raw` +
            (client.name === 'qixflow openApp'
              ? `, ${(perSecond.median / plainRate.median).toFixed(2)}x plain enigma.js, ` +
                `${(perSecond.median / plainWholeRate.median).toFixed(2)}x plain enigma.js delta off`
              : client.name === 'qixflow openApp, delta: true'
                ? `, ${(perSecond.median / plainRate.median).toFixed(2)}x plain enigma.js`
                : ''),
      extra: `client CPU ${summarize(runs.map((r) => r.cpuMicros)).median.toFixed(0)} µs/call`,
    });
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
