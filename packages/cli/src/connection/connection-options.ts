import { type Command, InvalidArgumentError, Option } from 'commander';

/** Connection flags as commander parses them. */
export interface ConnectionFlags {
  context?: string;
  config?: string;
  host?: string;
  prefix?: string;
  auth?: string;
  keyFile?: string;
  algorithm?: string;
  userId?: string;
  userDirectory?: string;
  caFile?: string;
  insecure?: boolean;
  origin?: string;
  csrf?: string;
  budgetStateFile?: string;
  budgetMaxSessions?: number;
  resetBudgetState?: boolean;
  logout?: boolean;
  /** false with `--no-persist-session`. */
  persistSession?: boolean;
  timeout?: number;
}

/** A connection flag and the `QIXFLOW_*` variable it stands for (flags win over variables). */
export interface ConnectionFlag {
  /** Property of {@link ConnectionFlags}. */
  readonly key: keyof ConnectionFlags;
  /** `--key-file` */
  readonly flag: string;
  /** The environment variable it overrides, if any. */
  readonly variable: string | undefined;
}

/** Every connection flag, with its variable. */
export const CONNECTION_FLAGS: readonly ConnectionFlag[] = [
  { key: 'context', flag: '--context', variable: 'QIXFLOW_CONTEXT' },
  { key: 'config', flag: '--config', variable: 'QIXFLOW_CONFIG' },
  { key: 'host', flag: '--host', variable: 'QIXFLOW_HOST' },
  { key: 'prefix', flag: '--prefix', variable: 'QIXFLOW_PREFIX' },
  { key: 'auth', flag: '--auth', variable: 'QIXFLOW_AUTH' },
  { key: 'keyFile', flag: '--key-file', variable: 'QIXFLOW_PRIVATE_KEY_FILE' },
  { key: 'algorithm', flag: '--algorithm', variable: 'QIXFLOW_ALGORITHM' },
  { key: 'userId', flag: '--user-id', variable: 'QIXFLOW_USER_ID' },
  { key: 'userDirectory', flag: '--user-directory', variable: 'QIXFLOW_USER_DIRECTORY' },
  { key: 'caFile', flag: '--ca-file', variable: 'QIXFLOW_CA_FILE' },
  { key: 'insecure', flag: '--insecure', variable: 'QIXFLOW_REJECT_UNAUTHORIZED' },
  { key: 'origin', flag: '--origin', variable: 'QIXFLOW_ORIGIN' },
  { key: 'csrf', flag: '--csrf', variable: 'QIXFLOW_CSRF' },
  { key: 'budgetStateFile', flag: '--budget-state-file', variable: 'QIXFLOW_BUDGET_STATE_FILE' },
  { key: 'budgetMaxSessions', flag: '--budget-max-sessions', variable: 'QIXFLOW_BUDGET_MAX_SESSIONS' },
  { key: 'resetBudgetState', flag: '--reset-budget-state', variable: undefined },
  { key: 'logout', flag: '--logout', variable: 'QIXFLOW_LOGOUT_ON_CLOSE' },
  { key: 'timeout', flag: '--timeout', variable: undefined },
];

/**
 * Parses a whole number in `[min, max]` for commander, with a message that names the range.
 *
 * @example
 * ```ts
 * new Option('--port <n>').argParser(wholeNumber(0, 65535));
 * ```
 */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/**
 * Adds the connection flags (site, virtual proxy, JWT, TLS, budget) to a command. Each flag
 * overrides its `QIXFLOW_*` variable, which overrides the context (or the config file).
 *
 * @example
 * ```ts
 * addConnectionOptions(program.command('login')).action(…);
 * ```
 */
export function addConnectionOptions(command: Command): Command {
  const group = 'Connection (flag > QIXFLOW_* variable > context or config file):';
  const option = (flags: string, description: string): Option => new Option(flags, description).helpGroup(group);
  return command
    .addOption(
      option(
        '--context <name>',
        "a site saved with 'qixflow context add' (default: the current one) [QIXFLOW_CONTEXT]",
      ),
    )
    .addOption(option('-c, --config <file>', 'JSON config file (schemas/qixflow.config.schema.json) [QIXFLOW_CONFIG]'))
    .addOption(option('--host <url>', 'site URL, e.g. https://sense.example.com [QIXFLOW_HOST]'))
    .addOption(option('--prefix <prefix>', 'virtual proxy prefix, e.g. jwt [QIXFLOW_PREFIX]'))
    .addOption(
      option('--auth <kind>', 'authentication (default: jwt when a key is given) [QIXFLOW_AUTH]').choices([
        'jwt',
        'cloud-jwt',
        'cookie',
        'none',
      ]),
    )
    .addOption(option('--key-file <file>', 'PEM private key that signs the JWT [QIXFLOW_PRIVATE_KEY_FILE]'))
    .addOption(
      option('--algorithm <alg>', 'JWT algorithm (default RS256) [QIXFLOW_ALGORITHM]').choices([
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'PS512',
        'ES256',
        'ES384',
        'ES512',
      ]),
    )
    .addOption(option('--user-id <id>', 'user id claim [QIXFLOW_USER_ID]'))
    .addOption(option('--user-directory <dir>', 'user directory claim [QIXFLOW_USER_DIRECTORY]'))
    .addOption(option('--ca-file <file>', 'PEM certificate(s) to trust, for a self-signed server [QIXFLOW_CA_FILE]'))
    .addOption(
      option('--insecure', 'do not verify the server certificate (tests only) [QIXFLOW_REJECT_UNAUTHORIZED=false]'),
    )
    .addOption(option('--origin <origin>', 'Origin header of websockets (default: the host) [QIXFLOW_ORIGIN]'))
    .addOption(
      option('--csrf <mode>', 'CSRF handling (default auto) [QIXFLOW_CSRF]').choices(['auto', 'strict', 'legacy']),
    )
    .addOption(
      option('--budget-state-file <file>', 'share the session budget between processes [QIXFLOW_BUDGET_STATE_FILE]'),
    )
    .addOption(
      option(
        '--budget-max-sessions <n>',
        'new proxy sessions allowed per user per 5 minutes (default 5) [QIXFLOW_BUDGET_MAX_SESSIONS]',
      ).argParser(wholeNumber(1, 1000)),
    )
    .addOption(
      option(
        '--reset-budget-state',
        'start a corrupt session budget state file afresh instead of stopping (the sessions it recorded are forgotten)',
      ),
    )
    .addOption(option('--logout', 'end the proxy session when done (frees the licence slot) [QIXFLOW_LOGOUT_ON_CLOSE]'))
    .addOption(
      option(
        '--no-persist-session',
        'do not keep the proxy session for the next command: log out at exit [QIXFLOW_PERSIST_SESSION=false]',
      ),
    )
    .addOption(
      option(
        '--timeout <ms>',
        'timeout in milliseconds of every server call: HTTP, websocket, opening an app, engine calls',
      ).argParser(wholeNumber(1, 3_600_000)),
    );
}
