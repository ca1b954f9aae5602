import { generateKeyPairSync } from 'node:crypto';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPS, failure, siteFor, startSim } from '../support/harness.js';
import { leakGuard } from '../support/leak-guard.js';
import { watchUncaught } from './hostile-servers.js';

const unknownKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
leakGuard.secret(unknownKey);

describe('withApp and openApp surface the first real error', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(() => sim.close());

  it('a JWT the proxy rejects inside withApp: ERR_HANDSHAKE_REJECTED, not a TypeError from the cleanup', async () => {
    const uncaught = watchUncaught();
    const site = siteFor(sim, { auth: { kind: 'jwt', privateKey: unknownKey, userId: 'x', userDirectory: 'CORP' } });
    let ran = false;
    const error = await failure(
      site.withApp(APPS.finance, async () => {
        ran = true;
      }),
    );
    expect(error.code).toBe('ERR_HANDSHAKE_REJECTED');
    expect(error.status).toBe(401);
    expect(error.message).toContain('the proxy rejected the JWT (401');
    expect(error.message).toContain("private key matches the proxy's JWT certificate");
    expect(ran).toBe(false);
    await site.close();
    uncaught.stop();
    expect(uncaught.errors).toEqual([]);
  });

  it('openApp().open() rejects with the handshake error; close() afterwards resolves', async () => {
    const site = siteFor(sim, { auth: { kind: 'jwt', privateKey: unknownKey, userId: 'y', userDirectory: 'CORP' } });
    const app = site.openApp(APPS.finance);
    const error = await failure(app.open());
    expect(error.code).toBe('ERR_HANDSHAKE_REJECTED');
    expect(error.message).toContain('the proxy rejected the JWT (401');
    expect(app.state).toBe('closed');
    await expect(app.close()).resolves.toBeUndefined();
    await site.close();
  });

  it('closing a connection that was never opened is a no-op', async () => {
    const site = siteFor(sim, { userId: 'never-opened' });
    const app = site.openApp(APPS.finance);
    await expect(app.close()).resolves.toBeUndefined();
    expect(app.state).toBe('closed');
    expect(sim.audit.sessionsCreated('CORP\\never-opened')).toBe(0);
    await site.close();
  });

  it("the job's own error is the one withApp rejects with; the connection is closed anyway", async () => {
    const site = siteFor(sim, { userId: 'job-fails' });
    let connection: { state: string } | undefined;
    const error = await failure(
      site.withApp(APPS.finance, async (_doc, app) => {
        connection = app;
        throw new Error('the job failed');
      }),
    );
    expect(error.message).toBe('the job failed');
    expect(connection?.state).toBe('closed');
    expect(site.stats().socketsOpen).toBe(0);
    await site.close();
  });
});
