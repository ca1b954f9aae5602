import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QixflowError } from '../../src/errors.js';
import type { QixflowConfig } from '../../src/generated/config-schema.js';
import { readConfigFiles } from '../../src/options/load-files.js';
import { expectNoSecrets, messagesOf, SECRET_PEM } from './secrets.js';

const HOST = 'https://sense.example.com';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<QixflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QixflowError);
  expect((error as QixflowError).code).toBe('ERR_OPTIONS_INVALID');
  return error as QixflowError;
}

function jwt(extra: Record<string, string> = {}): QixflowConfig {
  return { host: HOST, auth: { kind: 'jwt', userId: 'alice', userDirectory: 'CORP', ...extra } };
}

describe('readConfigFiles', () => {
  it('replaces every file option by the content of its file, without touching the argument', async () => {
    await writeFile(join(dir, 'key.pem'), SECRET_PEM);
    await writeFile(join(dir, 'ca.pem'), 'CA PEM\n');
    await writeFile(join(dir, 'cert.pem'), 'CERT PEM\n');
    await writeFile(join(dir, 'client-key.pem'), 'CLIENT KEY PEM\n');
    const config: QixflowConfig = {
      ...jwt({ privateKeyFile: join(dir, 'key.pem') }),
      tls: { caFile: join(dir, 'ca.pem'), certFile: 'cert.pem', keyFile: 'client-key.pem', rejectUnauthorized: true },
      csrf: 'strict',
    };
    const before = structuredClone(config);
    const loaded = await readConfigFiles(config, { baseDir: dir });
    expect(loaded).toEqual({
      ...jwt({ privateKey: SECRET_PEM }),
      tls: { ca: 'CA PEM\n', cert: 'CERT PEM\n', key: 'CLIENT KEY PEM\n', rejectUnauthorized: true },
      csrf: 'strict',
    });
    expect(config).toEqual(before);
  });

  it('returns an equal config when there is nothing to read', async () => {
    const config: QixflowConfig = { host: HOST, auth: { kind: 'cookie', cookie: 'a=b' }, tls: { ca: 'x' } };
    expect(await readConfigFiles(config)).toEqual(config);
  });

  it('reads cloud-jwt keys too, relative to the current directory by default', async () => {
    const read: string[] = [];
    const loaded = await readConfigFiles(
      {
        host: HOST,
        auth: {
          kind: 'cloud-jwt',
          kid: 'k',
          issuer: 'i',
          subject: 's',
          name: 'n',
          email: 'e',
          privateKeyFile: 'k.pem',
        },
      },
      {
        readFile: async (path) => {
          read.push(path);
          return 'PEM';
        },
      },
    );
    expect(read).toEqual([join(process.cwd(), 'k.pem')]);
    expect(loaded.auth).toMatchObject({ privateKey: 'PEM' });
    expect(loaded.auth).not.toHaveProperty('privateKeyFile');
  });

  it('names the option and the path of each file it cannot read, in option order', async () => {
    await mkdir(join(dir, 'a-directory'));
    await writeFile(join(dir, 'empty.pem'), ' \n');
    const error = await failure(
      readConfigFiles(
        {
          ...jwt({ privateKeyFile: join(dir, 'missing.pem') }),
          tls: { caFile: 'a-directory', certFile: join(dir, 'empty.pem') },
        },
        { baseDir: dir },
      ),
    );
    expect(error.message).toBe(
      `options.auth.privateKeyFile: cannot read "${join(dir, 'missing.pem')}" (no such file); ` +
        `options.tls.caFile: cannot read "a-directory" (${join(dir, 'a-directory')}) (is a directory); ` +
        `options.tls.certFile: "${join(dir, 'empty.pem')}" is empty`,
    );
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('reports permission problems and uses the given name', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const error = await failure(
      readConfigFiles(jwt({ privateKeyFile: '/secure/key.pem' }), {
        where: 'environment',
        readFile: () => Promise.reject(denied),
      }),
    );
    expect(error.message).toBe('environment.auth.privateKeyFile: cannot read "/secure/key.pem" (permission denied)');
    expect(error.cause).toBe(denied);
  });

  it('refuses a file option next to its inline value', async () => {
    const error = await failure(
      readConfigFiles({ ...jwt({ privateKey: SECRET_PEM, privateKeyFile: 'k.pem' }), tls: { key: 'K', keyFile: 'f' } }),
    );
    expect(error.message).toBe(
      'options.auth.privateKeyFile cannot be combined with options.auth.privateKey; ' +
        'options.tls.keyFile cannot be combined with options.tls.key',
    );
  });

  it('never puts file contents in a message', async () => {
    await writeFile(join(dir, 'key.pem'), SECRET_PEM);
    const errors = await Promise.all([
      failure(
        readConfigFiles({ ...jwt({ privateKeyFile: 'key.pem' }), tls: { caFile: 'nope.pem' } }, { baseDir: dir }),
      ),
      failure(readConfigFiles({ ...jwt({ privateKey: SECRET_PEM, privateKeyFile: 'key.pem' }) }, { baseDir: dir })),
      failure(
        readConfigFiles(jwt({ privateKeyFile: 'key.pem' }), {
          readFile: async () => {
            throw new Error('unexpected failure');
          },
        }),
      ),
    ]);
    expectNoSecrets(errors.flatMap(messagesOf));
    expect(errors[2]?.message).toBe(
      `options.auth.privateKeyFile: cannot read "key.pem" (${join(process.cwd(), 'key.pem')}) (unreadable)`,
    );
  });
});
