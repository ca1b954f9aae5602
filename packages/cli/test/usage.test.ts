import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQixflow } from './support/run-qixflow.js';

const STACK_LINE = /^\s+at /m;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-cli-usage-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('qixflow usage', () => {
  it('prints help with every command and the exit codes', async () => {
    const { code, stdout } = await runQixflow(['--help']);
    expect(code).toBe(0);
    for (const command of ['sim', 'login', 'apps', 'watch', 'lineage', 'demo']) expect(stdout).toContain(command);
    expect(stdout).toMatch(/Exit codes:[\s\S]* 2 {2}bad usage[\s\S]* 6 {2}partial/);
  });

  it('lists the connection variables and exit codes in the help of a connecting command', async () => {
    const { code, stdout } = await runQixflow(['login', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--key-file <file>');
    expect(stdout).toContain('QIXFLOW_PRIVATE_KEY_FILE');
    expect(stdout).toContain('QIXFLOW_BUDGET_MAX_SESSIONS');
    expect(stdout).toContain('Exit codes:');
  });

  it('exits 2 on an unknown flag, with the error code and the fix, without a stack trace', async () => {
    const { code, stderr } = await runQixflow(['apps', '--nope']);
    expect(code).toBe(2);
    expect(stderr).toContain("error ERR_USAGE: unknown option '--nope'");
    expect(stderr).toContain("fix: run 'qixflow apps --help'");
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('exits 2 on an unknown command and on no command', async () => {
    const unknown = await runQixflow(['lineages']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error ERR_USAGE: unknown command 'lineages'");
    const none = await runQixflow([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: qixflow');
  });

  it('exits 2 on a bad flag value', async () => {
    const { code, stderr } = await runQixflow(['login', '--host', 'https://x', '--budget-max-sessions', 'many']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/error ERR_USAGE: .*--budget-max-sessions.*must be a whole number/);
    const format = await runQixflow(['lineage', '--out', dir, '--format', 'json,pdf']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('error ERR_USAGE: --format: unknown format "pdf"');
  });

  it('exits 2 when no site is given', async () => {
    const { code, stderr } = await runQixflow(['apps']);
    expect(code).toBe(2);
    expect(stderr).toContain('error ERR_USAGE: no site to connect to');
    expect(stderr).toContain('fix: pass --host');
  });

  it('exits 2 with the option at fault when the config file breaks the schema', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ host: 'sense.example.com', auth: { kind: 'jwt', userId: 'a', userDirectory: 'B' }, colour: 1 }),
    );
    const { code, stderr } = await runQixflow(['login', '--config', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('error ERR_CONFIG:');
    expect(stderr).toContain('host must be the site URL');
    expect(stderr).toContain('colour is not allowed');
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('exits 2 when the config file is not JSON, or names a key file that does not exist', async () => {
    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{ "host": ');
    const a = await runQixflow(['login', '--config', notJson]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('is not valid JSON');

    const missingKey = join(dir, 'missing-key.json');
    await writeFile(
      missingKey,
      JSON.stringify({
        host: 'https://127.0.0.1:1',
        auth: { kind: 'jwt', privateKeyFile: 'nowhere.pem', userId: 'a', userDirectory: 'B' },
      }),
    );
    const b = await runQixflow(['login', '--config', missingKey]);
    expect(b.code).toBe(2);
    // The option as the user wrote it, in the file they gave — not the internal option path.
    expect(b.stderr).toContain(`error ERR_CONFIG: auth.privateKeyFile in ${missingKey}: cannot read`);
    expect(b.stderr).toContain(join(dir, 'nowhere.pem'));
  });

  it('names the flag when a flag value is invalid, and the variable when a variable is', async () => {
    const flag = await runQixflow([
      'login',
      '--host',
      'ftp://x',
      '--key-file',
      'k.pem',
      '--user-id',
      'a',
      '--user-directory',
      'B',
    ]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/error ERR_CONFIG: --host must be the site URL/);
    const variable = await runQixflow(['login'], {
      env: {
        QIXFLOW_HOST: 'ftp://x',
        QIXFLOW_PRIVATE_KEY_FILE: 'k.pem',
        QIXFLOW_USER_ID: 'a',
        QIXFLOW_USER_DIRECTORY: 'B',
      },
    });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toMatch(/error ERR_CONFIG: --host \(QIXFLOW_HOST\) must be the site URL/);
  });
});
