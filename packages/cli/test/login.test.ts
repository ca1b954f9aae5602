import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQixflow } from './support/run-qixflow.js';
import { startTestSimulator, type TestSimulator, writeForeignKey } from './support/test-simulator.js';

const STACK_LINE = /^\s+at /m;
let t: TestSimulator;
let keyLines: string[];

beforeAll(async () => {
  t = await startTestSimulator();
  // Every base64 line of the private key: none may ever be printed.
  keyLines = (await readFile(t.keyFile, 'utf8')).split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
});
afterAll(async () => {
  await t?.close();
});

/** Fails when stdout/stderr hold the key, a JWT or a session cookie value. */
function expectNoSecrets(output: string): void {
  const cookieName = t.sim.proxies[0]?.cookieName ?? 'X-Qlik-Session-jwt';
  for (const line of keyLines) expect(output).not.toContain(line);
  expect(output).not.toContain('PRIVATE KEY');
  expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  expect(output).not.toMatch(new RegExp(`${cookieName}=[^\\s;]`));
  expect(output.toLowerCase()).not.toContain('bearer ');
}

describe('qixflow login', () => {
  it('does the handshake and says who, which cookie, CSRF, engine version and sessions used', async () => {
    const before = t.sim.audit.sessionsCreated();
    const { code, stdout, stderr } = await runQixflow(['login', ...t.flags()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`connected to ${t.sim.url}/jwt`);
    expect(stdout).toMatch(/user: +DEMO\\demo/);
    expect(stdout).toMatch(/session cookie: +X-Qlik-Session-jwt \(value not shown\)/);
    expect(stdout).toMatch(/CSRF token: +received/);
    expect(stdout).toMatch(/engine: +12\.2027\.0/);
    expect(stdout).toMatch(/proxy sessions used: 1$/m);
    expect(t.sim.audit.sessionsCreated() - before).toBe(1);
    expectNoSecrets(stdout + stderr);
  });

  it('prints no secret even with --debug', async () => {
    const { code, stdout, stderr } = await runQixflow(['login', '--debug', ...t.flags()]);
    expect(code).toBe(0);
    expect(stderr).toContain('debug');
    expectNoSecrets(stdout + stderr);
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await runQixflow(['login', '--json', ...t.flags()]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      site: `${t.sim.url}/jwt`,
      user: 'DEMO\\demo',
      attributes: {},
      cookieName: 'X-Qlik-Session-jwt',
      csrfToken: true,
      legacy: false,
      engineVersion: '12.2027.0',
      proxySessionsCreated: 1,
      proxySessionsReused: 0,
    });
  });

  it('takes the connection from QIXFLOW_* variables', async () => {
    const { code, stdout } = await runQixflow(['login'], { env: t.env() });
    expect(code).toBe(0);
    expect(stdout).toMatch(/user: +DEMO\\demo/);
  });

  it('takes it from a --config file (paths relative to the file); variables override the file, flags override both', async () => {
    const config = join(t.dir, 'qixflow.json');
    await writeFile(
      config,
      JSON.stringify({
        $schema: '../../schemas/qixflow.config.schema.json',
        host: 'https://127.0.0.1:1',
        prefix: 'jwt',
        origin: t.origin,
        auth: { kind: 'jwt', privateKeyFile: 'jwt-private-key.pem', userId: 'from-file', userDirectory: 'FILE' },
        tls: { caFile: 'ca.pem' },
      }),
    );
    const env = { QIXFLOW_CONFIG: config, QIXFLOW_HOST: t.sim.url, QIXFLOW_USER_ID: 'from-env' };
    const fromEnv = await runQixflow(['login'], { env });
    expect(fromEnv.stderr).toBe('');
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toMatch(/user: +FILE\\from-env/);

    const fromFlags = await runQixflow(['login', '--config', config, '--host', t.sim.url, '--user-id', 'from-flag'], {
      env: { QIXFLOW_HOST: 'https://127.0.0.1:2', QIXFLOW_USER_ID: 'from-env' },
    });
    expect(fromFlags.code).toBe(0);
    expect(fromFlags.stdout).toMatch(/user: +FILE\\from-flag/);
  });

  it('exits 3 when the host cannot be reached', async () => {
    const { code, stderr } = await runQixflow(['login', ...t.flags(), '--host', 'https://127.0.0.1:1']);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^error ERR_NETWORK: /m);
    expect(stderr).toContain('fix: check --host');
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('exits 3 when the server certificate is not trusted', async () => {
    const flags = t.flags();
    flags.splice(flags.indexOf('--ca-file'), 2);
    const { code, stderr } = await runQixflow(['login', ...flags]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^error ERR_TLS: /m);
    expect(stderr).toContain('--ca-file');
  });

  it('exits 4 when the JWT is signed with a key the proxy does not know', async () => {
    const other = await writeForeignKey(t.dir);
    const { code, stdout, stderr } = await runQixflow(['login', ...t.flags(), '--key-file', other]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/^error ERR_HANDSHAKE_REJECTED: .*401/m);
    expect(stderr).toMatch(/fix: .*--key-file/);
    expect(stderr).not.toMatch(STACK_LINE);
    expectNoSecrets(stdout + stderr);
    const otherLines = (await readFile(other, 'utf8')).split('\n').filter((l) => l.length > 20 && !l.startsWith('-'));
    for (const line of otherLines) expect(stdout + stderr).not.toContain(line);
  });

  it('exits 4 when the proxy answers with a login page', async () => {
    t.sim.control.answerWithLoginPage({ count: 1 });
    const { code, stderr } = await runQixflow(['login', ...t.flags()]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/^error ERR_HANDSHAKE_LOGIN_PAGE: /m);
  });

  it('exits 5 when the session budget is exhausted', async () => {
    const state = join(t.dir, 'budget.json');
    const budget = ['--budget-max-sessions', '1', '--budget-state-file', state];
    const first = await runQixflow(['login', ...t.flags(), ...budget]);
    expect(first.code).toBe(0);
    const second = await runQixflow(['login', ...t.flags(), ...budget]);
    expect(second.code).toBe(5);
    expect(second.stderr).toMatch(/^error ERR_SESSION_BUDGET_EXHAUSTED: /m);
    expect(second.stderr).toMatch(/fix: a slot frees at \d{4}-/);
  });
});

describe('qixflow login against a proxy with other rules', () => {
  it('exits 4 when the token is expired by the server clock', async () => {
    // The server's clock is an hour ahead: the 5-minute JWT has expired when it arrives.
    const ahead = await startTestSimulator({ site: undefined, clock: new ManualClock(Date.now() + 3_600_000) });
    try {
      const { code, stderr } = await runQixflow(['login', ...ahead.flags()]);
      expect(code).toBe(4);
      expect(stderr).toMatch(/^error ERR_HANDSHAKE_REJECTED: .*expired/m);
      expect(stderr).toMatch(/fix: .*clock/);
      expect(ahead.sim.audit.rejects('token-expired')).toHaveLength(1);
    } finally {
      await ahead.close();
    }
  });

  it('signs in to a Qlik Cloud tenant with cloud-jwt variables', async () => {
    const cloud = await startTestSimulator({ site: undefined, tenant: {} });
    try {
      const tenant = cloud.sim.tenant;
      expect(tenant).toBeDefined();
      const { code, stdout, stderr } = await runQixflow(['login'], {
        env: {
          QIXFLOW_HOST: tenant?.url,
          QIXFLOW_AUTH: 'cloud-jwt',
          QIXFLOW_PRIVATE_KEY_FILE: cloud.keyFile,
          QIXFLOW_CA_FILE: cloud.caFile,
          QIXFLOW_KID: tenant?.keyId,
          QIXFLOW_ISSUER: tenant?.issuer,
          QIXFLOW_SUBJECT: 'alice',
          QIXFLOW_NAME: 'Alice',
          QIXFLOW_EMAIL: 'alice@example.com',
        },
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/user: +alice@example\.com \(Alice\)/);
      expect(stdout).toMatch(/session cookie: +eas\.sid \(value not shown\)/);
      expect(stdout).not.toMatch(/eas\.sid=/);
    } finally {
      await cloud.close();
    }
  });

  it('exits 5 when the user already holds every parallel session the licence allows', async () => {
    const limited = await startTestSimulator({
      site: undefined,
      virtualProxies: [{ prefix: 'jwt', maxParallelSessions: 1 }],
    });
    try {
      // Another client of the same user holds the only slot with an engine websocket.
      await limited.site().openGlobal().open();
      const { code, stdout, stderr } = await runQixflow(['login', ...limited.flags()]);
      expect(code).toBe(5);
      expect(stderr).toMatch(/^error ERR_SESSION_LIMIT_EXCEEDED: /m);
      expect(stderr).toContain('fix: identified-user licences allow 5 parallel proxy sessions per user');
      expect(stderr).toContain("'qixflow logout --all'");
      expect(stdout).toBe('');
      expect(limited.sim.audit.entries('usage-denied')).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
