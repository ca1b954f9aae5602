import type { QixflowError, QixflowErrorCode } from '@qixflow/core';
import { CliError } from './cli-error.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** What the CLI prints about a failure and how it exits. */
export interface DescribedError {
  /** `ERR_HANDSHAKE_REJECTED`, `ERR_USAGE` … */
  code: string;
  message: string;
  /** What to do about it, in terms of the CLI's flags and variables. */
  fix: string | undefined;
  exitCode: ExitCode;
}

// Said with every licence-limit error: what the limit is and why a slot is not free at once.
const LICENCE_RULE =
  'identified-user licences allow 5 parallel proxy sessions per user, and a slot is free again only 5 minutes after its session ends;';

const CORE_ERRORS: Record<QixflowErrorCode, { exitCode: ExitCode; fix: string | undefined }> = {
  ERR_OPTIONS_INVALID: {
    exitCode: EXIT_CODES.usage,
    fix: 'fix the file or option named above (flags, QIXFLOW_* variables or the --config file)',
  },
  ERR_JWT_KEY_INVALID: {
    exitCode: EXIT_CODES.usage,
    fix: 'give the PEM private key of the JWT certificate with --key-file (or QIXFLOW_PRIVATE_KEY_FILE); set QIXFLOW_PASSPHRASE for an encrypted key',
  },
  ERR_JWT_ALGORITHM_MISMATCH: {
    exitCode: EXIT_CODES.usage,
    fix: 'pick an --algorithm that fits the key (RS256, RS384 or RS512 for an RSA key)',
  },
  ERR_JWT_SIGN_FAILED: { exitCode: EXIT_CODES.usage, fix: 'check the key (--key-file) and --algorithm' },
  ERR_HANDSHAKE_REJECTED: {
    exitCode: EXIT_CODES.auth,
    fix: "the proxy refused the JWT: check that --key-file belongs to the certificate configured on the virtual proxy, the user id / directory (and their claim names), the algorithm, and this machine's clock",
  },
  ERR_HANDSHAKE_LOGIN_PAGE: {
    exitCode: EXIT_CODES.auth,
    fix: '--prefix does not name a JWT virtual proxy (it answered with a login page)',
  },
  ERR_HANDSHAKE_NO_COOKIE: {
    exitCode: EXIT_CODES.auth,
    fix: '--prefix does not name a JWT virtual proxy (or --host is not a Qlik Cloud tenant)',
  },
  ERR_HANDSHAKE_FAILED: { exitCode: EXIT_CODES.auth, fix: 'check --host, --prefix, the app id and --csrf' },
  ERR_FORBIDDEN_ORIGIN: {
    exitCode: EXIT_CODES.auth,
    fix: "add the origin's host to the virtual proxy's host allow list, or pass an allowed one with --origin",
  },
  ERR_FORBIDDEN_CSRF: { exitCode: EXIT_CODES.auth, fix: 'check --csrf (auto, strict or legacy) for this server' },
  ERR_FORBIDDEN: {
    exitCode: EXIT_CODES.auth,
    fix: "check the virtual proxy's host allow list (--origin) and the user's access rights",
  },
  ERR_TLS: {
    exitCode: EXIT_CODES.connect,
    fix: "trust the server's certificate: --ca-file <pem> (or QIXFLOW_CA_FILE)",
  },
  ERR_NETWORK: {
    exitCode: EXIT_CODES.connect,
    fix: 'check --host (scheme, name and port) and that the server is reachable from here',
  },
  ERR_TIMEOUT: { exitCode: EXIT_CODES.connect, fix: 'the server did not answer in time: check it, or raise --timeout' },
  ERR_ABORTED: { exitCode: EXIT_CODES.failure, fix: undefined },
  ERR_SESSION_BUDGET_EXHAUSTED: {
    exitCode: EXIT_CODES.limits,
    fix: `${LICENCE_RULE} qixflow stopped before the proxy would refuse: 'qixflow status' shows the sessions used and when the next slot frees; 'qixflow logout --all' ends the sessions qixflow keeps (their slots free 5 minutes later); raise --budget-max-sessions only if the licence allows more`,
  },
  ERR_SESSION_LIMIT_EXCEEDED: {
    exitCode: EXIT_CODES.limits,
    fix: `${LICENCE_RULE} the proxy refused one more: 'qixflow logout --all' ends the sessions qixflow keeps, 'qixflow status' shows when the next slot frees; close other clients of this user or use another --user-id`,
  },
  ERR_LICENSE_DENIED: { exitCode: EXIT_CODES.limits, fix: 'allocate a licence (professional or analyzer) to the user' },
  ERR_SESSION_LOGGED_OUT: {
    exitCode: EXIT_CODES.auth,
    fix: 'the proxy session was logged out elsewhere: run the command again',
  },
  ERR_SESSION_ENDED: { exitCode: EXIT_CODES.auth, fix: 'the session ended on the server: run the command again' },
  ERR_SOCKET_CLOSED: { exitCode: EXIT_CODES.connect, fix: 'the connection was lost: check the server and run again' },
  ERR_RECONNECT_FAILED: {
    exitCode: EXIT_CODES.connect,
    fix: 'the connection was lost and could not be resumed: check the server and run again',
  },
  ERR_BUDGET_STATE_CORRUPT: {
    exitCode: EXIT_CODES.usage,
    fix: 'the session budget state file named above is damaged: check who wrote it, then pass --reset-budget-state to start it afresh (the slots it recorded are forgotten)',
  },
  ERR_SESSION_STORE_CORRUPT: {
    exitCode: EXIT_CODES.usage,
    fix: "the session store named above is damaged: 'qixflow logout --all' ends and forgets the sessions it held (or delete the file)",
  },
  ERR_SESSION_STORE_INSECURE: {
    exitCode: EXIT_CODES.usage,
    fix: 'the session store must be a private file of your own: remove the link or the foreign file, or set QIXFLOW_STATE_DIR to a private folder',
  },
  ERR_SESSION_STORE_IO: {
    exitCode: EXIT_CODES.failure,
    fix: 'check that the state folder named above can be written (or set QIXFLOW_STATE_DIR)',
  },
  ERR_ENGINE: { exitCode: EXIT_CODES.failure, fix: undefined },
  ERR_APP_NOT_FOUND: { exitCode: EXIT_CODES.usage, fix: "check the app id: 'qixflow apps' lists them" },
  ERR_HTTP: { exitCode: EXIT_CODES.failure, fix: 'run again with --debug to see the requests' },
  ERR_CLOSED: { exitCode: EXIT_CODES.failure, fix: undefined },
  ERR_PROTOCOL: {
    exitCode: EXIT_CODES.connect,
    fix: 'the server sent something that is not the engine protocol: check that --host and --prefix lead to a Qlik Sense proxy or engine',
  },
  ERR_RESPONSE_TOO_LARGE: {
    exitCode: EXIT_CODES.connect,
    fix: 'the server sent a larger answer than allowed: check --host and --prefix, or raise limits.maxResponseBytes in the --config file',
  },
};

/**
 * Turns any thrown value into what the CLI prints and the exit code. A `QixflowError` anywhere in
 * the `cause` chain (an rx stream error wrapping it, say) decides.
 *
 * @example
 * ```ts
 * const { code, message, fix, exitCode } = describeError(error);
 * ```
 */
export function describeError(error: unknown): DescribedError {
  if (error instanceof CliError) {
    return { code: error.code, message: error.message, fix: error.fix, exitCode: error.exitCode };
  }
  const core = findCoreError(error);
  if (core !== undefined) {
    const known = CORE_ERRORS[core.code] ?? { exitCode: EXIT_CODES.failure, fix: undefined };
    let { exitCode, fix } = known;
    if (core.code === 'ERR_HTTP' && (core.status === 401 || core.status === 403)) exitCode = EXIT_CODES.auth;
    if (
      (core.code === 'ERR_SESSION_BUDGET_EXHAUSTED' || core.code === 'ERR_SESSION_LIMIT_EXCEEDED') &&
      core.retryAt !== undefined
    ) {
      fix = `a slot frees at ${new Date(core.retryAt).toISOString()}; ${fix ?? ''}`;
    }
    // No virtual proxy (or no QRS) at that address: the prefix or host is wrong, not the credentials.
    if (core.code === 'ERR_HANDSHAKE_FAILED' && core.status === 404) {
      exitCode = EXIT_CODES.usage;
      fix =
        'nothing answers at that address: check --prefix (the virtual proxy prefix, e.g. jwt; empty for the central proxy) and --host';
    }
    return { code: core.code, message: core.message, fix, exitCode };
  }
  const rx = error as { name?: unknown; code?: unknown; message?: unknown };
  if (error instanceof Error && rx.name === 'RxQixError' && typeof rx.code === 'string') {
    return { code: rx.code, message: error.message, fix: undefined, exitCode: EXIT_CODES.failure };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'ERR_UNEXPECTED',
    message,
    fix: 'run again with --debug for the stack trace, and report it if it looks like a bug',
    exitCode: EXIT_CODES.failure,
  };
}

function findCoreError(error: unknown): QixflowError | undefined {
  const seen = new Set<unknown>();
  for (let current = error; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    if (isCoreError(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// Structural rather than instanceof: describing an error must not load core (and a second copy of
// core, in a bundled program, would fail instanceof).
function isCoreError(value: unknown): value is QixflowError {
  if (!(value instanceof Error) || value.name !== 'QixflowError') return false;
  const code: unknown = (value as Error & { code?: unknown }).code;
  return typeof code === 'string' && code in CORE_ERRORS;
}
