import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QixflowError } from '../../src/errors.js';
import { configEnvVariables, configFromEnv } from '../../src/options/config-from-env.js';
import { expectNoSecrets, messagesOf, SECRET_COOKIE, SECRET_PASSPHRASE, SECRET_PEM, thrown } from './secrets.js';

const HOST = 'https://sense.example.com';
const JWT_ENV = {
  QIXFLOW_HOST: HOST,
  QIXFLOW_PRIVATE_KEY: SECRET_PEM,
  QIXFLOW_USER_ID: 'alice',
  QIXFLOW_USER_DIRECTORY: 'CORP',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-env-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function failure(env: Record<string, string | undefined>): QixflowError {
  const error = thrown(() => configFromEnv(env));
  expect(error).toBeInstanceOf(QixflowError);
  expect((error as QixflowError).code).toBe('ERR_OPTIONS_INVALID');
  return error as QixflowError;
}

async function configFile(content: unknown, name = 'qixflow.json'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('configFromEnv', () => {
  it('returns undefined when neither QIXFLOW_CONFIG nor QIXFLOW_HOST is set (empty counts as unset)', () => {
    expect(configFromEnv({})).toBeUndefined();
    expect(configFromEnv({ QIXFLOW_HOST: '', QIXFLOW_USER_ID: 'alice' })).toBeUndefined();
  });

  it('maps every variable to its option', () => {
    expect(
      configFromEnv({
        QIXFLOW_HOST: HOST,
        QIXFLOW_PREFIX: 'jwt',
        QIXFLOW_AUTH: 'jwt',
        QIXFLOW_PRIVATE_KEY_FILE: 'key.pem',
        QIXFLOW_PASSPHRASE: SECRET_PASSPHRASE,
        QIXFLOW_ALGORITHM: 'RS512',
        QIXFLOW_USER_ID: 'alice',
        QIXFLOW_USER_DIRECTORY: 'CORP',
        QIXFLOW_KID: 'key-1',
        QIXFLOW_CA_FILE: 'ca.pem',
        QIXFLOW_REJECT_UNAUTHORIZED: 'FALSE',
        QIXFLOW_ORIGIN: 'https://app.example.com',
        QIXFLOW_CSRF: 'legacy',
        QIXFLOW_BUDGET_STATE_FILE: '/var/tmp/budget.json',
        QIXFLOW_BUDGET_MAX_SESSIONS: '3',
        QIXFLOW_LOGOUT_ON_CLOSE: 'yes',
        UNRELATED: 'x',
      }),
    ).toEqual({
      host: HOST,
      prefix: 'jwt',
      auth: {
        kind: 'jwt',
        privateKeyFile: 'key.pem',
        passphrase: SECRET_PASSPHRASE,
        algorithm: 'RS512',
        userId: 'alice',
        userDirectory: 'CORP',
        kid: 'key-1',
      },
      tls: { caFile: 'ca.pem', rejectUnauthorized: false },
      origin: 'https://app.example.com',
      csrf: 'legacy',
      budget: { stateFile: '/var/tmp/budget.json', maxSessions: 3 },
      logoutOnClose: true,
    });
    expect(
      configFromEnv({
        QIXFLOW_HOST: HOST,
        QIXFLOW_AUTH: 'cloud-jwt',
        QIXFLOW_PRIVATE_KEY: SECRET_PEM,
        QIXFLOW_KID: 'k',
        QIXFLOW_ISSUER: 'iss',
        QIXFLOW_SUBJECT: 'sub',
        QIXFLOW_NAME: 'Alice',
        QIXFLOW_EMAIL: 'alice@example.com',
        QIXFLOW_CA: 'CA PEM',
      }),
    ).toEqual({
      host: HOST,
      auth: {
        kind: 'cloud-jwt',
        privateKey: SECRET_PEM,
        kid: 'k',
        issuer: 'iss',
        subject: 'sub',
        name: 'Alice',
        email: 'alice@example.com',
      },
      tls: { ca: 'CA PEM' },
    });
    expect(configFromEnv({ QIXFLOW_HOST: HOST, QIXFLOW_AUTH: 'none' })).toEqual({ host: HOST, auth: { kind: 'none' } });
  });

  it('lists every variable it reads, each with its meaning', () => {
    expect(configEnvVariables.map((v) => v.name)).toEqual([
      'QIXFLOW_CONFIG',
      'QIXFLOW_HOST',
      'QIXFLOW_PREFIX',
      'QIXFLOW_AUTH',
      'QIXFLOW_PRIVATE_KEY',
      'QIXFLOW_PRIVATE_KEY_FILE',
      'QIXFLOW_PASSPHRASE',
      'QIXFLOW_ALGORITHM',
      'QIXFLOW_USER_ID',
      'QIXFLOW_USER_DIRECTORY',
      'QIXFLOW_KID',
      'QIXFLOW_ISSUER',
      'QIXFLOW_SUBJECT',
      'QIXFLOW_NAME',
      'QIXFLOW_EMAIL',
      'QIXFLOW_COOKIE',
      'QIXFLOW_CA_FILE',
      'QIXFLOW_CA',
      'QIXFLOW_REJECT_UNAUTHORIZED',
      'QIXFLOW_ORIGIN',
      'QIXFLOW_CSRF',
      'QIXFLOW_BUDGET_STATE_FILE',
      'QIXFLOW_BUDGET_MAX_SESSIONS',
      'QIXFLOW_LOGOUT_ON_CLOSE',
    ]);
    for (const v of configEnvVariables) expect(v.meaning).toMatch(/\.$/);
  });

  it('infers jwt from a private key and cookie from a cookie', () => {
    expect(configFromEnv(JWT_ENV)?.auth).toEqual({
      kind: 'jwt',
      privateKey: SECRET_PEM,
      userId: 'alice',
      userDirectory: 'CORP',
    });
    expect(configFromEnv({ QIXFLOW_HOST: HOST, QIXFLOW_COOKIE: SECRET_COOKIE })?.auth).toEqual({
      kind: 'cookie',
      cookie: SECRET_COOKIE,
    });
  });

  it('turns literal \\n escapes of a one-line PEM into newlines', () => {
    const oneLine = SECRET_PEM.replace(/\n/g, '\\n');
    const config = configFromEnv({ ...JWT_ENV, QIXFLOW_PRIVATE_KEY: oneLine, QIXFLOW_CA: 'A\\nB' });
    expect(config?.auth).toMatchObject({ privateKey: SECRET_PEM });
    expect(config?.tls?.ca).toBe('A\nB');
  });

  it('verifies certificates unless QIXFLOW_REJECT_UNAUTHORIZED is exactly false or 0', () => {
    const verify = (value: string): boolean | undefined =>
      configFromEnv({ ...JWT_ENV, QIXFLOW_REJECT_UNAUTHORIZED: value })?.tls?.rejectUnauthorized;
    expect(verify('false')).toBe(false);
    expect(verify(' False ')).toBe(false);
    expect(verify('0')).toBe(false);
    expect(verify('no')).toBe(true);
    expect(verify('fasle')).toBe(true);
    expect(verify('true')).toBe(true);
  });

  it('names the variable to set when something is missing', () => {
    expect(failure({ QIXFLOW_HOST: HOST, QIXFLOW_AUTH: 'jwt', QIXFLOW_USER_DIRECTORY: 'CORP' }).message).toBe(
      'QIXFLOW_USER_ID is required for QIXFLOW_AUTH=jwt',
    );
    expect(failure({ QIXFLOW_HOST: HOST, QIXFLOW_PRIVATE_KEY: SECRET_PEM }).message).toBe(
      'QIXFLOW_USER_ID is required for QIXFLOW_AUTH=jwt; QIXFLOW_USER_DIRECTORY is required for QIXFLOW_AUTH=jwt',
    );
    expect(failure({ QIXFLOW_HOST: HOST }).message).toBe(
      'QIXFLOW_AUTH is required: one of jwt, cloud-jwt, cookie, none',
    );
    expect(failure({ QIXFLOW_HOST: HOST, QIXFLOW_AUTH: 'cloud-jwt', QIXFLOW_KID: 'k' }).message).toBe(
      'QIXFLOW_ISSUER is required for QIXFLOW_AUTH=cloud-jwt; QIXFLOW_SUBJECT is required for QIXFLOW_AUTH=cloud-jwt; ' +
        'QIXFLOW_NAME is required for QIXFLOW_AUTH=cloud-jwt; QIXFLOW_EMAIL is required for QIXFLOW_AUTH=cloud-jwt',
    );
    expect(failure({ QIXFLOW_HOST: HOST, QIXFLOW_AUTH: 'cookie' }).message).toBe(
      'QIXFLOW_COOKIE is required for QIXFLOW_AUTH=cookie',
    );
  });

  it('names the variable whose value is wrong', () => {
    expect(
      failure({
        ...JWT_ENV,
        QIXFLOW_HOST: 'sense.example.com',
        QIXFLOW_PREFIX: '/jwt',
        QIXFLOW_ALGORITHM: 'HS256',
        QIXFLOW_ORIGIN: 'app.example.com',
        QIXFLOW_CSRF: 'lax',
        QIXFLOW_BUDGET_MAX_SESSIONS: '0',
      }).message,
    ).toBe(
      'QIXFLOW_HOST must be the site URL with scheme and host only, like https://sense.example.com (got "sense.example.com"); ' +
        'QIXFLOW_PREFIX must be a virtual proxy prefix: letters, digits, ".", "_", "~" or "-", without slashes (got "/jwt"); ' +
        'QIXFLOW_ALGORITHM must be one of RS256, RS384, RS512 (got "HS256"); ' +
        'QIXFLOW_ORIGIN must be an origin (scheme and host), like https://sense.example.com (got "app.example.com"); ' +
        'QIXFLOW_CSRF must be one of auto, strict, legacy (got "lax"); QIXFLOW_BUDGET_MAX_SESSIONS must be >= 1 (got 0)',
    );
    expect(failure({ ...JWT_ENV, QIXFLOW_LOGOUT_ON_CLOSE: 'maybe', QIXFLOW_BUDGET_MAX_SESSIONS: 'five' }).message).toBe(
      'QIXFLOW_BUDGET_MAX_SESSIONS must be a whole number (got "five"); QIXFLOW_LOGOUT_ON_CLOSE must be true or false (got "maybe")',
    );
    expect(failure({ QIXFLOW_HOST: HOST, QIXFLOW_AUTH: 'saml' }).message).toBe(
      'QIXFLOW_AUTH must be one of jwt, cloud-jwt, cookie, none (got "saml")',
    );
    expect(failure({ QIXFLOW_HOST: HOST, QIXFLOW_COOKIE: 'ab' }).message).toBe(
      'QIXFLOW_COOKIE must be at least 3 characters long',
    );
  });

  it('names variables that do not belong to the auth kind, and variables that exclude each other', () => {
    expect(failure({ ...JWT_ENV, QIXFLOW_COOKIE: SECRET_COOKIE, QIXFLOW_ISSUER: 'iss' }).message).toBe(
      'QIXFLOW_ISSUER does not apply to QIXFLOW_AUTH=jwt; QIXFLOW_COOKIE does not apply to QIXFLOW_AUTH=jwt',
    );
    expect(failure({ ...JWT_ENV, QIXFLOW_AUTH: 'none' }).message).toBe(
      'QIXFLOW_PRIVATE_KEY does not apply to QIXFLOW_AUTH=none; QIXFLOW_USER_ID does not apply to QIXFLOW_AUTH=none; ' +
        'QIXFLOW_USER_DIRECTORY does not apply to QIXFLOW_AUTH=none',
    );
    expect(
      failure({ ...JWT_ENV, QIXFLOW_PRIVATE_KEY_FILE: 'key.pem', QIXFLOW_CA: 'x', QIXFLOW_CA_FILE: 'ca.pem' }).message,
    ).toBe(
      'QIXFLOW_PRIVATE_KEY_FILE cannot be combined with QIXFLOW_PRIVATE_KEY; QIXFLOW_CA_FILE cannot be combined with QIXFLOW_CA',
    );
  });

  describe('with QIXFLOW_CONFIG', () => {
    it('reads the file, resolves its paths against its directory and lets variables override it', async () => {
      await mkdir(join(dir, 'conf'));
      const path = await configFile(
        {
          host: 'https://old.example.com',
          prefix: 'jwt',
          auth: { kind: 'jwt', userId: 'bob', userDirectory: 'CORP', privateKeyFile: 'keys/key.pem' },
          tls: { caFile: '/etc/ca.pem', certFile: 'cert.pem' },
          budget: { stateFile: 'state/budget.json', windowSeconds: 60 },
          timeouts: { requestMs: 1000 },
        },
        'conf/qixflow.json',
      );
      expect(configFromEnv({ QIXFLOW_CONFIG: path, QIXFLOW_HOST: HOST, QIXFLOW_USER_ID: 'alice' })).toEqual({
        host: HOST,
        prefix: 'jwt',
        auth: { kind: 'jwt', userId: 'alice', userDirectory: 'CORP', privateKeyFile: join(dir, 'conf/keys/key.pem') },
        tls: { caFile: '/etc/ca.pem', certFile: join(dir, 'conf/cert.pem') },
        budget: { stateFile: join(dir, 'conf/state/budget.json'), windowSeconds: 60 },
        timeouts: { requestMs: 1000 },
      });
    });

    it('replaces a file path of the file by an inline value of the environment, and the reverse', async () => {
      const path = await configFile({
        host: HOST,
        auth: { kind: 'jwt', userId: 'bob', userDirectory: 'CORP', privateKeyFile: '/k.pem' },
        tls: { ca: 'CA PEM' },
      });
      const config = configFromEnv({
        QIXFLOW_CONFIG: path,
        QIXFLOW_PRIVATE_KEY: SECRET_PEM,
        QIXFLOW_CA_FILE: 'ca.pem',
      });
      expect(config?.auth).toEqual({ kind: 'jwt', userId: 'bob', userDirectory: 'CORP', privateKey: SECRET_PEM });
      expect(config?.tls).toEqual({ caFile: 'ca.pem' });
    });

    it('drops the auth of the file when QIXFLOW_AUTH selects another kind', async () => {
      const path = await configFile({ host: HOST, auth: { kind: 'jwt', userId: 'bob', userDirectory: 'CORP' } });
      expect(configFromEnv({ QIXFLOW_CONFIG: path, QIXFLOW_AUTH: 'cookie', QIXFLOW_COOKIE: SECRET_COOKIE })).toEqual({
        host: HOST,
        auth: { kind: 'cookie', cookie: SECRET_COOKIE },
      });
      expect(configFromEnv({ QIXFLOW_CONFIG: path, QIXFLOW_AUTH: 'jwt', QIXFLOW_USER_ID: 'al' })?.auth).toEqual({
        kind: 'jwt',
        userId: 'al',
        userDirectory: 'CORP',
      });
    });

    it('names the file and the option for problems in the file, and both ways to fix a missing option', async () => {
      const path = await configFile({
        host: HOST,
        csrf: 'lax',
        auth: { kind: 'jwt', userId: 'bob', privateKey: 5 },
        extra: true,
      });
      expect(failure({ QIXFLOW_CONFIG: path }).message).toBe(
        `QIXFLOW_USER_DIRECTORY (or auth.userDirectory in ${path}) is required for auth kind jwt; ` +
          `${path}: auth.privateKey must be string (got number); ` +
          `${path}: csrf must be one of auto, strict, legacy (got "lax"); ` +
          `${path}: extra is not allowed (allowed: $schema, host, prefix, auth, tls, origin, csrf, budget, timeouts, limits, reconnect, logoutOnClose, engineSchemaVersion)`,
      );
      const noHost = await configFile({ auth: { kind: 'none' } }, 'no-host.json');
      expect(failure({ QIXFLOW_CONFIG: noHost }).message).toBe(`QIXFLOW_HOST (or host in ${noHost}) is required`);
    });

    it('reports a missing, unreadable, invalid or non-object file without quoting it', async () => {
      const missing = join(dir, 'missing.json');
      expect(failure({ QIXFLOW_CONFIG: missing }).message).toBe(
        `QIXFLOW_CONFIG: cannot read "${missing}" (no such file)`,
      );
      expect(failure({ QIXFLOW_CONFIG: dir }).message).toBe(`QIXFLOW_CONFIG: cannot read "${dir}" (is a directory)`);
      const broken = await configFile(`{\n  "host": "${HOST}",\n  "auth": { "privateKey": "${SECRET_PEM}" }\n}`);
      const error = failure({ QIXFLOW_CONFIG: broken });
      expect(error.message).toBe(`QIXFLOW_CONFIG: "${broken}" is not valid JSON (line 3, column 55)`);
      expectNoSecrets(messagesOf(error));
      const array = await configFile('[]', 'array.json');
      expect(failure({ QIXFLOW_CONFIG: array }).message).toBe(`QIXFLOW_CONFIG: "${array}" must contain a JSON object`);
    });

    it('shows a relative QIXFLOW_CONFIG path with the absolute path it resolved to', () => {
      const error = failure({ QIXFLOW_CONFIG: 'no-such-dir/qixflow.json' });
      expect(error.message).toBe(
        `QIXFLOW_CONFIG: cannot read "no-such-dir/qixflow.json" (${join(process.cwd(), 'no-such-dir/qixflow.json')}) (no such file)`,
      );
    });
  });

  it('never quotes a secret value in any message', async () => {
    const secrets = { QIXFLOW_PRIVATE_KEY: SECRET_PEM, QIXFLOW_PASSPHRASE: SECRET_PASSPHRASE };
    const badFile = await configFile({ host: HOST, auth: { kind: 'cookie', cookie: [SECRET_COOKIE] } });
    const envs: Record<string, string>[] = [
      { QIXFLOW_HOST: HOST, QIXFLOW_AUTH: 'none', ...secrets, QIXFLOW_COOKIE: SECRET_COOKIE },
      { QIXFLOW_HOST: HOST, QIXFLOW_AUTH: 'cookie', ...secrets },
      { QIXFLOW_HOST: HOST, ...secrets, QIXFLOW_PRIVATE_KEY_FILE: 'k.pem', QIXFLOW_COOKIE: SECRET_COOKIE },
      { QIXFLOW_HOST: `https://alice:${SECRET_PASSPHRASE}@sense.example.com/x`, ...secrets },
      { QIXFLOW_CONFIG: badFile, ...secrets },
    ];
    const messages = envs.flatMap((env) => messagesOf(failure(env)));
    expectNoSecrets(messages);
    expect(messages.join('\n')).toContain('QIXFLOW_HOST must be the site URL');
  });
});
