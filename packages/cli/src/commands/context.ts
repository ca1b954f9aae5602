import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { configFromEnv, isQixflowError, type QixflowConfig } from '@qixflow/core';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { CONNECTION_FLAGS, type ConnectionFlags } from '../connection/connection-options.js';
import { flagNames } from '../connection/resolve-site-options.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import type { Context } from '../generated/contexts-schema.js';
import { contextsFilePath, readContextsFile, selectContext, writeContextsFile } from '../internal/contexts-file.js';
import { formatTable } from '../output/format-table.js';

/** Flags of `qixflow context add`. */
export interface ContextAddFlags extends ConnectionFlags {
  description?: string;
  use?: boolean;
  force?: boolean;
}

/** Flags of `qixflow context ls` and `show`. */
export interface ContextListFlags {
  json?: boolean;
}

// Secrets never go into the contexts file: it is read by every command, shown by `context show`
// and easily shared. Keys are referenced by path instead.
const INLINE_SECRETS: readonly [string, string][] = [
  ['privateKey', 'put the key in a file and pass --key-file'],
  ['passphrase', 'set QIXFLOW_PASSPHRASE when running commands instead'],
  ['cookie', 'a session cookie is not a site: use --auth jwt or cloud-jwt'],
];

/**
 * `qixflow context add <name>`: stores a named site from the connection flags (or an existing
 * `--config` file), with key and CA files as absolute paths and no secret.
 *
 * @example
 * ```ts
 * await contextAddCommand('prod', { host: 'https://sense.example.com', prefix: 'jwt', keyFile: 'key.pem', … }, context);
 * ```
 */
export async function contextAddCommand(name: string, flags: ContextAddFlags, context: CliContext): Promise<ExitCode> {
  const path = contextsFilePath({ env: context.env });
  const contexts = await readContextsFile(path);
  if (contexts.contexts[name] !== undefined && flags.force !== true) {
    throw new CliError('ERR_USAGE', `a context named "${name}" exists already`, {
      fix: `pass --force to replace it, or 'qixflow context rm ${name}' first`,
    });
  }
  const site = await siteFromFlags(flags);
  const entry: Context = { site };
  if (flags.description !== undefined) entry.description = flags.description;
  if (flags.persistSession === false) entry.persistSession = false;
  contexts.contexts[name] = entry;
  if (flags.use === true || contexts.current === undefined) contexts.current = name;
  await writeContextsFile(path, contexts);
  context.terminal.out(`context "${name}" saved${contexts.current === name ? ' (current)' : ''}`);
  context.terminal.err(`in ${path}`);
  return EXIT_CODES.ok;
}

/**
 * `qixflow context use <name>`: makes a context the current one (used when a command names none).
 *
 * @example
 * ```ts
 * await contextUseCommand('prod', context);
 * ```
 */
export async function contextUseCommand(name: string, context: CliContext): Promise<ExitCode> {
  const path = contextsFilePath({ env: context.env });
  const contexts = await readContextsFile(path);
  selectContext(contexts, name, path);
  contexts.current = name;
  await writeContextsFile(path, contexts);
  context.terminal.out(`current context: ${name}`);
  return EXIT_CODES.ok;
}

/**
 * `qixflow context ls`: every context, the current one marked with `*`.
 *
 * @example
 * ```ts
 * await contextListCommand({ json: false }, context);
 * ```
 */
export async function contextListCommand(flags: ContextListFlags, context: CliContext): Promise<ExitCode> {
  const path = contextsFilePath({ env: context.env });
  const contexts = await readContextsFile(path);
  const entries = Object.entries(contexts.contexts).flatMap(([name, c]) => (c === undefined ? [] : [{ name, ...c }]));
  if (flags.json === true) {
    context.terminal.out(
      JSON.stringify(
        entries.map((c) => ({ name: c.name, current: c.name === contexts.current, ...summary(c) })),
        null,
        2,
      ),
    );
    return EXIT_CODES.ok;
  }
  if (entries.length === 0) {
    context.terminal.out(`no contexts (add one with 'qixflow context add <name> --host … --key-file …')`);
    return EXIT_CODES.ok;
  }
  const rows = entries.map((c) => {
    const s = summary(c);
    return [
      c.name === contexts.current ? '*' : '',
      c.name,
      s.host,
      s.prefix || '-',
      s.user ?? '-',
      c.description ?? '',
    ];
  });
  for (const line of formatTable(['CURRENT', 'NAME', 'HOST', 'PREFIX', 'USER', 'DESCRIPTION'], rows)) {
    context.terminal.out(line);
  }
  return EXIT_CODES.ok;
}

/**
 * `qixflow context show [name]`: one context as JSON (the current one by default). Holds no
 * secret by construction.
 *
 * @example
 * ```ts
 * await contextShowCommand('prod', context);
 * ```
 */
export async function contextShowCommand(name: string | undefined, context: CliContext): Promise<ExitCode> {
  const path = contextsFilePath({ env: context.env });
  const contexts = await readContextsFile(path);
  const selected = selectContext(contexts, name, path);
  if (selected === undefined) {
    throw new CliError('ERR_USAGE', 'no current context', {
      fix: `name one ('qixflow context show <name>'), or pick one with 'qixflow context use <name>'`,
    });
  }
  const { name: shown, ...rest } = selected;
  context.terminal.out(JSON.stringify({ name: shown, current: shown === contexts.current, ...rest }, null, 2));
  return EXIT_CODES.ok;
}

/**
 * `qixflow context rm <name>`: removes a context (and makes none current if it was).
 *
 * @example
 * ```ts
 * await contextRemoveCommand('old', context);
 * ```
 */
export async function contextRemoveCommand(name: string, context: CliContext): Promise<ExitCode> {
  const path = contextsFilePath({ env: context.env });
  const contexts = await readContextsFile(path);
  selectContext(contexts, name, path);
  delete contexts.contexts[name];
  if (contexts.current === name) delete contexts.current;
  await writeContextsFile(path, contexts);
  context.terminal.out(`context "${name}" removed`);
  return EXIT_CODES.ok;
}

/** The site of a new context: the flags (over an optional --config file), validated, paths made absolute. */
async function siteFromFlags(flags: ContextAddFlags): Promise<QixflowConfig> {
  const env: Record<string, string | undefined> = {};
  for (const { key, variable } of CONNECTION_FLAGS) {
    const value = flags[key];
    if (value === undefined || variable === undefined) continue;
    env[variable] = key === 'insecure' ? 'false' : String(value);
  }
  let config: QixflowConfig | undefined;
  try {
    config = configFromEnv(env);
  } catch (error) {
    if (isQixflowError(error, 'ERR_OPTIONS_INVALID')) {
      throw new CliError('ERR_CONFIG', flagNames(error.message, new Set(Object.keys(env))), {
        fix: `run 'qixflow context add --help' for the flags`,
        cause: error,
      });
    }
    throw error;
  }
  if (config === undefined) {
    throw new CliError('ERR_USAGE', 'a context needs a site', {
      fix: 'pass --host with --key-file, --user-id and --user-directory (or --config <file>)',
    });
  }
  const auth = config.auth as unknown as Record<string, unknown>;
  for (const [key, fix] of INLINE_SECRETS) {
    if (auth[key] !== undefined) {
      throw new CliError('ERR_CONFIG', `a context holds no secret, but auth.${key} is set`, { fix });
    }
  }
  const tls = config.tls as Record<string, unknown> | undefined;
  if (tls?.key !== undefined) {
    throw new CliError('ERR_CONFIG', 'a context holds no secret, but tls.key is set', {
      fix: 'reference the client key by path (tls.keyFile)',
    });
  }
  // Stored paths must work from any folder the next command runs in.
  const files: [Record<string, unknown> | undefined, string, string][] = [
    [auth, 'privateKeyFile', '--key-file'],
    [tls, 'caFile', '--ca-file'],
    [tls, 'certFile', 'tls.certFile'],
    [tls, 'keyFile', 'tls.keyFile'],
  ];
  for (const [section, key, flag] of files) {
    const value = section?.[key];
    if (section === undefined || typeof value !== 'string') continue;
    const absolute = resolve(value);
    try {
      await access(absolute);
    } catch {
      throw new CliError('ERR_CONFIG', `${flag}: cannot read "${value}"`, { fix: 'check the path' });
    }
    section[key] = absolute;
  }
  return config;
}

function summary(context: Context): { host: string; prefix: string; user: string | undefined } {
  const site = context.site;
  const auth = site.auth as unknown as Record<string, unknown>;
  const user =
    typeof auth.userDirectory === 'string' && typeof auth.userId === 'string'
      ? `${auth.userDirectory}\\${auth.userId}`
      : typeof auth.subject === 'string'
        ? auth.subject
        : undefined;
  return { host: site.host, prefix: site.prefix ?? '', user };
}
