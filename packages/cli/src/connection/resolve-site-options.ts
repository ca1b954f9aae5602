import {
  configEnvVariables,
  configFromEnv,
  createFileSessionStore,
  createSessionBudget,
  DEFAULT_BUDGET_MAX_SESSIONS,
  DEFAULT_BUDGET_WINDOW_MS,
  defaultBudgetStateFile,
  defaultStateDir,
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
  const base = await contextBase(env);
  const rewrite = (message: string): string =>
    flagNames(optionNames(message, { env, setByFlag, base: base?.name }), setByFlag);

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
  keepSession(site, persistSession(flags, env, base?.persistSession), env);
  if (flags.timeout !== undefined) {
    // Every call made on the user's behalf: HTTP, the websocket upgrade, opening an app, engine calls.
    site.timeouts = {
      ...site.timeouts,
      requestMs: flags.timeout,
      connectMs: flags.timeout,
      openMs: flags.timeout,
      callMs: flags.timeout,
    };
  }
  if (flags.resetBudgetState === true && site.budget?.stateFile !== undefined) {
    // Only a corrupt file is started afresh; a valid one keeps counting. Without the flag core stops
    // with ERR_BUDGET_STATE_CORRUPT rather than let new sessions past the licence limit.
    site.sessionBudget = createSessionBudget({
      maxSessions: site.budget.maxSessions ?? DEFAULT_BUDGET_MAX_SESSIONS,
      windowMs: (site.budget.windowSeconds ?? DEFAULT_BUDGET_WINDOW_MS / 1000) * 1000,
      stateFile: site.budget.stateFile,
      onCorruptState: 'reset',
    });
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
): Promise<{ config: Record<string, unknown>; name: string; persistSession: boolean | undefined } | undefined> {
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
  return {
    config: selected.site as unknown as Record<string, unknown>,
    name: `context "${selected.name}"`,
    persistSession: selected.persistSession,
  };
}

/**
 * Whether the proxy session outlives the command: `--no-persist-session` > `QIXFLOW_PERSIST_SESSION`
 * > the context's `persistSession` > on.
 */
function persistSession(
  flags: ConnectionFlags,
  env: Record<string, string | undefined>,
  fromContext: boolean | undefined,
): boolean {
  if (flags.persistSession === false) return false;
  const variable = nonEmpty(env.QIXFLOW_PERSIST_SESSION)?.trim().toLowerCase();
  if (variable !== undefined) {
    if (['1', 'true', 'yes', 'on'].includes(variable)) return true;
    if (['0', 'false', 'no', 'off'].includes(variable)) return false;
    throw new CliError('ERR_CONFIG', `QIXFLOW_PERSIST_SESSION must be true or false (got "${variable}")`);
  }
  return fromContext ?? true;
}

/**
 * With persistence on, the proxy session is kept in the user's session store (state folder) and
 * re-used by the next command of any process; the budget's state lives beside it, so every process
 * shares one budget. With it off, the command logs out when it ends (also on Ctrl-C and errors).
 */
function keepSession(site: SiteOptions, persist: boolean, env: Record<string, string | undefined>): void {
  const jwt = site.auth.kind === 'jwt' || site.auth.kind === 'cloud-jwt';
  if (!persist) {
    if (jwt) site.logoutOnClose = true;
    return;
  }
  if (!jwt) return;
  site.sessionStore = createFileSessionStore({ dir: defaultStateDir({ env }) });
  site.budget = { ...site.budget, stateFile: site.budget?.stateFile ?? defaultBudgetStateFile({ env }) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Says what the user set instead of the internal option path: `config.auth.privateKeyFile` becomes
 * `--key-file` (or `QIXFLOW_PRIVATE_KEY_FILE`, or `auth.privateKeyFile of context "prod"`, or
 * `auth.privateKeyFile in qixflow.json`), whichever gave the value.
 */
function optionNames(
  message: string,
  from: { env: Record<string, string | undefined>; setByFlag: ReadonlySet<string>; base: string | undefined },
): string {
  return message.replace(/\bconfig\.((?:[A-Za-z]+\.)*[A-Za-z]+)\b/g, (_, option: string) => {
    const variable = configEnvVariables.find((v) => v.option === option)?.name;
    if (variable !== undefined && (from.setByFlag.has(variable) || nonEmpty(from.env[variable]) !== undefined)) {
      return variable;
    }
    if (from.base !== undefined) return `${option} of ${from.base}`;
    const file = nonEmpty(from.env.QIXFLOW_CONFIG);
    return file === undefined ? option : `${option} in ${file}`;
  });
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
