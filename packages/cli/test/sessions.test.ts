import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runQixflow, startQixflow } from './support/run-qixflow.js';
import { startTestSimulator, type TestSimulator } from './support/test-simulator.js';

// An identified-user (professional) licence: 5 parallel sessions per user, as on a real site.
let t: TestSimulator;
let noCooldown: TestSimulator;

beforeAll(async () => {
  t = await startTestSimulator({
    virtualProxies: [{ prefix: 'jwt', licence: 'professional', maxParallelSessions: 5 }],
  });
  // Slots free at once after a logout: lets one test run more one-shot commands than the 5-minute
  // cool-down would allow, to count what each leaves behind.
  noCooldown = await startTestSimulator({
    virtualProxies: [{ prefix: 'jwt', licence: 'professional', maxParallelSessions: 5, sessionCooldownMinutes: 0 }],
  });
});
afterAll(async () => {
  await t?.close();
  await noCooldown?.close();
});

/** A state folder shared by the runs of one test: the session store and the budget live there. */
async function stateDir(): Promise<Record<string, string>> {
  return { QIXFLOW_STATE_DIR: await mkdtemp(join(tmpdir(), 'qixflow-state-')) };
}

function live(sim: TestSimulator, user: string): number {
  return sim.sim.sessions().filter((s) => `${s.user.userDirectory}\\${s.user.userId}` === `DEMO\\${user}`).length;
}

const userFlags = (sim: TestSimulator, userId: string): string[] => sim.flags({ userId, userDirectory: 'DEMO' });

/** `watch` for about a second: until its first layout line, then Ctrl-C. */
async function watchBriefly(args: string[], env: Record<string, string>): Promise<number | null> {
  const watch = startQixflow(['watch', 'Finance', ...args], { env });
  await watch.waitForLine(/layout /, { timeoutMs: 30_000 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  watch.process.kill('SIGINT');
  return (await watch.done).code;
}

describe('one-shot commands and the licence', () => {
  it('100 consecutive commands in separate processes use one proxy session and leave one behind', async () => {
    const env = await stateDir();
    const flags = userFlags(t, 'hundred');
    const out = await mkdtemp(join(tmpdir(), 'qixflow-sessions-lineage-'));
    const codes: (number | null)[] = [];
    // Mostly the quick commands a script calls in a loop; every tenth a lineage run or a watch.
    for (let i = 0; i < 100; i++) {
      if (i % 20 === 8) {
        codes.push((await runQixflow(['lineage', '--app', 'Finance', '--out', out, ...flags], { env })).code);
      } else if (i % 20 === 18) {
        codes.push(await watchBriefly(flags, env));
      } else {
        codes.push((await runQixflow([i % 2 === 0 ? 'login' : 'apps', ...flags], { env })).code);
      }
      expect(live(t, 'hundred'), `after run ${i + 1}`).toBeLessThanOrEqual(1);
    }
    expect(codes.filter((c) => c !== 0)).toEqual([]);
    expect(t.sim.audit.sessionsCreated('DEMO\\hundred')).toBe(1);
    expect(live(t, 'hundred')).toBe(1);
    expect(t.sim.audit.entries('usage-denied')).toHaveLength(0);

    // The store is private and holds no secret in a form that is printed anywhere.
    const dir = env.QIXFLOW_STATE_DIR as string;
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(((await stat(join(dir, 'sessions.json'))).mode & 0o777).toString(8)).toBe('600');
    expect(((await stat(join(dir, 'budget.json'))).mode & 0o777).toString(8)).toBe('600');
  }, 600_000);

  it('with persistence off, every command logs out at exit and leaves no session', async () => {
    const env = await stateDir();
    const flags = [...userFlags(noCooldown, 'once'), '--no-persist-session', '--budget-max-sessions', '100'];
    for (let i = 0; i < 8; i++) {
      const { code } =
        i % 2 === 0
          ? await runQixflow(['login', ...flags], { env })
          : await runQixflow(['apps'], {
              env: {
                ...env,
                ...noCooldown.env({ userId: 'once', userDirectory: 'DEMO' }),
                QIXFLOW_PERSIST_SESSION: 'false',
                QIXFLOW_BUDGET_MAX_SESSIONS: '100',
              },
            });
      expect(code).toBe(0);
      expect(live(noCooldown, 'once'), `after run ${i + 1}`).toBe(0);
    }
    expect(noCooldown.sim.audit.sessionsCreated('DEMO\\once')).toBe(8);
    expect(await readdir(env.QIXFLOW_STATE_DIR as string)).not.toContain('sessions.json');
    // Also when the command fails after the handshake (an unknown app) …
    const failed = await runQixflow(['watch', 'No Such App', ...flags], { env });
    expect(failed.code).toBe(2);
    expect(live(noCooldown, 'once')).toBe(0);
    // … and on Ctrl-C.
    expect(await watchBriefly(flags, env)).toBe(0);
    expect(live(noCooldown, 'once')).toBe(0);
  }, 120_000);

  it('lets parallel processes of one context share one session', async () => {
    const env = await stateDir();
    const flags = userFlags(t, 'parallel');
    const runs = await Promise.all(Array.from({ length: 4 }, () => runQixflow(['login', ...flags], { env })));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(t.sim.audit.sessionsCreated('DEMO\\parallel')).toBe(1);
    expect(runs.filter((r) => /proxy session: +new/.test(r.stdout))).toHaveLength(1);
    expect(runs.filter((r) => /proxy session: +re-used/.test(r.stdout))).toHaveLength(3);
  }, 60_000);

  it('re-uses the session of a process killed with SIGKILL', async () => {
    const env = await stateDir();
    const flags = userFlags(t, 'killed');
    // The whole process group, as a crash or the OOM killer would: bin/qixflow.js and its child.
    const child = spawn(process.execPath, [BIN, 'watch', 'Finance', ...flags], {
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/layout /.test(stdout)) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
      child.once('exit', () => reject(new Error(`watch exited early: ${stdout}`)));
    });
    process.kill(-(child.pid as number), 'SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const next = await runQixflow(['login', ...flags], { env });
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/proxy session: +re-used/);
    expect(t.sim.audit.sessionsCreated('DEMO\\killed')).toBe(1);
  }, 60_000);

  it('replaces a stored session the proxy no longer accepts with exactly one new handshake', async () => {
    const env = await stateDir();
    const flags = userFlags(t, 'replaced');
    expect((await runQixflow(['login', ...flags], { env })).code).toBe(0);
    const user = { userId: 'replaced', userDirectory: 'DEMO' };
    // Expired (the inactivity timeout) …
    expect(t.sim.control.expireSessions({ user })).toBe(1);
    const afterExpiry = await runQixflow(['login', ...flags], { env });
    expect(afterExpiry.code).toBe(0);
    expect(afterExpiry.stdout).toMatch(/proxy session: +new/);
    expect(t.sim.audit.sessionsCreated('DEMO\\replaced')).toBe(2);
    // … or logged out elsewhere.
    expect(t.sim.control.logoutSessions({ user })).toBe(1);
    expect((await runQixflow(['apps', ...flags], { env })).code).toBe(0);
    expect(t.sim.audit.sessionsCreated('DEMO\\replaced')).toBe(3);
    expect((await runQixflow(['login', ...flags], { env })).stdout).toMatch(/proxy session: +re-used/);
    expect(t.sim.audit.sessionsCreated('DEMO\\replaced')).toBe(3);
  }, 60_000);
});

describe('qixflow status and logout', () => {
  it('shows the stored session and the budget without a secret, and logout --all ends every session', async () => {
    const env = await stateDir();
    await runQixflow(['login', ...userFlags(t, 'status-a')], { env });
    await runQixflow(['login', ...userFlags(t, 'status-b')], { env });
    expect(live(t, 'status-a') + live(t, 'status-b')).toBe(2);

    const status = await runQixflow(['status', ...userFlags(t, 'status-a')], { env });
    expect(status.code).toBe(0);
    const lines = status.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CONTEXT +SITE +USER +SESSION +BUDGET \(5 MIN\) +NEXT SLOT$/);
    expect(status.stdout).toMatch(
      /^- +https:\/\/127\.0\.0\.1:\d+\/jwt +DEMO\\status-a +stored, \d+ s old +1\/5 +free now$/m,
    );
    // The other user's session is a licence slot too, though no flag names it.
    expect(status.stdout).toMatch(/DEMO\\status-b +stored, \d+ s old +- +-$/m);
    const stored = await readFile(join(env.QIXFLOW_STATE_DIR as string, 'sessions.json'), 'utf8');
    const cookies = [...stored.matchAll(/"value":\s*"([^"]+)"/g)].map((m) => m[1] as string);
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(status.stdout + status.stderr).not.toContain(cookie);

    const json = JSON.parse((await runQixflow(['status', '--json', ...userFlags(t, 'status-a')], { env })).stdout);
    expect(json[0]).toMatchObject({ user: 'DEMO\\status-a', budget: { used: 1, limit: 5, nextSlot: null } });

    const logout = await runQixflow(['logout', '--all', ...userFlags(t, 'status-a')], { env });
    expect(logout.code).toBe(0);
    expect(logout.stdout).toContain('logged out DEMO\\status-a');
    expect(live(t, 'status-a')).toBe(0);
    expect((await runQixflow(['status', '--json', ...userFlags(t, 'status-a')], { env })).stdout).toContain(
      '"session": null',
    );
  }, 60_000);

  it('logs out the current site without a handshake', async () => {
    const env = await stateDir();
    const flags = userFlags(t, 'bye');
    await runQixflow(['login', ...flags], { env });
    expect(live(t, 'bye')).toBe(1);
    const logout = await runQixflow(['logout', ...flags], { env });
    expect(logout.code).toBe(0);
    expect(logout.stdout).toMatch(/^logged out DEMO\\bye from https:\/\/127\.0\.0\.1:\d+\/jwt/);
    expect(live(t, 'bye')).toBe(0);
    expect(t.sim.audit.sessionsCreated('DEMO\\bye')).toBe(1);
    expect((await runQixflow(['logout', ...flags], { env })).stdout).toMatch(/^no stored session for DEMO\\bye/);
  }, 60_000);
});

describe('Qlik Cloud sessions', () => {
  it('are kept, re-used after a check of /api/v1/users/me, and ended by logout', async () => {
    const cloud = await startTestSimulator({ site: undefined, tenant: {} });
    try {
      const tenant = cloud.sim.tenant;
      const env = {
        ...(await stateDir()),
        QIXFLOW_HOST: tenant?.url ?? '',
        QIXFLOW_AUTH: 'cloud-jwt',
        QIXFLOW_PRIVATE_KEY_FILE: cloud.keyFile,
        QIXFLOW_CA_FILE: cloud.caFile,
        QIXFLOW_KID: tenant?.keyId ?? '',
        QIXFLOW_ISSUER: tenant?.issuer ?? '',
        QIXFLOW_SUBJECT: 'alice',
        QIXFLOW_NAME: 'Alice',
        QIXFLOW_EMAIL: 'alice@example.com',
      };
      const first = await runQixflow(['login'], { env });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/proxy session: +new/);
      const second = await runQixflow(['login'], { env });
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/proxy session: +re-used/);
      expect(cloud.sim.sessions()).toHaveLength(1);
      const logout = await runQixflow(['logout'], { env });
      expect(logout.code).toBe(0);
      expect(cloud.sim.sessions()).toHaveLength(0);
    } finally {
      await cloud.close();
    }
  }, 60_000);
});
