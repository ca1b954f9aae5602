import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { QixflowError } from '../errors.js';
import type { QixflowConfig } from '../generated/config-schema.js';
import { fileErrorReason } from './file-error-reason.js';
import { type ConfigIssue, configIssues, formatConfigIssue, formatConfigPath } from './validate-config.js';

/** One environment variable read by {@link configFromEnv}. */
export interface ConfigEnvVariable {
  /** The variable, e.g. `QIXFLOW_HOST`. */
  readonly name: string;
  /** The config option it sets (`auth.userId`), or `undefined` for `QIXFLOW_CONFIG`. */
  readonly option: string | undefined;
  /** One line for help texts. */
  readonly meaning: string;
}

/** Options of {@link configFromEnv}. */
export interface ConfigFromEnvOptions {
  /**
   * A config the variables override, in place of a `QIXFLOW_CONFIG` file — e.g. a named context
   * of the CLI. `name` says where it comes from in messages (`context "prod"`). Its file paths
   * must already be absolute. Never mutated.
   */
  base?: { config: Readonly<Record<string, unknown>>; name: string };
}

/**
 * Every variable {@link configFromEnv} reads, in the order help texts should list them.
 *
 * @example
 * ```ts
 * for (const v of configEnvVariables) console.log(`${v.name.padEnd(28)} ${v.meaning}`);
 * ```
 */
export const configEnvVariables: readonly ConfigEnvVariable[] = [
  {
    name: 'QIXFLOW_CONFIG',
    option: undefined,
    meaning: 'Path to a JSON config file; the variables below override its values.',
  },
  { name: 'QIXFLOW_HOST', option: 'host', meaning: 'Site URL, e.g. https://sense.example.com.' },
  { name: 'QIXFLOW_PREFIX', option: 'prefix', meaning: 'Virtual proxy prefix (empty for the central proxy).' },
  {
    name: 'QIXFLOW_AUTH',
    option: 'auth.kind',
    meaning: 'jwt, cloud-jwt, cookie or none; jwt when a private key is given, cookie when a cookie is.',
  },
  {
    name: 'QIXFLOW_PRIVATE_KEY',
    option: 'auth.privateKey',
    meaning: 'PEM private key text (literal \\n sequences are accepted for newlines).',
  },
  { name: 'QIXFLOW_PRIVATE_KEY_FILE', option: 'auth.privateKeyFile', meaning: 'Path to the PEM private key.' },
  { name: 'QIXFLOW_PASSPHRASE', option: 'auth.passphrase', meaning: 'Passphrase of an encrypted private key.' },
  {
    name: 'QIXFLOW_ALGORITHM',
    option: 'auth.algorithm',
    meaning: 'JWT signing algorithm (RS256, RS384, RS512; Qlik Cloud also PS* and ES*). Default RS256.',
  },
  { name: 'QIXFLOW_USER_ID', option: 'auth.userId', meaning: 'User id claim (jwt).' },
  { name: 'QIXFLOW_USER_DIRECTORY', option: 'auth.userDirectory', meaning: 'User directory claim (jwt).' },
  { name: 'QIXFLOW_KID', option: 'auth.kid', meaning: 'Key id (cloud-jwt: as configured on the identity provider).' },
  { name: 'QIXFLOW_ISSUER', option: 'auth.issuer', meaning: 'Issuer configured on the identity provider (cloud-jwt).' },
  { name: 'QIXFLOW_SUBJECT', option: 'auth.subject', meaning: 'Subject claim (cloud-jwt).' },
  { name: 'QIXFLOW_NAME', option: 'auth.name', meaning: 'Name claim (cloud-jwt).' },
  { name: 'QIXFLOW_EMAIL', option: 'auth.email', meaning: 'Email claim (cloud-jwt).' },
  { name: 'QIXFLOW_COOKIE', option: 'auth.cookie', meaning: "Session cookie 'name=value' (cookie)." },
  { name: 'QIXFLOW_CA_FILE', option: 'tls.caFile', meaning: 'Path to PEM certificate(s) to trust.' },
  { name: 'QIXFLOW_CA', option: 'tls.ca', meaning: 'PEM certificate(s) to trust.' },
  {
    name: 'QIXFLOW_REJECT_UNAUTHORIZED',
    option: 'tls.rejectUnauthorized',
    meaning: 'false or 0 skips server certificate checks (tests only); anything else verifies.',
  },
  { name: 'QIXFLOW_ORIGIN', option: 'origin', meaning: 'Origin header for websockets. Default: the host.' },
  { name: 'QIXFLOW_CSRF', option: 'csrf', meaning: 'auto, strict or legacy. Default auto.' },
  {
    name: 'QIXFLOW_BUDGET_STATE_FILE',
    option: 'budget.stateFile',
    meaning: 'JSON file sharing the session budget between processes.',
  },
  {
    name: 'QIXFLOW_BUDGET_MAX_SESSIONS',
    option: 'budget.maxSessions',
    meaning: 'New sessions allowed per user per window. Default 5.',
  },
  {
    name: 'QIXFLOW_LOGOUT_ON_CLOSE',
    option: 'logoutOnClose',
    meaning: 'true or false: end the proxy session when the site is closed. Default false.',
  },
];

const variableByOption = new Map(
  configEnvVariables.flatMap((v) => (v.option === undefined ? [] : [[v.option, v.name] as const])),
);

// Paths in a config file are relative to the file, not to wherever the process was started.
const PATH_OPTIONS: readonly [string, string][] = [
  ['auth', 'privateKeyFile'],
  ['tls', 'caFile'],
  ['tls', 'certFile'],
  ['tls', 'keyFile'],
  ['budget', 'stateFile'],
];

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];
// Deliberately narrower than FALSE_WORDS: only an explicit "off" disables certificate checks.
const VERIFY_OFF_WORDS = ['false', '0'];

/**
 * Builds a config from `QIXFLOW_*` environment variables (listed in {@link configEnvVariables}),
 * on top of the JSON file named by `QIXFLOW_CONFIG` when set. An empty variable counts as unset.
 * File paths inside the config file are resolved against its directory.
 *
 * @returns `undefined` when neither `QIXFLOW_CONFIG` nor `QIXFLOW_HOST` is set.
 * @throws QixflowError `ERR_OPTIONS_INVALID` naming the variable (`QIXFLOW_USER_ID is required for
 * QIXFLOW_AUTH=jwt`) or the file and option at fault; secret values are never quoted.
 *
 * @example
 * ```ts
 * // QIXFLOW_HOST=https://sense.example.com QIXFLOW_PREFIX=jwt QIXFLOW_PRIVATE_KEY_FILE=key.pem
 * // QIXFLOW_USER_ID=alice QIXFLOW_USER_DIRECTORY=CORP
 * const config = configFromEnv();
 * if (config) site = createSite(await readConfigFiles(config));
 * ```
 */
export function configFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: ConfigFromEnvOptions = {},
): QixflowConfig | undefined {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const configPath = read('QIXFLOW_CONFIG');
  if (configPath !== undefined && options.base !== undefined) {
    throw new QixflowError(
      'ERR_OPTIONS_INVALID',
      `QIXFLOW_CONFIG cannot be combined with ${options.base.name}: give one of them`,
    );
  }
  if (configPath === undefined && options.base === undefined && read('QIXFLOW_HOST') === undefined) return undefined;

  const file =
    options.base !== undefined
      ? { path: options.base.name, config: structuredClone(options.base.config) }
      : configPath === undefined
        ? undefined
        : readConfigFile(configPath);
  const config: Record<string, unknown> = file?.config ?? {};
  /** Option path → the variable that set it. */
  const fromEnv = new Map<string, string>();
  const problems: string[] = [];

  const section = (name: string): Record<string, unknown> => {
    const current = config[name];
    if (isRecord(current)) return current;
    const created: Record<string, unknown> = {};
    config[name] = created;
    return created;
  };
  const apply = (name: string, value: unknown): void => {
    const option = configEnvVariables.find((v) => v.name === name)?.option;
    if (option === undefined || value === undefined) return;
    const [first = '', second] = option.split('.');
    if (second === undefined) config[first] = value;
    else section(first)[second] = value;
    fromEnv.set(option, name);
  };

  // --- auth: the kind decides which fields belong, so settle it first.
  const authVariables = configEnvVariables.filter((v) => v.option?.startsWith('auth.') && read(v.name) !== undefined);
  const kindVariable = read('QIXFLOW_AUTH');
  const fileAuth = config.auth;
  const fileKind = isRecord(fileAuth) ? fileAuth.kind : undefined;
  const inferredKind =
    read('QIXFLOW_PRIVATE_KEY') !== undefined || read('QIXFLOW_PRIVATE_KEY_FILE') !== undefined
      ? 'jwt'
      : read('QIXFLOW_COOKIE') !== undefined
        ? 'cookie'
        : undefined;
  const kind: unknown = kindVariable ?? fileKind ?? inferredKind;
  // The file's fields belong to its own kind: a different QIXFLOW_AUTH starts from scratch.
  if (kindVariable !== undefined && kindVariable !== fileKind) delete config.auth;
  if (authVariables.length > 0 || config.auth === undefined) {
    const auth = section('auth');
    if (kind !== undefined) auth.kind = kind;
    // Also when inferred from the other variables: QIXFLOW_AUTH is what the user can set.
    if (kindVariable !== undefined || (fileKind === undefined && kind !== undefined)) {
      fromEnv.set('auth.kind', 'QIXFLOW_AUTH');
    }
    // An inline value from the environment replaces a file path from the config file, and vice versa.
    if (read('QIXFLOW_PRIVATE_KEY') !== undefined) delete auth.privateKeyFile;
    if (read('QIXFLOW_PRIVATE_KEY_FILE') !== undefined) delete auth.privateKey;
  }
  const kindLabel =
    fileKind !== undefined && kindVariable === undefined ? `auth kind ${String(kind)}` : `QIXFLOW_AUTH=${String(kind)}`;

  if (read('QIXFLOW_CA') !== undefined) delete section('tls').caFile;
  if (read('QIXFLOW_CA_FILE') !== undefined) delete section('tls').ca;

  for (const variable of configEnvVariables) {
    const raw = read(variable.name);
    if (raw === undefined) continue;
    switch (variable.name) {
      case 'QIXFLOW_CONFIG':
        break;
      case 'QIXFLOW_PRIVATE_KEY':
      case 'QIXFLOW_CA':
        apply(variable.name, unescapeNewlines(raw));
        break;
      case 'QIXFLOW_REJECT_UNAUTHORIZED':
        // Anything else keeps verification on: a typo must not disable TLS checks.
        apply(variable.name, !VERIFY_OFF_WORDS.includes(raw.trim().toLowerCase()));
        break;
      case 'QIXFLOW_LOGOUT_ON_CLOSE': {
        const word = raw.trim().toLowerCase();
        if (TRUE_WORDS.includes(word)) apply(variable.name, true);
        else if (FALSE_WORDS.includes(word)) apply(variable.name, false);
        else problems.push(`${variable.name} must be true or false (got ${quote(raw)})`);
        break;
      }
      case 'QIXFLOW_BUDGET_MAX_SESSIONS':
        if (/^\s*\d+\s*$/.test(raw)) apply(variable.name, Number(raw));
        else problems.push(`${variable.name} must be a whole number (got ${quote(raw)})`);
        break;
      case 'QIXFLOW_AUTH':
        break; // settled above
      default:
        apply(variable.name, raw);
    }
  }
  if (isRecord(config.tls) && Object.keys(config.tls).length === 0) delete config.tls;

  const describe = (issue: ConfigIssue): string => envIssueMessage(issue, { fromEnv, file: file?.path, kindLabel });
  problems.push(...configIssues(config).map(describe));
  if (problems.length > 0) throw new QixflowError('ERR_OPTIONS_INVALID', problems.join('; '));
  return config as unknown as QixflowConfig;
}

interface IssueContext {
  fromEnv: ReadonlyMap<string, string>;
  file: string | undefined;
  kindLabel: string;
}

/** Says which variable (or which option of the config file) to fix. */
function envIssueMessage(issue: ConfigIssue, context: IssueContext): string {
  const option = issue.path.join('.');
  const setBy = context.fromEnv.get(option);
  const variable = variableByOption.get(option);
  const forKind = issue.path[0] === 'auth' && issue.path[1] !== 'kind' ? ` for ${context.kindLabel}` : '';

  switch (issue.kind) {
    case 'required':
      if (variable === undefined) break;
      return context.file === undefined
        ? `${variable} ${issue.message}${forKind}`
        : `${variable} (or ${formatConfigPath(issue.path)} in ${context.file}) ${issue.message}${forKind}`;
    case 'unknown':
      if (setBy !== undefined) return `${setBy} does not apply to ${context.kindLabel}`;
      break;
    case 'conflict': {
      const other = context.fromEnv.get(issue.conflictsWith?.join('.') ?? '');
      if (setBy !== undefined && other !== undefined) return `${setBy} cannot be combined with ${other}`;
      break;
    }
    case 'invalid':
      if (setBy !== undefined) return `${setBy} ${issue.message}`;
      break;
  }
  return context.file === undefined
    ? formatConfigIssue(issue, 'environment')
    : `${context.file}: ${formatConfigIssue(issue, '')}`;
}

/** Reads and parses the `QIXFLOW_CONFIG` file, resolving the file paths it holds against its directory. */
function readConfigFile(given: string): { path: string; config: Record<string, unknown> } {
  const path = resolve(given);
  const shown = path === given ? `"${given}"` : `"${given}" (${path})`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new QixflowError('ERR_OPTIONS_INVALID', `QIXFLOW_CONFIG: cannot read ${shown} (${fileErrorReason(error)})`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text around the error, which may be a private key: keep only the position.
    throw new QixflowError(
      'ERR_OPTIONS_INVALID',
      `QIXFLOW_CONFIG: ${shown} is not valid JSON${jsonErrorPosition(error, text)}`,
    );
  }
  if (!isRecord(parsed)) {
    throw new QixflowError('ERR_OPTIONS_INVALID', `QIXFLOW_CONFIG: ${shown} must contain a JSON object`);
  }
  for (const [sectionName, key] of PATH_OPTIONS) {
    const part = parsed[sectionName];
    if (isRecord(part) && typeof part[key] === 'string' && part[key] !== '' && !isAbsolute(part[key])) {
      part[key] = resolve(dirname(path), part[key]);
    }
  }
  return { path, config: parsed };
}

function jsonErrorPosition(error: unknown, text: string): string {
  const match = error instanceof Error ? /at position (\d+)/.exec(error.message) : null;
  if (match === null) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

/** PEM text in one-line variables (CI secrets, .env files) often carries `\n` escapes instead of newlines. */
function unescapeNewlines(value: string): string {
  return value.includes('\n') || !value.includes('\\n') ? value : value.replace(/(?:\\r)?\\n/g, '\n');
}

function quote(value: string): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
