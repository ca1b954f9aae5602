import { lstat, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextsFilePath, contextsFileProblems } from '../src/internal/contexts-file.js';
import { runQixflow } from './support/run-qixflow.js';
import { DEMO, startTestSimulator, type TestSimulator } from './support/test-simulator.js';

let t: TestSimulator;
let dir: string;

beforeAll(async () => {
  t = await startTestSimulator();
  dir = await mkdtemp(join(tmpdir(), 'qixflow-contexts-'));
});
afterAll(async () => {
  await t?.close();
});

/** A fresh contexts file for one test. */
function contextsEnv(name: string): Record<string, string> {
  return { QIXFLOW_CONTEXTS_FILE: join(dir, `${name}.json`) };
}

describe('qixflow context add|use|ls|show|rm', () => {
  it('adds a site from the flags, with absolute key paths and no secret, and makes the first one current', async () => {
    const env = contextsEnv('add');
    const added = await runQixflow(['context', 'add', 'sim', ...t.flags(), '--description', 'the simulator'], { env });
    expect(added.stderr).toContain('in ');
    expect(added.stdout).toContain('context "sim" saved (current)');
    expect(added.code).toBe(0);

    const file = env.QIXFLOW_CONTEXTS_FILE as string;
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('PRIVATE KEY');
    const saved = JSON.parse(text) as { current: string; contexts: Record<string, { site: Record<string, unknown> }> };
    expect(saved.current).toBe('sim');
    expect(saved.contexts.sim?.site).toMatchObject({
      host: t.sim.url,
      prefix: 'jwt',
      auth: { kind: 'jwt', privateKeyFile: t.keyFile, userId: 'demo', userDirectory: 'DEMO' },
      tls: { caFile: t.caFile },
    });
    expect(contextsFileProblems(saved)).toEqual([]);
    expect((await lstat(file)).mode & 0o777).toBe(0o600);

    const second = await runQixflow(
      ['context', 'add', 'other', '--host', 'https://sense.example.com', '--prefix', 'jwt', '--key-file', t.keyFile],
      { env: { ...env, QIXFLOW_USER_ID: 'ignored' } },
    );
    // A context is made from the flags only: the variables of the shell that adds it are not captured.
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/--user-id/);

    const other = await runQixflow(
      ['context', 'add', 'other', '--host', 'https://sense.example.com', '--prefix', 'jwt', '--key-file', t.keyFile],
      { env: env },
    );
    expect(other.code).toBe(2);
    const third = await runQixflow(
      [
        'context',
        'add',
        'other',
        '--host',
        'https://sense.example.com',
        '--prefix',
        'jwt',
        '--key-file',
        t.keyFile,
        '--user-id',
        'alice',
        '--user-directory',
        'CORP',
        '--no-persist-session',
      ],
      { env },
    );
    expect(third.code).toBe(0);
    expect(third.stdout).toBe('context "other" saved\n');

    const ls = await runQixflow(['context', 'ls'], { env });
    expect(ls.code).toBe(0);
    const lines = ls.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CURRENT\s+NAME\s+HOST\s+PREFIX\s+USER\s+DESCRIPTION$/);
    expect(lines[1]).toMatch(
      new RegExp(`^\\*\\s+sim\\s+${t.sim.url.replace(/[.]/g, '\\.')}\\s+jwt\\s+DEMO\\\\demo\\s+the simulator$`),
    );
    expect(lines[2]).toMatch(/^\s+other\s+https:\/\/sense\.example\.com\s+jwt\s+CORP\\alice$/);

    const json = await runQixflow(['context', 'ls', '--json'], { env });
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'sim', current: true, host: t.sim.url, prefix: 'jwt', user: 'DEMO\\demo' },
      { name: 'other', current: false, host: 'https://sense.example.com', prefix: 'jwt', user: 'CORP\\alice' },
    ]);

    const used = await runQixflow(['context', 'use', 'other'], { env });
    expect(used.stdout).toBe('current context: other\n');
    const shown = await runQixflow(['context', 'show'], { env });
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'other', current: true, persistSession: false });
    const named = await runQixflow(['context', 'show', 'sim'], { env });
    expect(JSON.parse(named.stdout)).toMatchObject({ name: 'sim', current: false, description: 'the simulator' });

    const removed = await runQixflow(['context', 'rm', 'other'], { env });
    expect(removed.stdout).toBe('context "other" removed\n');
    const after = JSON.parse(await readFile(file, 'utf8')) as { current?: string; contexts: object };
    expect(after.current).toBeUndefined();
    expect(Object.keys(after.contexts)).toEqual(['sim']);
    // The second context names a host this machine may not resolve quickly (no network here).
  }, 60_000);

  it('refuses unknown names, duplicates without --force, bad names and inline secrets', async () => {
    const env = contextsEnv('refusals');
    expect((await runQixflow(['context', 'add', 'a', ...t.flags()], { env })).code).toBe(0);
    const dup = await runQixflow(['context', 'add', 'a', ...t.flags()], { env });
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('a context named "a" exists already');
    expect(dup.stderr).toContain('--force');
    expect((await runQixflow(['context', 'add', 'a', ...t.flags(), '--force'], { env })).code).toBe(0);

    const unknown = await runQixflow(['context', 'use', 'nope'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no context named "nope"');
    expect(unknown.stderr).toContain('known contexts: a');

    const badName = await runQixflow(['context', 'add', '../evil', ...t.flags()], { env });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('not a valid context name');

    const config = join(dir, 'inline-key.json');
    await writeFile(
      config,
      JSON.stringify({
        host: t.sim.url,
        prefix: 'jwt',
        auth: { kind: 'jwt', privateKey: t.sim.keys.privateKey, userId: 'demo', userDirectory: 'DEMO' },
      }),
    );
    const inline = await runQixflow(['context', 'add', 'b', '--config', config], { env });
    expect(inline.code).toBe(2);
    expect(inline.stderr).toContain('a context holds no secret, but auth.privateKey is set');
    expect(inline.stderr).not.toContain('PRIVATE KEY');
  });

  it('validates the file against its schema and says which context and option is wrong (exit 2)', async () => {
    const env = contextsEnv('invalid');
    await writeFile(
      env.QIXFLOW_CONTEXTS_FILE as string,
      JSON.stringify({
        version: 1,
        current: 'x',
        contexts: { x: { site: { host: 'https://a.example.com', auth: { kind: 'jwt', userId: 'u' } }, colour: 'red' } },
      }),
    );
    const { code, stderr } = await runQixflow(['login', '--context', 'x'], { env });
    expect(code).toBe(2);
    expect(stderr).toContain('is invalid');
    expect(stderr).toContain('contexts.x has an unknown option "colour"');
    expect(stderr).toContain('contexts.x.site.auth.userDirectory is required');

    await writeFile(env.QIXFLOW_CONTEXTS_FILE as string, '{"version":1,');
    const broken = await runQixflow(['context', 'ls'], { env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
  });

  it('does not write through a symbolic link', async () => {
    const target = join(dir, 'elsewhere.json');
    await writeFile(target, '{"version":1,"contexts":{}}');
    const link = join(dir, 'link.json');
    await symlink(target, link);
    const { code, stderr } = await runQixflow(['context', 'add', 'a', ...t.flags()], {
      env: { QIXFLOW_CONTEXTS_FILE: link },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('is a symbolic link');
    expect(await readFile(target, 'utf8')).toBe('{"version":1,"contexts":{}}');
  });

  it('finds the file in the user config folder of each platform', () => {
    expect(contextsFilePath({ env: { HOME: '/home/a' }, platform: 'linux' })).toBe(
      '/home/a/.config/qixflow/contexts.json',
    );
    expect(contextsFilePath({ env: { HOME: '/home/a', XDG_CONFIG_HOME: '/x' }, platform: 'linux' })).toBe(
      '/x/qixflow/contexts.json',
    );
    expect(contextsFilePath({ env: { HOME: '/Users/a' }, platform: 'darwin' })).toBe(
      '/Users/a/Library/Application Support/qixflow/contexts.json',
    );
    expect(contextsFilePath({ env: { QIXFLOW_CONTEXTS_FILE: '/f.json', HOME: '/h' } })).toBe('/f.json');
  });
});

describe('connecting with a context', () => {
  it('uses the current context when a command names no site, and flag > variable > context', async () => {
    const env = contextsEnv('precedence');
    const other = { userId: 'ctx-user', userDirectory: 'CTX' };
    expect((await runQixflow(['context', 'add', 'sim', ...t.flags(other)], { env })).code).toBe(0);

    const fromContext = await runQixflow(['login', '--json'], { env });
    expect(fromContext.stderr).toBe('');
    expect(JSON.parse(fromContext.stdout)).toMatchObject({ site: `${t.sim.url}/jwt`, user: 'CTX\\ctx-user' });

    const byName = await runQixflow(['login', '--json', '--context', 'sim'], { env });
    expect(JSON.parse(byName.stdout)).toMatchObject({ user: 'CTX\\ctx-user' });

    const variableWins = await runQixflow(['login', '--json'], { env: { ...env, QIXFLOW_USER_ID: 'from-env' } });
    expect(JSON.parse(variableWins.stdout)).toMatchObject({ user: 'CTX\\from-env' });

    const flagWins = await runQixflow(['login', '--json', '--user-id', 'from-flag'], {
      env: { ...env, QIXFLOW_USER_ID: 'from-env' },
    });
    expect(JSON.parse(flagWins.stdout)).toMatchObject({ user: 'CTX\\from-flag' });

    const viaVariable = await runQixflow(['login', '--json'], { env: { ...env, QIXFLOW_CONTEXT: 'sim' } });
    expect(JSON.parse(viaVariable.stdout)).toMatchObject({ user: 'CTX\\ctx-user' });
  });

  it('lets a command that names its own site stand alone, and refuses --context with --config', async () => {
    const env = contextsEnv('standalone');
    expect(
      (await runQixflow(['context', 'add', 'sim', ...t.flags({ userId: 'ctx', userDirectory: 'CTX' })], { env })).code,
    ).toBe(0);
    const ownSite = await runQixflow(['login', '--json', ...t.flags(DEMO)], { env });
    expect(JSON.parse(ownSite.stdout)).toMatchObject({ user: 'DEMO\\demo' });

    const both = await runQixflow(['login', '--context', 'sim', '--config', join(dir, 'x.json')], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--context (QIXFLOW_CONTEXT) cannot be combined with --config');

    const missing = await runQixflow(['login', '--context', 'nope'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no context named "nope"');
  });
});
