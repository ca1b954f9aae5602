import type { QixflowErrorCode } from '@qixflow/core';
import type { LineageErrorCode } from '@qixflow/lineage';
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

/**
 * Anything with a stable `code`: a `QixflowError` of any package (core's, lineage's `LineageError`), an
 * rx `RxQixError`, a failure a lineage run recorded (`{ appId, appName, code, message }`) ….
 */
export interface CodedError {
  readonly code: string;
  readonly message: string;
}

/** How the CLI exits on a code, and what it tells the user to do. */
interface Advice {
  readonly exitCode: ExitCode;
  readonly fix: string | undefined;
}

// Said with every licence-limit error: what the limit is and why a slot is not free at once.
const LICENCE_RULE =
  'identified-user licences allow 5 parallel proxy sessions per user, and a slot is free again only 5 minutes after its session ends;';

const CORE_ERRORS: Record<QixflowErrorCode, Advice> = {
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

const LINEAGE_ERRORS: Record<LineageErrorCode, Advice> = {
  ERR_LINEAGE_OUTPUT: {
    exitCode: EXIT_CODES.usage,
    fix: '--out must name a folder this user can write, on a disk with room: check the path named above',
  },
  ERR_LINEAGE_FRAGMENT_INVALID: {
    exitCode: EXIT_CODES.failure,
    fix: 'a fragment in --out changed while the lineage was written (another run on the same folder?): run again, with --no-resume to extract every app afresh',
  },
  ERR_LINEAGE_VIEWER_UNAVAILABLE: {
    exitCode: EXIT_CODES.failure,
    fix: 'the installed @qixflow/lineage lacks its HTML viewer: reinstall it, or leave html out of --format',
  },
  ERR_LINEAGE_APP: {
    exitCode: EXIT_CODES.failure,
    fix: 'the message says what failed; report it if it looks like a bug',
  },
  ERR_LINEAGE_NODE_NOT_FOUND: {
    exitCode: EXIT_CODES.usage,
    fix: 'name a node by id, chart:<app>/<title or id>, <dataset>#<field> (e.g. dbo.Orders#Status) or a dataset name or path; the message lists what there is',
  },
  ERR_LINEAGE_NODE_AMBIGUOUS: {
    exitCode: EXIT_CODES.usage,
    fix: 'give one of the node ids listed above, or add the app (chart:<app>/<title>)',
  },
};

// Core's and lineage's codes do not overlap: lineage's own start with ERR_LINEAGE_, and it reuses core's
// only for the same fault (ERR_ENGINE, ERR_TIMEOUT …).
const KNOWN: Readonly<Record<string, Advice>> = { ...CORE_ERRORS, ...LINEAGE_ERRORS };

/**
 * Turns any thrown value into what the CLI prints and the exit code. A `QixflowError` of any package
 * (core's, lineage's `LineageError`) anywhere in the `cause` chain decides — an rx stream error wrapping
 * one says less; else the value's own `code` (an rx error, a failure lineage recorded: any
 * {@link CodedError}); else it is `ERR_UNEXPECTED`. Codes core or lineage document get their exit code
 * and fix; other codes exit 1.
 *
 * @example
 * ```ts
 * const { code, message, fix, exitCode } = describeError(error);
 * const first = describeError({ code: 'ERR_HANDSHAKE_REJECTED', message: 'the proxy rejected the JWT' });
 * ```
 */
export function describeError(error: unknown): DescribedError {
  if (error instanceof CliError) {
    return { code: error.code, message: error.message, fix: error.fix, exitCode: error.exitCode };
  }
  const qixflow = findQixflowError(error);
  const coded = qixflow ?? (isCoded(error) ? error : undefined);
  if (coded === undefined) {
    return {
      code: 'ERR_UNEXPECTED',
      message: error instanceof Error ? error.message : String(error),
      fix: 'run again with --debug for the stack trace, and report it if it looks like a bug',
      exitCode: EXIT_CODES.failure,
    };
  }
  let { exitCode, fix } = (Object.hasOwn(KNOWN, coded.code) ? KNOWN[coded.code] : undefined) ?? {
    exitCode: EXIT_CODES.failure,
    fix: undefined,
  };
  const { status, retryAt } = coded as { status?: unknown; retryAt?: unknown };
  if (coded.code === 'ERR_HTTP' && (status === 401 || status === 403)) exitCode = EXIT_CODES.auth;
  if (
    (coded.code === 'ERR_SESSION_BUDGET_EXHAUSTED' || coded.code === 'ERR_SESSION_LIMIT_EXCEEDED') &&
    typeof retryAt === 'number'
  ) {
    fix = `a slot frees at ${new Date(retryAt).toISOString()}; ${fix ?? ''}`;
  }
  // No virtual proxy (or no QRS) at that address: the prefix or host is wrong, not the credentials.
  if (coded.code === 'ERR_HANDSHAKE_FAILED' && status === 404) {
    exitCode = EXIT_CODES.usage;
    fix =
      'nothing answers at that address: check --prefix (the virtual proxy prefix, e.g. jwt; empty for the central proxy) and --host';
  }
  return { code: coded.code, message: coded.message, fix, exitCode };
}

function isCoded(value: unknown): value is CodedError {
  const v = value as { code?: unknown; message?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.code === 'string' && typeof v.message === 'string';
}

function findQixflowError(error: unknown): CodedError | undefined {
  const seen = new Set<unknown>();
  for (let current = error; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    if (isQixflowError(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A QixflowError of core or a subclass of another package, recognised by its class name along the
 * prototype chain rather than instanceof: describing an error must not load core (and a second copy of
 * core, in a bundled program, would fail instanceof).
 */
function isQixflowError(value: unknown): value is CodedError {
  if (!(value instanceof Error) || !isCoded(value)) return false;
  if (value.name === 'QixflowError') return true;
  for (let proto: unknown = Object.getPrototypeOf(value); proto !== null && proto !== Error.prototype; ) {
    if ((proto as { constructor?: { name?: unknown } }).constructor?.name === 'QixflowError') return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}
