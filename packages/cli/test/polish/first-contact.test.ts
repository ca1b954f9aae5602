import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { QixflowError } from '@qixflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../src/describe-error.js';
import { closeMatches } from '../../src/internal/qrs-apps.js';
import { cleanEnv, runQixflow } from '../support/run-qixflow.js';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
let t: TestSimulator;

beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t?.close();
});

const app = (name: string) => ({ id: name, name, stream: null, owner: null, lastReloadTime: null, published: false });

describe('an unknown app name', () => {
  it('suggests close names: typos, a missing word, another case — closest first, at most three', () => {
    const apps = ['Sales Dashboard', 'Sales Extract', 'Customer Churn', 'Finance', 'Sales Dashboard (old)'].map(app);
    expect(closeMatches('Sales Dashbord', apps)).toEqual(['Sales Dashboard']);
    expect(closeMatches('sales dashboard (old', apps)).toEqual(['Sales Dashboard (old)', 'Sales Dashboard']);
    expect(closeMatches('churn', apps)).toEqual(['Customer Churn']);
    expect(closeMatches('sales', apps)).toEqual(['Sales Extract', 'Sales Dashboard', 'Sales Dashboard (old)']);
    expect(closeMatches('Inventory', apps)).toEqual([]);
  });

  it('is an error naming the closest apps of the site (exit 2)', async () => {
    const { code, stderr } = await runQixflow(['watch', 'Sales Dashbord', ...t.flags()]);
    expect(code).toBe(2);
    expect(stderr).toContain('no app with id or name "Sales Dashbord"');
    expect(stderr).toContain('did you mean "Sales Dashboard"?');
  });
});

describe('the workspace root', () => {
  it('runs qixflow through `pnpm qixflow …` (the root script)', async () => {
    const manifest = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
    const script = manifest.scripts.qixflow;
    expect(script).toBeDefined();
    // What `pnpm qixflow --help` runs: the script, from the root, with the arguments appended.
    const { stdout } = await promisify(execFile)('sh', ['-c', `${script} --help`], { cwd: ROOT, env: cleanEnv() });
    expect(stdout).toContain('Usage: qixflow');
    expect(stdout).toContain('context');
  });
});

describe('errors a new user meets', () => {
  it('name the flag or variable that was given, not the internal option path', async () => {
    const flag = await runQixflow(['login', ...t.flags(), '--key-file', '/nonexistent/key.pem']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('error ERR_CONFIG: --key-file: cannot read "/nonexistent/key.pem"');
    expect(flag.stderr).not.toContain('config.auth');
    const variable = await runQixflow(['login'], {
      env: { ...t.env(), QIXFLOW_PRIVATE_KEY_FILE: '/nonexistent/key.pem' },
    });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain('--key-file (QIXFLOW_PRIVATE_KEY_FILE): cannot read "/nonexistent/key.pem"');
  });

  it('make a 404 on the handshake a configuration error that points at --prefix (exit 2)', async () => {
    const flags = t.flags();
    flags[flags.indexOf('--prefix') + 1] = 'no-such-proxy';
    const { code, stderr } = await runQixflow(['login', ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain('answered 404');
    expect(stderr).toContain('check --prefix');
  });

  it('explain the 5-session / 5-minute rule, when a slot frees, and how to recover', () => {
    const retryAt = Date.UTC(2026, 11, 2, 6, 30);
    const budget = describeError(
      new QixflowError('ERR_SESSION_BUDGET_EXHAUSTED', 'session budget exhausted', { retryAt }),
    );
    expect(budget.exitCode).toBe(5);
    expect(budget.fix).toContain('a slot frees at 2026-12-02T06:30:00.000Z');
    for (const fix of [budget.fix, describeError(new QixflowError('ERR_SESSION_LIMIT_EXCEEDED', 'limit')).fix]) {
      expect(fix).toContain('5 parallel proxy sessions per user');
      expect(fix).toContain('5 minutes after its session ends');
      expect(fix).toContain("'qixflow logout --all'");
      expect(fix).toContain("'qixflow status'");
    }
  });
});

describe('a server that never answers', () => {
  it('ends login within --timeout with ERR_TIMEOUT (exit 3), not after the engine gives up', async () => {
    t.sim.control.delayResponses({ method: 'EngineVersion', ms: 60_000, count: 1 });
    const started = Date.now();
    const { code, stderr } = await runQixflow(['login', '--timeout', '2000', ...t.flags()]);
    const seconds = (Date.now() - started) / 1000;
    expect(code).toBe(3);
    expect(stderr).toMatch(/^error ERR_TIMEOUT: /m);
    expect(stderr).toContain('raise --timeout');
    // 2 s of waiting plus the process start; far from the 60 s the engine would take.
    expect(seconds).toBeLessThan(15);
  }, 60_000);
});
