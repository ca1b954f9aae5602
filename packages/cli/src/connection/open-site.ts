import { createSite, type Site } from '@qixflow/core';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { ConnectionFlags } from './connection-options.js';
import { resolveSiteOptions } from './resolve-site-options.js';

/** A site and where it points, for messages. */
export interface OpenedSite {
  readonly site: Site;
  /** `https://sense.example.com/jwt`: host and virtual proxy prefix. */
  readonly label: string;
  /** `sense.example.com` (with the port when there is one). */
  readonly host: string;
}

/**
 * Resolves the connection (flags > `QIXFLOW_*` > config file) and creates the site. Nothing is
 * sent until the first call.
 *
 * @throws CliError `ERR_USAGE` / `ERR_CONFIG` (exit 2) for a missing or invalid config.
 *
 * @example
 * ```ts
 * const { site } = await openSite(flags, context, 'apps');
 * try { … } finally { await site.close(); }
 * ```
 */
export async function openSite(flags: ConnectionFlags, context: CliContext, command: string): Promise<OpenedSite> {
  const options = await resolveSiteOptions(flags, {
    env: context.env,
    command,
    terminal: context.terminal,
    ...(context.logger === undefined ? {} : { logger: context.logger }),
  });
  const label = `${options.host.replace(/\/$/, '')}${options.prefix ? `/${options.prefix}` : ''}`;
  try {
    return { site: createSite(options), label, host: new URL(options.host).host };
  } catch (error) {
    // createSite throws TypeError for option values it cannot use (validated again at its boundary).
    if (error instanceof TypeError) {
      throw new CliError('ERR_CONFIG', error.message, {
        fix: `run 'qixflow ${command} --help' for the connection flags and variables`,
        cause: error,
      });
    }
    throw error;
  }
}
