import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSite } from '@qixflow/core';
import type { LineageFormat } from '@qixflow/lineage';
import type { CliContext } from '../cli-context.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { checkConnection } from '../internal/check-connection.js';
import { listApps } from '../internal/qrs-apps.js';
import { formatLineageSummary, lineageExitCode, runLineage } from '../internal/run-lineage.js';
import { DEMO_USER, simulatorSiteOptions, startSimulator } from '../internal/simulator.js';

/** Flags of `qixflow demo`. */
export interface DemoFlags {
  out: string;
  port: number;
  format: LineageFormat[];
  concurrency: number;
}

/**
 * `qixflow demo`: the whole story in one run — starts the simulator with the demo site behind a JWT
 * virtual proxy (keys generated for this run), signs in through the real JWT handshake, extracts
 * the lineage of every app into `--out`, prints the summary with the proxy sessions the simulator
 * counted, and stops the simulator.
 *
 * @example
 * ```ts
 * await demoCommand({ out: 'qixflow-demo-output', port: 0, format: ['json', 'openlineage', 'html'], concurrency: 4 }, context);
 * ```
 */
export async function demoCommand(flags: DemoFlags, context: CliContext): Promise<ExitCode> {
  const { terminal } = context;
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const outDir = resolve(flags.out);

  const { sim } = await startSimulator({ site: 'demo', port: flags.port });
  let exitCode: ExitCode = EXIT_CODES.ok;
  let html: string | undefined;
  try {
    const proxy = sim.proxies[0];
    terminal.out(
      `simulator: demo site on ${sim.url}, JWT virtual proxy /${proxy?.prefix ?? ''} (signing key and TLS certificate generated for this run) [${elapsed()}]`,
    );
    const site = createSite({
      ...simulatorSiteOptions(sim, DEMO_USER),
      logoutOnClose: true,
      ...(context.logger === undefined ? {} : { logger: context.logger }),
    });
    try {
      const report = await checkConnection(site);
      terminal.out(
        `signed in as ${report.user} through the JWT handshake: cookie ${report.cookieName ?? '(none)'}, CSRF token ${report.csrfToken ? 'received' : 'not used'}, engine ${report.engineVersion} [${elapsed()}]`,
      );
      const apps = await listApps(site, undefined, context.interrupted);
      terminal.out(`apps (QRS): ${apps.map((a) => a.name).join(', ')} [${elapsed()}]`);

      const lineage = await runLineage(
        site,
        {
          outDir,
          formats: flags.format,
          concurrency: flags.concurrency,
          // Every run starts a new simulator: extract everything again rather than resume.
          resume: false,
          title: 'qixflow demo site',
        },
        context,
      );
      // The simulator's own count: what a real proxy would have charged to the licence.
      for (const line of formatLineageSummary(lineage, outDir, sim.audit.sessionsCreated())) terminal.out(line);
      exitCode = lineageExitCode(lineage);
      html = lineage.summary.files.html;
    } finally {
      await site.close();
    }
  } finally {
    await sim.close();
    terminal.out(`simulator stopped; done in ${elapsed()}`);
  }
  // The last line is what to do next: the page a person opens.
  if (html !== undefined) terminal.out(`\nopen the lineage graph in a browser: ${pathToFileURL(html).href}`);
  return exitCode;
}
