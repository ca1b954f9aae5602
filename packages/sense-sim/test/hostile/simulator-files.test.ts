import { chmod, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsafeFileError, writeSimulatorFiles } from '../../src/index.js';

const sim = { keys: { privateKey: 'PRIVATE', publicKey: 'PUBLIC', certificate: 'CERT' }, ca: 'CA' };

describe('the files the simulator writes for its clients', () => {
  it('writes the key 0600 even over an existing world-readable file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qixflow-sim-files-'));
    await writeFile(join(dir, 'jwt-private-key.pem'), 'old');
    await chmod(join(dir, 'jwt-private-key.pem'), 0o644);
    const files = await writeSimulatorFiles(sim, dir);
    expect((await stat(files.key)).mode & 0o777).toBe(0o600);
    expect(await readFile(files.key, 'utf8')).toBe('PRIVATE');
    expect(await readFile(files.ca ?? '', 'utf8')).toBe('CA');
  });

  it('never writes through a symbolic link', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qixflow-sim-files-'));
    const elsewhere = join(dir, 'elsewhere.txt');
    await writeFile(elsewhere, 'precious');
    await symlink(elsewhere, join(dir, 'jwt-private-key.pem'));
    const error = await writeSimulatorFiles(sim, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeFileError);
    expect((error as Error).message).toBe(
      `${join(dir, 'jwt-private-key.pem')} is a symbolic link: not writing through it`,
    );
    expect(await readFile(elsewhere, 'utf8')).toBe('precious');
  });
});
