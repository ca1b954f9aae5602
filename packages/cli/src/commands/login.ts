import type { CliContext } from '../cli-context.js';
import type { ConnectionFlags } from '../connection/connection-options.js';
import { openSite } from '../connection/open-site.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { checkConnection, formatConnectionReport } from '../internal/check-connection.js';

/** Flags of `qixflow login`. */
export interface LoginFlags extends ConnectionFlags {
  json?: boolean;
}

/**
 * `qixflow login`: checks a connection end to end and says what it established — never a secret.
 *
 * @example
 * ```ts
 * const code = await loginCommand({ host: 'https://sense.example.com', prefix: 'jwt', … }, context);
 * ```
 */
export async function loginCommand(flags: LoginFlags, context: CliContext): Promise<ExitCode> {
  const { site, label } = await openSite(flags, context, 'login');
  try {
    const report = await checkConnection(site);
    if (flags.json === true) {
      context.terminal.out(JSON.stringify({ site: label, ...report }, null, 2));
    } else {
      context.terminal.out(`connected to ${label}`);
      for (const line of formatConnectionReport(report)) context.terminal.out(line);
    }
    return EXIT_CODES.ok;
  } finally {
    await site.close();
  }
}
