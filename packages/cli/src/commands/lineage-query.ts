import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  downstream,
  type LineageGraph,
  type LineageNode,
  type LineageTrace,
  type TraceLevel,
  upstream,
} from '@qixflow/lineage';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { ConnectionFlags } from '../connection/connection-options.js';
import { openSite } from '../connection/open-site.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { edgeRows, formatTraceTree, NodeNamer, nodeList, traceTreeJson } from '../internal/format-trace.js';
import { findApps } from '../internal/qrs-apps.js';
import { runLineage } from '../internal/run-lineage.js';
import { escapeControl } from '../output/escape-control.js';

/** Flags of `qixflow lineage trace` and `qixflow lineage impact`. */
export interface LineageQueryFlags extends ConnectionFlags {
  /** A saved graph (`lineage.json`); without it the site is extracted first. */
  graph?: string;
  app?: string[];
  filter?: string;
  model?: 'auto' | 'always' | 'never';
  out?: string;
  level: TraceLevel;
  depth?: number;
  json?: boolean;
  concurrency: number;
}

const SOURCE_KINDS: ReadonlySet<string> = new Set(['DatasetField', 'ExternalDataset', 'Connection']);

/**
 * `qixflow lineage trace <node>`: where a chart, master item, field or dataset gets its data (upstream,
 * across apps), as a tree and the source columns; `qixflow lineage impact <node>`: what depends on it
 * (downstream), as a tree and the charts. From `--graph lineage.json`, else from the site (extracted
 * first, as `qixflow lineage` does, into `--out` or a temporary folder).
 *
 * @example
 * ```ts
 * await lineageQueryCommand('impact', 'dbo.Orders#Status', { graph: 'lineage.json', level: 'field', concurrency: 4 }, context);
 * ```
 */
export async function lineageQueryCommand(
  which: 'trace' | 'impact',
  reference: string,
  flags: LineageQueryFlags,
  context: CliContext,
): Promise<ExitCode> {
  const graph = flags.graph !== undefined ? await readGraph(flags.graph) : await extractGraph(flags, context);
  const options = { level: flags.level, ...(flags.depth === undefined ? {} : { depth: flags.depth }) };
  const trace = which === 'trace' ? upstream(graph, reference, options) : downstream(graph, reference, options);
  const namer = new NodeNamer(graph);
  const summary = summaryNodes(which, trace);
  if (flags.json === true) {
    const json = {
      command: which,
      reference,
      direction: trace.direction,
      level: trace.level,
      root: traceTreeJson(trace.root, namer),
      edges: edgeRows(trace.edges, graph, namer),
      [which === 'trace' ? 'sources' : 'charts']: summary.map((n) => ({
        id: n.id,
        kind: n.kind,
        name: namer.name(n),
        ...(namer.app(n) ? { app: namer.app(n) } : {}),
      })),
      nodes: trace.nodes,
    };
    context.terminal.out(JSON.stringify(json, null, 2));
    return EXIT_CODES.ok;
  }
  const start = trace.root.node;
  const app = namer.app(start);
  context.terminal.out(
    escapeControl(
      `${trace.direction} of ${start.kind} ${namer.name(start)}${app ? ` [${app}]` : ''} (${trace.level} level: ${trace.nodes.length} nodes, ${trace.edges.length} edges)`,
    ),
  );
  for (const line of formatTraceTree(trace, namer)) context.terminal.out(line);
  context.terminal.out('');
  context.terminal.out(`${which === 'trace' ? 'sources' : 'charts'} (${summary.length}):`);
  for (const line of nodeList(summary, namer)) context.terminal.out(`  ${line}`);
  return EXIT_CODES.ok;
}

/** trace: the sources the walk ended at; impact: the charts it reached. */
function summaryNodes(which: 'trace' | 'impact', trace: LineageTrace): LineageNode[] {
  if (which === 'trace') return trace.leaves.filter((n) => SOURCE_KINDS.has(n.kind));
  return trace.nodes.filter((n) => n.kind === 'Visualization');
}

async function readGraph(file: string): Promise<LineageGraph> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('ERR_USAGE', `cannot read --graph ${file}: ${(error as Error).message}`, {
      fix: 'give the lineage.json a qixflow lineage run wrote (--format json)',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const graph = value as Partial<LineageGraph> | undefined;
  if (!graph || !Array.isArray(graph.nodes) || !Array.isArray(graph.edges)) {
    throw new CliError('ERR_USAGE', `--graph ${file} is not a lineage graph (JSON with nodes and edges)`, {
      fix: 'give the lineage.json a qixflow lineage run wrote (--format json)',
    });
  }
  return value as LineageGraph;
}

/** Extracts the site's lineage (JSON only) into --out or a temporary folder and reads the graph. */
async function extractGraph(flags: LineageQueryFlags, context: CliContext): Promise<LineageGraph> {
  const outDir = flags.out ?? (await mkdtemp(join(tmpdir(), 'qixflow-lineage-')));
  try {
    const { site, host } = await openSite(flags, context, 'lineage');
    try {
      const apps = flags.app === undefined ? undefined : await findApps(site, flags.app, context.interrupted);
      const report = await runLineage(
        site,
        {
          outDir,
          formats: ['json'],
          host,
          concurrency: flags.concurrency,
          ...(apps === undefined ? {} : { appIds: apps.map((a) => a.id) }),
          ...(flags.filter === undefined ? {} : { filter: flags.filter }),
          ...(flags.model === undefined ? {} : { model: flags.model }),
        },
        context,
      );
      const file = report.summary.files.graph;
      if (report.summary.aborted || file === undefined)
        throw new CliError('ERR_UNEXPECTED', 'the extraction stopped before the graph was written', {
          exitCode: EXIT_CODES.interrupted,
        });
      if (report.summary.apps.failed > 0)
        context.terminal.err(`warning: ${report.summary.apps.failed} app(s) failed; the trace lacks them`);
      return await readGraph(file);
    } finally {
      await site.close();
    }
  } finally {
    if (flags.out === undefined) await rm(outDir, { recursive: true, force: true });
  }
}
