import { createSimulator, type Simulator, type SimulatorOptions } from '@qixflow/sense-sim';
import { createHttpClient, type HttpClient } from '../../src/http/http-client.js';
import { createSite, type Site, type SiteOptions } from '../../src/index.js';
import { leakGuard } from './leak-guard.js';

/** The demo site's apps. */
export const APPS = {
  salesDashboard: '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57',
  finance: 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12',
} as const;

/** The Qlik Cloud login of the watcher the change tests use (the tenant of `startSim({ tenant: { issuer: 'https://idp.example', keyId: 'kid-1' } })`). */
export function watcherAuth(sim: Simulator): SiteOptions['auth'] {
  return {
    kind: 'cloud-jwt',
    privateKey: sim.keys.privateKey,
    kid: 'kid-1',
    issuer: 'https://idp.example',
    subject: 'auth0|watcher',
    name: 'Watcher',
    email: 'watcher@example.com',
  };
}

/** Starts a simulator (demo site by default) and remembers its private key as a secret. */
export async function startSim(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await createSimulator({ site: 'demo', ...options });
  leakGuard.secret(sim.keys.privateKey);
  return sim;
}

/** An HTTP client that tells the leak guard about every JWT it sends and cookie it receives. */
function recordingHttp(inner: HttpClient): HttpClient {
  return {
    async request(req) {
      const auth = req.headers?.authorization;
      if (auth?.startsWith('Bearer ')) leakGuard.secret(auth.slice(7));
      for (const part of (req.headers?.cookie ?? '').split(';')) leakGuard.secret(part.split('=')[1]?.trim());
      const answer = await inner.request(req);
      const setCookie = answer.headers['set-cookie'];
      for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
        leakGuard.secret(line.split(';')[0]?.split('=').slice(1).join('='));
      }
      const csrf = answer.headers['qlik-csrf-token'];
      if (typeof csrf === 'string') leakGuard.secret(csrf);
      return answer;
    },
    close: () => inner.close(),
  };
}

/**
 * A site on the simulator's first virtual proxy (JWT, user CORP\\<userId>), with a logger and a
 * traffic hook feeding the leak guard.
 */
export function siteFor(sim: Simulator, overrides: Partial<SiteOptions> & { userId?: string } = {}): Site {
  const { userId, ...rest } = overrides;
  const proxy = sim.proxies[0];
  const ca = sim.ca;
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    leakGuard.see(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const http = recordingHttp(createHttpClient({ rejectUnauthorized: true, ...(ca ? { ca } : {}) }));
  const options: SiteOptions = {
    host: sim.url,
    prefix: proxy?.prefix ?? '',
    auth: { kind: 'jwt', privateKey: sim.keys.privateKey, userId: userId ?? 'alice', userDirectory: 'CORP' },
    ...(ca ? { tls: { ca } } : {}),
    origin: sim.url.replace('127.0.0.1', 'localhost'),
    reconnect: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 100 },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    onTraffic: (event) => leakGuard.see(JSON.stringify(event)),
    ...rest,
    io: { http, ...rest.io },
  };
  const site = createSite(options);
  // The injected client belongs to the harness: close it with the site.
  const close = site.close.bind(site);
  let closed = false;
  site.close = async (closeOptions) => {
    await close(closeOptions);
    if (closed) return;
    closed = true;
    await http.close();
  };
  return site;
}

/** Awaits a promise expected to reject; records the error with the leak guard and returns it. */
/** A caught error, with the fields QixflowError carries. */
export type Failure = Error & { code?: string; [k: string]: unknown };

export async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    leakGuard.seeError(error);
    return error as Failure;
  }
  throw new Error('expected a failure, but it succeeded');
}

/** Same as {@link failure} for synchronous code. */
export function failureOf(fn: () => unknown): Failure {
  try {
    fn();
  } catch (error) {
    leakGuard.seeError(error);
    return error as Failure;
  }
  throw new Error('expected a failure, but it succeeded');
}

/** A login done without qixflow (as a caller's own code would): the proxy's session cookie `name=value`. */
export async function rawLogin(sim: Simulator, userId: string): Promise<string> {
  const { importPKCS8, SignJWT } = await import('jose');
  const { request } = await import('node:https');
  const jwt = await new SignJWT({ userId, userDirectory: 'CORP' })
    .setProtectedHeader({ alg: 'RS256' })
    .setExpirationTime('1m')
    .sign(await importPKCS8(sim.keys.privateKey, 'RS256'));
  leakGuard.secret(jwt);
  const proxy = sim.proxies[0];
  return new Promise((resolve, reject) => {
    const req = request(
      `${proxy?.url}/qps/csrftoken`,
      { ca: sim.ca, headers: { authorization: `Bearer ${jwt}` } },
      (res) => {
        res.resume();
        const line = (res.headers['set-cookie'] ?? [])[0] ?? '';
        resolve(line.split(';')[0] ?? '');
      },
    );
    req.on('error', reject);
    req.end();
  });
}
