/**
 * Responsiveness under heavy engine work: the simulator must keep answering the proxy and other
 * engine sessions while one session reloads a 5 000 000-row AUTOGENERATE, and must stop that
 * reload quickly when asked. Figures: the round trip of a cookie-authenticated `GET /jwt/qps/user`
 * and of an `EngineVersion` on another engine session, idle and while the reload runs (ratio to
 * idle; the goal is ≤ 3×), and the latency from `CancelRequest` / `AbortAll` to the DoReload's
 * answer. The simulator runs in its own worker thread, the probes in the main thread.
 */
import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { Pool } from 'undici';
import type { Rate, Row } from '../lib/measure.js';
import { RpcClient } from '../lib/rpc-client.js';
import { startServer } from '../lib/start-server.js';

/** How often the probes sample while a reload runs. */
const PROBE_INTERVAL_MS = 25;

export async function responsivenessSuite(scale: number): Promise<Row[]> {
  const reloadRows = Math.max(100_000, Math.round(5_000_000 * scale));
  const sim = await startServer({
    kind: 'simulator',
    options: { virtualProxies: [{ prefix: 'jwt', licence: 'core-based' }], site: { apps: [] } },
  });
  const pool = new Pool(sim.url, { connections: 2, connect: { ca: sim.ca } });
  const rows: Row[] = [];
  try {
    const key = await importPKCS8(mustString(sim.privateKey), 'RS256');
    const token = await new SignJWT({ userId: 'bench', userDirectory: 'BENCH' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .setJti(randomUUID())
      .sign(key);
    const handshake = await pool.request({
      path: '/jwt/qps/csrftoken',
      method: 'GET',
      headers: { authorization: `Bearer ${token}` },
    });
    await handshake.body.dump();
    const cookie = String(handshake.headers['set-cookie']).split(';')[0] ?? '';
    const proxyProbe = async (): Promise<void> => {
      const res = await pool.request({ path: '/jwt/qps/user', method: 'GET', headers: { cookie } });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`GET /jwt/qps/user answered ${res.statusCode}`);
    };
    const engineBase = mustString(sim.engineUrl);
    const probe = await RpcClient.open(`${engineBase}/app/engineData/identity/bench-probe`);
    const engineProbe = async (): Promise<void> => {
      await probe.call(-1, 'EngineVersion');
    };

    // Idle round trips (after a warm-up), sampled the same way as under load.
    for (let i = 0; i < 200; i++) {
      await proxyProbe();
      await engineProbe();
    }
    const idleProxy = await sampleWhile(proxyProbe, until(150));
    const idleEngine = await sampleWhile(engineProbe, until(150));

    const worker = await RpcClient.open(`${engineBase}/app/engineData/identity/bench-reload`);
    await worker.call(-1, 'CreateSessionApp');
    const script = [
      'T: LOAD RecNo() as Id, Mod(RecNo(), 100) as D1, Chr(65 + Mod(RecNo(), 26)) as D2,',
      `  Round(Rand() * 100, 0.01) as M1 AUTOGENERATE ${reloadRows};`,
    ].join('\n');
    await worker.call(1, 'SetScript', [script]);

    // The proxy and another engine session while the reload runs, until it finishes.
    let reloading = true;
    const started = performance.now();
    const reload = worker.call(1, 'DoReload').finally(() => {
      reloading = false;
    });
    // Both probes alternate while the reload runs, so each samples the whole reload.
    const proxyLatencies: number[] = [];
    const engineLatencies: number[] = [];
    while (reloading) {
      const t0 = performance.now();
      await proxyProbe();
      const t1 = performance.now();
      await engineProbe();
      const t2 = performance.now();
      proxyLatencies.push(t1 - t0);
      engineLatencies.push(t2 - t1);
      if (t2 - t0 < PROBE_INTERVAL_MS) await sleep(PROBE_INTERVAL_MS - (t2 - t0));
    }
    const loadedProxy = latencyRate(proxyLatencies);
    const loadedEngine = engineLatencies.length > 0 ? latencyRate(engineLatencies) : undefined;
    const answer = await reload;
    const reloadMs = performance.now() - started;
    const reloaded = (answer.result as { qReturn?: boolean }).qReturn === true;

    const note = `${reloadRows.toLocaleString('en-US')}-row reload ${reloaded ? 'took' : 'FAILED after'} ${reloadMs.toFixed(0)} ms`;
    rows.push({ scenario: 'proxy GET /jwt/qps/user round trip', subject: 'idle simulator', rate: idleProxy });
    rows.push({
      scenario: 'proxy GET /jwt/qps/user round trip',
      subject: 'during a big reload',
      baseline: 'idle simulator',
      rate: loadedProxy,
      extra: `${note}; p50 ${ratio(loadedProxy, idleProxy)}× idle (goal ≤ 3×)`,
    });
    rows.push({ scenario: 'EngineVersion on another session', subject: 'idle simulator', rate: idleEngine });
    if (loadedEngine) {
      rows.push({
        scenario: 'EngineVersion on another session',
        subject: 'during a big reload',
        baseline: 'idle simulator',
        rate: loadedEngine,
        extra: `p50 ${ratio(loadedEngine, idleEngine)}× idle (goal ≤ 3×)`,
      });
    }

    rows.push(...(await abortLatencyRows(worker)));
    worker.close();
    probe.close();
  } finally {
    await pool.close();
    await sim.stop();
  }
  return rows;
}

/** Abort latency: lets the reload get going, then stops it and times the DoReload's answer. */
async function abortLatencyRows(worker: RpcClient): Promise<Row[]> {
  const rows: Row[] = [];
  // Abort latency: let the reload get going, then stop it and time the DoReload's answer.
  for (const how of ['CancelRequest', 'AbortAll'] as const) {
    const samples: number[] = [];
    let finishedFirst = 0;
    for (let round = 0; round < 3; round++) {
      const pending = worker.call(1, 'DoReload').then(
        () => performance.now(),
        () => performance.now(),
      );
      const requestId = worker.lastId;
      await sleep(300);
      const sent = performance.now();
      if (how === 'CancelRequest') void worker.call(-1, 'CancelRequest', [requestId]).catch(() => undefined);
      else void worker.call(-1, 'AbortAll').catch(() => undefined);
      const answered = await pending;
      // A reload that ended before the abort (a small BENCH_SCALE) measures nothing.
      if (answered >= sent) samples.push(answered - sent);
      else finishedFirst += 1;
    }
    const skipped = finishedFirst > 0 ? `; ${finishedFirst} reload(s) ended before the abort (raise BENCH_SCALE)` : '';
    rows.push({
      scenario: 'abort latency of a running reload',
      subject: how,
      rate: latencyRate(samples),
      extra: `time from ${how} to the DoReload answer, median of ${samples.length} (goal ≤ 100 ms)${skipped}`,
    });
  }
  return rows;
}

/** Runs `probe` back to back (one every PROBE_INTERVAL_MS at most) while `go()` holds. */
async function sampleWhile(probe: () => Promise<void>, go: () => boolean): Promise<Rate> {
  const latencies: number[] = [];
  while (go()) {
    const t0 = performance.now();
    await probe();
    const spent = performance.now() - t0;
    latencies.push(spent);
    if (spent < PROBE_INTERVAL_MS) await sleep(PROBE_INTERVAL_MS - spent);
  }
  return latencyRate(latencies);
}

/** A Rate whose ops/s is 1000 / median latency, so the printed ratio compares round trips (idle ÷ loaded). */
function latencyRate(latencies: number[]): Rate {
  const sorted = [...latencies].sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length * 0.5)] ?? 0;
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
  const seconds = latencies.reduce((s, l) => s + l, 0) / 1000;
  return { ops: latencies.length, seconds, perSecond: p50 > 0 ? 1000 / p50 : 0, p50Ms: p50, p99Ms: p99 };
}

function ratio(loaded: Rate, idle: Rate): string {
  return idle.p50Ms > 0 ? (loaded.p50Ms / idle.p50Ms).toFixed(2) : 'n/a';
}

function until(ms: number): () => boolean {
  const end = performance.now() + ms;
  return () => performance.now() < end;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function mustString(value: string | undefined): string {
  if (!value) throw new Error('the simulator did not report what the benchmark needs');
  return value;
}
