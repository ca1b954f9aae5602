/**
 * Exit codes of the `qixflow` command. Stable: scripts and CI jobs branch on them.
 *
 * @example
 * ```ts
 * process.exitCode = EXIT_CODES.partial;
 * ```
 */
export const EXIT_CODES = {
  /** Everything worked. */
  ok: 0,
  /** An unexpected failure (a bug, an engine error, an unexpected HTTP answer). */
  failure: 1,
  /** Bad usage: unknown command or flag, bad flag value, bad or incomplete config, unreadable key/CA file. */
  usage: 2,
  /** Cannot connect: DNS, connection refused, TLS (untrusted certificate), timeouts. */
  connect: 3,
  /** Authentication rejected: the JWT was refused, a login page answered, 403 (origin, CSRF, xrfkey). */
  auth: 4,
  /** Licence or session limits: the proxy's parallel-session limit, no licence, the session budget. */
  limits: 5,
  /** Partial success: some apps failed (lineage), or some OpenLineage events were refused; the rest was written. */
  partial: 6,
  /** Interrupted by Ctrl-C (SIGINT) or SIGTERM before the command finished (128 + 2). */
  interrupted: 130,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** One line per exit code, for `--help` and the README. */
export const EXIT_CODE_HELP: readonly (readonly [ExitCode, string])[] = [
  [EXIT_CODES.ok, 'ok'],
  [EXIT_CODES.failure, 'unexpected failure'],
  [EXIT_CODES.usage, 'bad usage, flags or config (also an unreadable key or CA file)'],
  [EXIT_CODES.connect, 'cannot connect (network, TLS, timeout)'],
  [EXIT_CODES.auth, 'authentication rejected (handshake refused, forbidden, login page)'],
  [EXIT_CODES.limits, 'licence / parallel-session limit / session budget exhausted'],
  [EXIT_CODES.partial, 'partial: some apps failed in lineage (or OpenLineage events were refused)'],
  [EXIT_CODES.interrupted, 'interrupted (Ctrl-C) before finishing; watch and sim end with 0'],
];

/**
 * The exit-code section of `--help`.
 *
 * @example
 * ```ts
 * program.addHelpText('after', exitCodeHelp());
 * ```
 */
export function exitCodeHelp(): string {
  return [
    '',
    'Exit codes:',
    ...EXIT_CODE_HELP.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`),
  ].join('\n');
}
