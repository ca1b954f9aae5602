/**
 * Proxy figures: JWT handshakes per second and cookie-authenticated requests per second on the
 * simulator's virtual proxy, side by side with a bare node:https server answering the same
 * requests (no authentication) — so the ratio is the price of the proxy's work, and shows
 * whether the simulator could ever be the bottleneck of a client benchmark.
 */
import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { Pool } from 'undici';
import { measure, type Row } from '../lib/measure.js';
import { startServer } from '../lib/start-server.js';
import { benchTlsCredentials } from '../lib/tls.js';

const CONCURRENCY = 16;

export async function proxySuite(scale: number): Promise<Row[]> {
  const handshakes = Math.round(1500 * scale);
  const requests = Math.round(20_000 * scale);
  const sim = await startServer({
    kind: 'simulator',
    options: { virtualProxies: [{ prefix: 'jwt', licence: 'core-based' }] },
  });
  const tls = await benchTlsCredentials();
  const baseline = await startServer({ kind: 'bare-https', cert: tls.cert, key: tls.key });
  const rows: Row[] = [];
  try {
    const key = await importPKCS8(mustString(sim.privateKey), 'RS256');
    const tokens: string[] = [];
    for (let i = 0; i < handshakes; i++) {
      tokens.push(
        await new SignJWT({ userId: `user${i % 50}`, userDirectory: 'BENCH' })
          .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
          .setIssuedAt()
          .setExpirationTime('10m')
          .setJti(randomUUID())
          .sign(key),
      );
    }
    const simPool = new Pool(sim.url, { connections: CONCURRENCY, connect: { ca: sim.ca } });
    const barePool = new Pool(baseline.url, { connections: CONCURRENCY, connect: { ca: baseline.ca } });
    try {
      const get = async (pool: Pool, path: string, headers: Record<string, string>) => {
        const res = await pool.request({ path, method: 'GET', headers });
        await res.body.dump();
        if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`);
        return res;
      };
      // warm up both servers (TLS sessions, JIT)
      await measure(500, CONCURRENCY, () => get(barePool, '/jwt/qps/user', {}).then(() => undefined));
      let cookie = '';
      await measure(200, CONCURRENCY, async (i) => {
        const res = await get(simPool, '/jwt/qps/csrftoken', { authorization: `Bearer ${tokens[i] ?? ''}` });
        cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
      });

      rows.push({
        scenario: 'JWT handshake (GET /qps/csrftoken, Bearer)',
        subject: 'bare node:https',
        rate: await measure(handshakes, CONCURRENCY, (i) =>
          get(barePool, '/jwt/qps/csrftoken', { authorization: `Bearer ${tokens[i] ?? ''}` }).then(() => undefined),
        ),
      });
      rows.push({
        scenario: 'JWT handshake (GET /qps/csrftoken, Bearer)',
        subject: 'qixflow-sim proxy',
        baseline: 'bare node:https',
        rate: await measure(handshakes, CONCURRENCY, (i) =>
          get(simPool, '/jwt/qps/csrftoken', { authorization: `Bearer ${tokens[i] ?? ''}` }).then(() => undefined),
        ),
        extra: 'verifies RS256, creates a session',
      });
      rows.push({
        scenario: 'cookie-authenticated request (GET /qps/user)',
        subject: 'bare node:https',
        rate: await measure(requests, CONCURRENCY, () =>
          get(barePool, '/jwt/qps/user', { cookie }).then(() => undefined),
        ),
      });
      rows.push({
        scenario: 'cookie-authenticated request (GET /qps/user)',
        subject: 'qixflow-sim proxy',
        baseline: 'bare node:https',
        rate: await measure(requests, CONCURRENCY, () =>
          get(simPool, '/jwt/qps/user', { cookie }).then(() => undefined),
        ),
      });
    } finally {
      await simPool.close();
      await barePool.close();
    }
  } finally {
    await sim.stop();
    await baseline.stop();
  }
  return rows;
}

function mustString(value: string | undefined): string {
  if (value === undefined) throw new Error('missing value from the server worker');
  return value;
}
