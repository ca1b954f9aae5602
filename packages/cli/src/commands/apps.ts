import type { CliContext } from '../cli-context.js';
import type { ConnectionFlags } from '../connection/connection-options.js';
import { openSite } from '../connection/open-site.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { listApps } from '../internal/qrs-apps.js';
import { formatTable } from '../output/format-table.js';

/** Flags of `qixflow apps`. */
export interface AppsFlags extends ConnectionFlags {
  json?: boolean;
  filter?: string;
}

/**
 * `qixflow apps`: the apps the user can see, through QRS — name, id, stream, owner, last reload.
 *
 * @example
 * ```ts
 * await appsCommand({ json: true, …connection }, context);
 * ```
 */
export async function appsCommand(flags: AppsFlags, context: CliContext): Promise<ExitCode> {
  const { site } = await openSite(flags, context, 'apps');
  try {
    const apps = await listApps(site, flags.filter, context.interrupted);
    if (flags.json === true) {
      context.terminal.out(JSON.stringify(apps, null, 2));
      return EXIT_CODES.ok;
    }
    if (apps.length === 0) {
      context.terminal.out('no apps');
      return EXIT_CODES.ok;
    }
    const rows = apps.map((app) => [
      app.name,
      app.id,
      app.stream ?? '-',
      app.owner ?? '-',
      app.lastReloadTime === null ? 'never' : shortTime(app.lastReloadTime),
    ]);
    for (const line of formatTable(['NAME', 'ID', 'STREAM', 'OWNER', 'LAST RELOAD'], rows)) context.terminal.out(line);
    context.terminal.err(`${apps.length} app${apps.length === 1 ? '' : 's'}`);
    return EXIT_CODES.ok;
  } finally {
    await site.close();
  }
}

/** `2026-06-29T02:01:12.000Z` → `2026-06-29 02:01:12Z`. */
function shortTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  return match === null ? iso : `${match[1]} ${match[2]}${match[3] ?? ''}`;
}
