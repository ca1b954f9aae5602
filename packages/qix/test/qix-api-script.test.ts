import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const generated = join(import.meta.dirname, '../src/generated');
const NOT_BESIDE = /engine-rpc-12\.2528\.json not found .*skipping the check/;

/** Runs the generator in check mode; resolves with its exit code and output instead of rejecting. */
async function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/qix-api.ts', '--check', ...args], {
    cwd: root,
  });
  return run.then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const temporary: string[] = [];
afterEach(async () => {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('scripts/qix-api.ts --check', () => {
  it('finds the checked-in declarations up to date with the engine schema and enigma.js', async () => {
    const { code, stdout, stderr } = await check();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    // Without the OpenRPC file beside the repository the check passes with a notice (as engine-schema:check).
    if (stdout !== '') expect(stdout).toMatch(NOT_BESIDE);
  });

  it('fails on an edited copy, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qix-api-'));
    temporary.push(dir);
    await cp(generated, dir, { recursive: true });
    await appendFile(join(dir, 'structs.ts'), '// edited by hand\n');
    const { code, stdout, stderr } = await check('--out', dir);
    if (NOT_BESIDE.test(stdout)) {
      expect(code).toBe(0);
    } else {
      expect(code).toBe(1);
      expect(stderr).toBe(`out of date: ${dir}/structs.ts (run \`pnpm qix-api\`)\n`);
    }
  });
});
