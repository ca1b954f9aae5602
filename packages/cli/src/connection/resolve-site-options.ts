import {
  configFromEnv,
  isQixflowError,
  type Logger,
  type QixflowConfig,
  readConfigFiles,
  type SiteOptions,
  validateConfig,
} from '@qixflow/core';
import { CliError } from '../cli-error.js';
import { contextsFilePath, readContextsFile, selectContext } from '../internal/contexts-file.js';
import type { Terminal } from '../output/terminal.js';
import { CONNECTION_FLAGS, type ConnectionFlags } from './connection-options.js';

/** Options of {@link resolveSiteOptions}. */
export interface ResolveSiteOptions {
  /** The environment (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** The command, for the hint in messages (`login`). */
  command: string;
  /** Where secrets read from files are registered so that they are never printed. */
  terminal: Terminal;
  /** Receives what core does (`--debug`). */
  logger?: Logger;
}

/**
 * Builds `createSite()` options from the command's flags, the `QIXFLOW_*` variables and the config
 * file (`--config` or `QIXFLOW_CONFIG`): flags override variables, which override the file. The
 * result is validated against `schemas/qixflow.config.schema.json` and its key and CA files are
 * read.
 *
 * @throws CliError `ERR_USAGE` when no site is given, `ERR_CONFIG` when the config is invalid or a
 * file cannot be read (exit code 2) — naming the flag, variable or file option to fix, never a
 * secret.
 *
 * @example
 * ```ts
 * const options = await resolveSiteOptions(flags, { command: 'login', terminal });
 * const site = createSite(options);
 * ```
 */
export async function resolveSiteOptions(flags: ConnectionFlags, options: ResolveSiteOptions): Promise<SiteOptions> {
  const env = { ...(options.env ?? process.env) };
  const setByFlag = new Set<string>();
  for (const { key, variable } of CONNECTION_FLAGS) {
    const value = flags[key];
    if (value === undefined || variable === undefined) continue;
    setByFlag.add(variable);
    // --insecure turns verification off; --logout turns logout on.
    env[variable] = key === 'insecure' ? 'false' : String(value);
  }
  // A flag naming a file replaces the inline variant from the environment instead of conflicting with it.
  if (flags.keyFile !== undefined) env.QIXFLOW_PRIVATE_KEY = '';
  if (flags.caFile !== undefined) env.QIXFLOW_CA = '';

  const help = `run 'qixflow ${options.command} --help' for the connection flags and variables`;
  const rewrite = (message: string): string => flagNames(message, setByFlag);

  const base = await contextBase(env);
  let config: QixflowConfig | undefined;
  try {
    config = configFromEnv(env, base === undefined ? {} : { base });
  } catch (error) {
    if (isQixflowError(error, 'ERR_OPTIONS_INVALID')) {
      throw new CliError('ERR_CONFIG', rewrite(error.message), { fix: help, cause: error });
    }
    throw error;
  }
  if (config === undefined) {
    throw new CliError('ERR_USAGE', 'no site to connect to', {
      fix: `pass --host with --key-file, --user-id and --user-directory (or set QIXFLOW_HOST …, give --config <file>, or save a site with 'qixflow context add' and pass --context <name>); ${help}`,
    });
  }
  try {
    validateConfig(config, 'config');
  } catch (error) {
    throw new CliError('ERR_CONFIG', rewrite((error as Error).message), { fix: help, cause: error });
  }
  let loaded: QixflowConfig;
  try {
    loaded = await readConfigFiles(config, { where: 'config' });
  } catch (error) {
    if (isQixflowError(error, 'ERR_OPTIONS_INVALID')) {
      throw new CliError('ERR_CONFIG', rewrite(error.message), { fix: help, cause: error });
    }
    throw error;
  }
  const auth = loaded.auth;
  if ((auth.kind === 'jwt' || auth.kind === 'cloud-jwt') && typeof auth.privateKey === 'string') {
    options.terminal.addSecret(auth.privateKey);
  }
  if ((auth.kind === 'jwt' || auth.kind === 'cloud-jwt') && auth.passphrase !== undefined) {
    options.terminal.addSecret(auth.passphrase);
  }
  if (auth.kind === 'cookie') options.terminal.addSecret(auth.cookie);

  const { $schema: _schema, ...rest } = loaded;
  const site: SiteOptions = { ...rest };
  if (flags.timeout !== undefined) {
    site.timeouts = { ...site.timeouts, requestMs: flags.timeout, connectMs: flags.timeout };
  }
  if (options.logger !== undefined) site.logger = options.logger;
  return site;
}

/**
 * The context a command connects with, as the base the variables and flags override: the one named
 * by `--context`/`QIXFLOW_CONTEXT`, else the current one — unless the command names a site itself
 * (`--host`/`QIXFLOW_HOST`, or a config file), which then stands alone.
 */
async function contextBase(
  env: Record<string, string | undefined>,
): Promise<{ config: Record<string, unknown>; name: string } | undefined> {
  const named = nonEmpty(env.QIXFLOW_CONTEXT);
  const configFile = nonEmpty(env.QIXFLOW_CONFIG);
  if (configFile !== undefined) {
    if (named === undefined) return undefined;
    throw new CliError('ERR_USAGE', '--context (QIXFLOW_CONTEXT) cannot be combined with --config (QIXFLOW_CONFIG)', {
      fix: 'give one of them',
    });
  }
  if (named === undefined && nonEmpty(env.QIXFLOW_HOST) !== undefined) return undefined;
  const path = contextsFilePath({ env });
  const selected = selectContext(await readContextsFile(path), named, path);
  if (selected === undefined) return undefined;
  return { config: selected.site as unknown as Record<string, unknown>, name: `context "${selected.name}"` };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

const FLAG_BY_VARIABLE = new Map(
  CONNECTION_FLAGS.flatMap((f) => (f.variable === undefined ? [] : [[f.variable, f.flag] as const])),
);

/**
 * Says `--user-id` where the user typed a flag, `--user-id (QIXFLOW_USER_ID)` where either would do.
 *
 * @example
 * ```ts
 * flagNames('QIXFLOW_USER_ID is required', new Set(['QIXFLOW_USER_ID'])); // '--user-id is required'
 * ```
 */
export function flagNames(message: string, setByFlag: ReadonlySet<string>): string {
  return message
    .replace(/QIXFLOW_AUTH=(\S+?)(?=[;,)]|\s|$)/g, 'auth kind $1')
    .replace(/\bQIXFLOW_[A-Z_]+\b/g, (variable) => {
      const flag = FLAG_BY_VARIABLE.get(variable);
      if (flag === undefined) return variable;
      return setByFlag.has(variable) ? flag : `${flag} (${variable})`;
    });
}
