import type { LineageFormat } from '@qixflow/lineage';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { ConnectionFlags } from '../connection/connection-options.js';
import { openSite } from '../connection/open-site.js';
import type { ExitCode } from '../exit-codes.js';
import { findApps } from '../internal/qrs-apps.js';
import { formatLineageSummary, type LineageRunOptions, lineageExitCode, runLineage } from '../internal/run-lineage.js';
import { escapeControl } from '../output/escape-control.js';

/** Flags of `qixflow lineage`. */
export interface LineageFlags extends ConnectionFlags {
  app?: string[];
  all?: boolean;
  filter?: string;
  /** Required (checked here: a required option of `lineage` would also be required by its subcommands). */
  out?: string;
  format: LineageFormat[];
  concurrency: number;
  openlineageUrl?: string;
  openlineageSourceCode?: 'redacted' | 'none';
  resume: boolean;
  model?: 'auto' | 'always' | 'never';
  appTimeout?: number;
  /** Keep the outputs current: re-extract each app the site reloads, until Ctrl-C. */
  watch?: boolean;
  /** With --watch: shortest time between polls of the site. */
  intervalMs?: number;
}

/**
 * `qixflow lineage`: extracts the lineage of some or all apps over one proxy session, writes the
 * graph JSON, OpenLineage NDJSON and HTML into `--out`, optionally posts the OpenLineage events
 * (`--openlineage-url`, else `OPENLINEAGE_URL`; `OPENLINEAGE_API_KEY` as a Bearer token),
 * and prints a summary. Exit code 6 when some apps failed.
 *
 * @example
 * ```ts
 * await lineageCommand({ all: true, out: 'lineage', format: ['json'], concurrency: 4, resume: true, … }, context);
 * ```
 */
export async function lineageCommand(flags: LineageFlags, context: CliContext): Promise<ExitCode> {
  const out = flags.out;
  if (out === undefined) {
    throw new CliError('ERR_USAGE', "required option '-o, --out <dir>' not specified", {
      fix: 'give the output directory: qixflow lineage --out <dir> (or qixflow lineage trace|impact <node> --graph <file>)',
    });
  }
  if (flags.app !== undefined && flags.all === true) {
    throw new CliError('ERR_USAGE', '--app and --all cannot be combined', { fix: 'give either --app … or --all' });
  }
  if (flags.app !== undefined && flags.filter !== undefined) {
    throw new CliError('ERR_USAGE', '--app and --filter cannot be combined', {
      fix: 'give either --app … or --filter',
    });
  }
  // --openlineage-url, else OPENLINEAGE_URL (the OpenLineage clients' variable); the API key,
  // namespace and endpoint come from OPENLINEAGE_API_KEY, OPENLINEAGE_NAMESPACE, OPENLINEAGE_ENDPOINT.
  const env = context.env;
  const openlineageUrl = flags.openlineageUrl ?? (env.OPENLINEAGE_URL || undefined);
  if (openlineageUrl !== undefined && !/^https?:\/\/[^/\s]+/i.test(openlineageUrl)) {
    const from = flags.openlineageUrl !== undefined ? '--openlineage-url' : 'OPENLINEAGE_URL';
    throw new CliError('ERR_USAGE', `${from} must be an http(s) URL`, {
      fix: 'e.g. --openlineage-url http://localhost:5000 (Marquez; /api/v1/lineage is appended)',
    });
  }
  const formats: LineageFormat[] =
    openlineageUrl !== undefined && !flags.format.includes('openlineage')
      ? [...flags.format, 'openlineage']
      : flags.format;
  if (flags.intervalMs !== undefined && flags.watch !== true) {
    throw new CliError('ERR_USAGE', '--interval-ms goes with --watch', {
      fix: 'add --watch, or leave --interval-ms out',
    });
  }
  const { site, host } = await openSite(flags, context, 'lineage');
  try {
    const apps = flags.app === undefined ? undefined : await findApps(site, flags.app, context.interrupted);
    if (apps !== undefined) context.terminal.err(`apps: ${apps.map((a) => escapeControl(a.name)).join(', ')}`);
    const runOptions: LineageRunOptions = {
      outDir: out,
      formats,
      host,
      title: `qixflow lineage of ${host}`,
      concurrency: flags.concurrency,
      resume: flags.resume,
      ...(apps === undefined ? {} : { appIds: apps.map((a) => a.id) }),
      ...(flags.filter === undefined ? {} : { filter: flags.filter }),
      ...(flags.model === undefined ? {} : { model: flags.model }),
      ...(flags.appTimeout === undefined ? {} : { appTimeoutMs: flags.appTimeout }),
      ...(openlineageUrl === undefined ? {} : { openLineageUrl: openlineageUrl }),
      ...(env.OPENLINEAGE_NAMESPACE ? { openLineageNamespace: env.OPENLINEAGE_NAMESPACE } : {}),
      ...(env.OPENLINEAGE_API_KEY ? { openLineageApiKey: env.OPENLINEAGE_API_KEY } : {}),
      ...(flags.openlineageSourceCode === undefined ? {} : { openLineageSourceCode: flags.openlineageSourceCode }),
    };
    if (flags.watch === true) {
      const { watchLineage } = await import('../internal/watch-lineage.js');
      return await watchLineage(site, runOptions, { intervalMs: flags.intervalMs ?? 2000 }, context);
    }
    const report = await runLineage(site, runOptions, context);
    for (const line of formatLineageSummary(report, out, site.stats().proxySessionsCreated)) {
      context.terminal.out(line);
    }
    return lineageExitCode(report);
  } finally {
    await site.close();
  }
}
