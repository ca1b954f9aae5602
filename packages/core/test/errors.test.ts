import { generateKeyPairSync } from 'node:crypto';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite, QixflowError } from '../src/index.js';
import { APPS, failure, failureOf, siteFor, startSim } from './support/harness.js';
import { leakGuard } from './support/leak-guard.js';

const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const encrypted = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' })
  .toString();
for (const key of [otherRsa, ecKey, encrypted]) leakGuard.secret(key);
leakGuard.secret('correct horse');

describe('every failure has a code and a message that says what to do', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(() => sim.close());

  it('a key the proxy does not know: ERR_HANDSHAKE_REJECTED (401) with the fix', async () => {
    const site = siteFor(sim, { auth: { kind: 'jwt', privateKey: otherRsa, userId: 'x', userDirectory: 'CORP' } });
    const error = await failure(site.connect());
    expect(error.code).toBe('ERR_HANDSHAKE_REJECTED');
    expect(error.status).toBe(401);
    expect(error.message).toContain('signature does not verify');
    expect(error.message).toContain("private key matches the proxy's JWT certificate");
    await site.close();
  });

  it('an algorithm that does not fit the key: ERR_JWT_ALGORITHM_MISMATCH at createSite', () => {
    const error = failureOf(() =>
      createSite({
        host: sim.url,
        auth: {
          kind: 'cloud-jwt',
          privateKey: otherRsa,
          algorithm: 'ES256',
          kid: 'k',
          issuer: 'i',
          subject: 's',
          name: 'n',
          email: 'e',
        },
      }),
    );
    expect(error.code).toBe('ERR_JWT_ALGORITHM_MISMATCH');
    expect(error.message).toBe('algorithm ES256 cannot be used with this rsa key: ES256 needs an EC prime256v1 key');
    const ec = failureOf(() =>
      createSite({
        host: sim.url,
        prefix: 'jwt',
        auth: { kind: 'jwt', privateKey: ecKey, userId: 'a', userDirectory: 'B' },
      }),
    );
    expect(ec.code).toBe('ERR_JWT_ALGORITHM_MISMATCH');
  });

  it('unreadable or encrypted keys: ERR_JWT_KEY_INVALID saying why', () => {
    const site = (privateKey: string, passphrase?: string) =>
      createSite({
        host: sim.url,
        auth: { kind: 'jwt', privateKey, ...(passphrase ? { passphrase } : {}), userId: 'a', userDirectory: 'B' },
      });
    expect(failureOf(() => site('not a key')).message).toContain('could not be read');
    expect(failureOf(() => site(encrypted)).message).toBe(
      'the private key is encrypted: pass its passphrase (auth.passphrase)',
    );
    expect(failureOf(() => site(encrypted, 'wrong')).message).toBe(
      'the private key could not be decrypted: check auth.passphrase',
    );
    expect(() => site(encrypted, 'correct horse')).not.toThrow();
  });

  it('a proxy that answers with a login page: ERR_HANDSHAKE_LOGIN_PAGE', async () => {
    sim.control.answerWithLoginPage({ count: 1 });
    const site = siteFor(sim, { userId: 'login-page' });
    const error = await failure(site.connect());
    expect(error.code).toBe('ERR_HANDSHAKE_LOGIN_PAGE');
    expect(error.message).toContain('redirected to');
    expect(error.message).toContain('not a JWT virtual proxy');
    await site.close();
  });

  it('an Origin outside the host allow list: ERR_FORBIDDEN_ORIGIN naming the host to add', async () => {
    const site = siteFor(sim, { userId: 'origin', origin: 'https://intranet.example' });
    const error = await failure(site.openApp(APPS.finance).open());
    expect(error.code).toBe('ERR_FORBIDDEN_ORIGIN');
    expect(error.status).toBe(403);
    expect(error.message).toContain("add 'intranet.example' to the virtual proxy's host allow list");
    expect(error.message).toContain('Origin is not in the host allow list');
    await site.close();
  });

  it('a client without the CSRF token against a November-2024 proxy: ERR_FORBIDDEN_CSRF with the fix', async () => {
    const site = siteFor(sim, { userId: 'csrf', csrf: 'legacy' });
    const error = await failure(site.openApp(APPS.finance).open());
    expect(error.code).toBe('ERR_FORBIDDEN_CSRF');
    expect(error.status).toBe(403);
    expect(error.message).toContain('no qlik-csrf-token');
    expect(error.message).toContain("use csrf: 'auto' (now 'legacy')");
    await site.close();
  });

  it('an untrusted certificate: ERR_TLS suggesting tls.ca', async () => {
    const site = siteFor(sim, { userId: 'tls', tls: {} });
    // siteFor injects a client that trusts the CA: build one without it
    const plain = createSite({
      host: sim.url,
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKey: sim.keys.privateKey, userId: 'tls', userDirectory: 'CORP' },
    });
    const error = await failure(plain.connect());
    expect(error.code).toBe('ERR_TLS');
    expect(error.message).toContain('Pass the CA that signed it as tls.ca');
    await plain.close();
    await site.close();
  });

  it('an unreachable host: ERR_NETWORK', async () => {
    const site = createSite({
      host: 'https://127.0.0.1:1',
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKey: sim.keys.privateKey, userId: 'n', userDirectory: 'CORP' },
    });
    const error = await failure(site.connect());
    expect(error.code).toBe('ERR_NETWORK');
    expect(error.message).toContain('cannot reach https://127.0.0.1:1 (ECONNREFUSED)');
    await site.close();
  });

  it('engine errors keep the engine code and name; an unknown app is ERR_APP_NOT_FOUND', async () => {
    const site = siteFor(sim, { userId: 'engine-errors' });
    const missing = await failure(site.openApp('no-such-app', { identity: 'x' }).open());
    expect(missing.code).toBe('ERR_APP_NOT_FOUND');
    expect(missing.engineCode).toBe(1003);
    expect(missing.engineName).toBe('LOCERR_APP_NOT_FOUND');
    expect(missing.message).toBe('OpenDoc failed: App not found (1003 LOCERR_APP_NOT_FOUND): no-such-app');
    const app = site.openSessionApp();
    const doc = await app.open();
    const dup = await failure(
      (async () => {
        await doc.createObject({ qInfo: { qId: 'dup', qType: 'x' } });
        await doc.createObject({ qInfo: { qId: 'dup', qType: 'x' } });
      })(),
    );
    expect(dup.code).toBe('ERR_ENGINE');
    expect(dup.engineName).toBe('LOCERR_GENERIC_ALREADY_EXISTS');
    await site.close();
  });

  it('a per-call timeout cancels the call on the engine (CancelRequest) with ERR_TIMEOUT; an AbortSignal with ERR_ABORTED', async () => {
    const site = siteFor(sim, { userId: 'timeouts' });
    const app = site.openApp(APPS.finance, { identity: 'timeouts' });
    const doc = await app.open();
    sim.control.delayResponses({ method: 'GetAppLayout', ms: 10_000, count: 1 });
    const before = sim.stats().engine.runningRequests;
    const timedOut = await failure(app.run(() => doc.getAppLayout(), { timeoutMs: 50 }));
    expect(timedOut.code).toBe('ERR_TIMEOUT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.stats().engine.runningRequests).toBe(before); // the engine stopped it
    sim.control.delayResponses({ method: 'GetAppLayout', ms: 10_000, count: 1 });
    const controller = new AbortController();
    const pending = app.run(() => doc.getAppLayout(), { signal: controller.signal });
    controller.abort();
    expect((await failure(pending)).code).toBe('ERR_ABORTED');
    expect((await doc.getAppLayout()).qTitle).toBe('Finance');
    await site.close();
  });

  it('LOCERR_GENERIC_ABORTED on an idempotent getter is retried transparently', async () => {
    const site = siteFor(sim, { userId: 'aborted' });
    const doc = await site.openApp(APPS.finance, { identity: 'aborted' }).open();
    sim.control.failNext('GetAppLayout', { count: 2, code: 15, message: 'Request aborted' });
    expect((await doc.getAppLayout()).qTitle).toBe('Finance');
    sim.control.failNext('SetScript', { count: 1, code: 15, message: 'Request aborted' });
    expect((await failure(doc.setScript('x'))).engineCode).toBe(15); // not idempotent: not retried
    await site.close();
  });

  it('bad options are a TypeError naming the option', () => {
    expect(failureOf(() => createSite({ host: 'sense.example.com', auth: { kind: 'none' } }))).toBeInstanceOf(
      TypeError,
    );
    const missing = failureOf(() => createSite({ host: 'https://h', auth: { kind: 'jwt' } as never }));
    expect(missing).toBeInstanceOf(TypeError);
    expect(missing.message).toContain('options.auth.userId');
  });

  it('a closed site refuses new work with ERR_CLOSED', async () => {
    const site = siteFor(sim, { userId: 'closed' });
    await site.close();
    expect(failureOf(() => site.openApp(APPS.finance)).code).toBe('ERR_CLOSED');
  });
});

describe('QixflowError redaction', () => {
  it('redacts its message, parameter and url', () => {
    const error = new QixflowError('ERR_ENGINE', 'reload failed: ODBC CONNECT TO [Sales;UID=etl;PWD=hunter2]', {
      parameter: 'Server=db1;Password={hun;ter2}',
      url: 'https://etl:pw@sense.example.com/app?qlik-csrf-token=tok-1234',
    });
    expect(error.message).toBe('reload failed: ODBC CONNECT TO [Sales;UID=***;PWD=***]');
    expect(error.parameter).toBe('Server=db1;Password={***}');
    expect(error.url).toBe('https://***:***@sense.example.com/app?qlik-csrf-token=***');
    expect(error.stack).not.toContain('hunter2');
  });

  it('redacts the texts of its cause chain and keeps the cause objects', () => {
    const root = new Error('Cookie: X-Qlik-Session-jwt=0f1e2d3c4b5a');
    const cause = new TypeError('fetch failed: Authorization: Bearer abcdef0123456789', { cause: root });
    const error = new QixflowError('ERR_NETWORK', 'cannot reach the proxy', { cause });
    expect(error.cause).toBe(cause);
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.message).toBe('fetch failed: Authorization: Bearer ***');
    expect(cause.stack).not.toContain('abcdef0123456789');
    expect(root.message).toBe('Cookie: X-Qlik-Session-jwt=***');
  });
});
