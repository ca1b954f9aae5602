import { describe, expect, it } from 'vitest';
import { configIssues, formatConfigPath, validateConfig } from '../../src/options/validate-config.js';
import { expectNoSecrets, messagesOf, SECRET_COOKIE, SECRET_PASSPHRASE, SECRET_PEM, thrown } from './secrets.js';

const HOST = 'https://sense.example.com';
const JWT = { kind: 'jwt', userId: 'alice', userDirectory: 'CORP', privateKey: SECRET_PEM } as const;

function messageOf(value: unknown, where?: string): string {
  const error = thrown(() => validateConfig(value, where));
  expect(error).toBeInstanceOf(TypeError);
  return (error as TypeError).message;
}

describe('validateConfig', () => {
  it('returns a valid config as it is', () => {
    const config = {
      host: HOST,
      prefix: 'jwt',
      auth: { ...JWT, attributes: { groups: ['a', 'b'], dept: 'x' }, claimNames: { userId: 'uid' } },
      tls: { caFile: 'ca.pem', rejectUnauthorized: false },
      csrf: 'auto',
      budget: { maxSessions: 3, windowSeconds: 60, stateFile: '/tmp/b.json' },
      reconnect: false,
      logoutOnClose: true,
    };
    expect(validateConfig(config)).toBe(config);
    for (const auth of [
      { kind: 'cloud-jwt', kid: 'k', issuer: 'i', subject: 's', name: 'n', email: 'e@x' },
      { kind: 'cookie', cookie: SECRET_COOKIE },
      { kind: 'none' },
    ]) {
      expect(configIssues({ host: HOST, auth, reconnect: { maxAttempts: 2 } })).toEqual([]);
    }
  });

  it('names a missing option with a dotted path', () => {
    expect(messageOf({ host: HOST, auth: { kind: 'jwt', userDirectory: 'CORP' } })).toBe(
      'options.auth.userId is required',
    );
    expect(messageOf({})).toBe('options.host is required; options.auth is required');
  });

  it('says which type, value or pattern is expected and what it got', () => {
    expect(messageOf({ host: HOST, auth: JWT, tls: { rejectUnauthorized: 'false' } })).toBe(
      'options.tls.rejectUnauthorized must be boolean (got "false")',
    );
    expect(messageOf({ host: HOST, auth: JWT, csrf: 'lax' })).toBe(
      'options.csrf must be one of auto, strict, legacy (got "lax")',
    );
    expect(messageOf({ host: 'sense.example.com', auth: JWT })).toBe(
      'options.host must be the site URL with scheme and host only, like https://sense.example.com (got "sense.example.com")',
    );
    expect(messageOf({ host: HOST, prefix: '/jwt/', auth: JWT })).toBe(
      'options.prefix must be a virtual proxy prefix: letters, digits, ".", "_", "~" or "-", without slashes (got "/jwt/")',
    );
    expect(messageOf({ host: HOST, auth: JWT, origin: 'https://x.example.com/' })).toBe(
      'options.origin must be an origin (scheme and host), like https://sense.example.com (got "https://x.example.com/")',
    );
    expect(messageOf({ host: HOST, auth: JWT, budget: { maxSessions: 0, windowSeconds: 1.5 } })).toBe(
      'options.budget.maxSessions must be >= 1 (got 0); options.budget.windowSeconds must be integer (got 1.5)',
    );
    expect(messageOf({ host: HOST, auth: { ...JWT, lifetimeSeconds: 100000, userId: '' } })).toBe(
      'options.auth.userId must not be empty; options.auth.lifetimeSeconds must be <= 86400 (got 100000)',
    );
    expect(messageOf({ host: HOST, auth: JWT, timeouts: { requestMs: '5s' } })).toBe(
      'options.timeouts.requestMs must be integer (got "5s")',
    );
  });

  it('lists unknown options with the allowed ones', () => {
    expect(messageOf({ host: HOST, auth: JWT, tls: { verify: false } })).toBe(
      'options.tls.verify is not allowed (allowed: ca, caFile, rejectUnauthorized, cert, certFile, key, keyFile, passphrase)',
    );
    expect(messageOf({ host: HOST, auth: { kind: 'none', userId: 'x' } })).toBe(
      'options.auth.userId is not allowed for auth kind none (allowed: kind)',
    );
  });

  it('reports the problems of the auth kind selected by auth.kind only', () => {
    expect(messageOf({ host: HOST, auth: { kind: 'cloud-jwt', kid: 'k', issuer: 'i', subject: 's' } })).toBe(
      'options.auth.name is required; options.auth.email is required',
    );
    expect(messageOf({ host: HOST, auth: { kind: 'cookie', cookie: 'ab' } })).toBe(
      'options.auth.cookie must be at least 3 characters long',
    );
    expect(messageOf({ host: HOST, auth: { ...JWT, algorithm: 'HS256' } })).toBe(
      'options.auth.algorithm must be one of RS256, RS384, RS512 (got "HS256")',
    );
  });

  it('reports an unknown, missing or mistyped auth kind by itself', () => {
    expect(messageOf({ host: HOST, auth: { kind: 'saml', userId: 'x' } })).toBe(
      'options.auth.kind must be one of jwt, cloud-jwt, cookie, none (got "saml")',
    );
    expect(messageOf({ host: HOST, auth: { userId: 'x' } })).toBe(
      'options.auth.kind is required: one of jwt, cloud-jwt, cookie, none',
    );
    expect(messageOf({ host: HOST, auth: 'jwt' })).toBe('options.auth must be object (got "jwt")');
  });

  it('explains a failed union by the branch that fits the value, or by the alternatives', () => {
    expect(messageOf({ host: HOST, auth: JWT, reconnect: true })).toBe(
      'options.reconnect must be false or object (got true)',
    );
    expect(messageOf({ host: HOST, auth: JWT, reconnect: { maxAttempts: 0 } })).toBe(
      'options.reconnect.maxAttempts must be >= 1 (got 0)',
    );
    expect(messageOf({ host: HOST, auth: { ...JWT, attributes: { groups: ['a', 3], 'my dept': 5 } } })).toBe(
      'options.auth.attributes.groups[1] must be string (got 3); ' +
        'options.auth.attributes["my dept"] must be string or array of string (got 5)',
    );
  });

  it('refuses an inline value and a file for the same option', () => {
    expect(
      messageOf({ host: HOST, auth: { ...JWT, privateKeyFile: 'key.pem' }, tls: { ca: 'x', caFile: 'ca.pem' } }),
    ).toBe(
      'options.auth.privateKeyFile cannot be combined with options.auth.privateKey; ' +
        'options.tls.caFile cannot be combined with options.tls.ca',
    );
  });

  it('rejects a non-object and uses the given name in messages', () => {
    expect(messageOf('https://x')).toBe('options must be object (got "https://x")');
    expect(messageOf(null)).toBe('options must be object (got null)');
    expect(messageOf([], 'qixflow.json')).toBe('qixflow.json must be object (got array)');
    expect(messageOf({ host: HOST, auth: JWT, csrf: 1 }, 'qixflow.json')).toBe(
      'qixflow.json.csrf must be string (got 1)',
    );
  });

  it('orders problems by option, whatever the order of the keys', () => {
    expect(messageOf({ logoutOnClose: 'yes', csrf: 'x', auth: { kind: 'none' }, host: 'x' })).toBe(
      'options.host must be the site URL with scheme and host only, like https://sense.example.com (got "x"); ' +
        'options.csrf must be one of auto, strict, legacy (got "x"); options.logoutOnClose must be boolean (got "yes")',
    );
  });

  it('never quotes a secret value', () => {
    const messages = [
      { host: HOST, auth: { kind: 'cookie', cookie: [SECRET_COOKIE] } },
      { host: HOST, auth: { kind: 'cookie', cookie: SECRET_COOKIE, privateKey: SECRET_PEM, passphrase: 1 } },
      { host: HOST, auth: { kind: 'none', passphrase: SECRET_PASSPHRASE, cookie: SECRET_COOKIE } },
      { host: HOST, auth: { ...JWT, privateKey: { pem: SECRET_PEM }, passphrase: { p: SECRET_PASSPHRASE } } },
      { host: HOST, auth: JWT, tls: { key: 7, cert: [SECRET_PEM], ca: {}, passphrase: 5 } },
      { host: `https://admin:${SECRET_PASSPHRASE}@sense.example.com/hub`, auth: JWT },
    ].flatMap((value) => messagesOf(thrown(() => validateConfig(value))));
    expectNoSecrets(messages);
    expect(messages[0]).toBe('options.auth.cookie must be string (got array)');
    const text = messages.join('\n');
    expect(text).toContain(
      'options.host must be the site URL with scheme and host only, like https://sense.example.com (got "https://***@sense.example.com/hub")',
    );
    expect(text).toContain('options.auth.privateKey must be string (got object)');
    expect(text).toContain('options.tls.cert must be string (got array); options.tls.key must be string (got number)');
  });

  it('does not modify its argument', () => {
    const value = { host: HOST, auth: { kind: 'jwt' } };
    const copy = structuredClone(value);
    thrown(() => validateConfig(value));
    expect(value).toEqual(copy);
  });
});

describe('formatConfigPath', () => {
  it('writes identifiers with dots, indexes and other keys in brackets', () => {
    expect(formatConfigPath(['auth', 'groups', 1], 'options')).toBe('options.auth.groups[1]');
    expect(formatConfigPath(['auth', 'attributes', 'a-b'], 'options')).toBe('options.auth.attributes["a-b"]');
    expect(formatConfigPath(['auth', 'userId'])).toBe('auth.userId');
    expect(formatConfigPath([], 'options')).toBe('options');
  });
});
