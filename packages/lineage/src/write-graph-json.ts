import { redactValue } from '@qixflow/core';
import type { LineageGraph } from './generated/lineage-graph.js';
import { redactEdge, redactNode, redactReport } from './internal/graph/redact-graph.js';
import { LineWriter } from './internal/util/line-writer.js';

/** The JSON text of a graph: one node/edge/app per line, stable key order (the same graph, the same bytes). */
export async function* graphJsonChunks(graph: LineageGraph): AsyncGenerator<string, void, undefined> {
  yield `{"schemaVersion":${JSON.stringify(graph.schemaVersion)}`;
  if (graph.site) yield `,"site":${JSON.stringify(redactValue(graph.site))}`;
  // Graphs of extractAppLineage are redacted already (again is a no-op); a graph built or merged
  // elsewhere may not be, and this is where it leaves the process.
  const clean = { nodes: redactNode, edges: redactEdge, apps: redactReport } as const;
  for (const key of ['nodes', 'edges', 'apps'] as const) {
    yield `,\n"${key}":[`;
    const list: readonly unknown[] = graph[key];
    const redactOne = clean[key] as (item: unknown) => unknown;
    for (let i = 0; i < list.length; i++) yield `${i === 0 ? '\n' : ',\n'}${JSON.stringify(redactOne(list[i]))}`;
    yield '\n]';
  }
  yield '}\n';
}

/**
 * Writes a graph as JSON (valid against `schemas/lineage-graph.schema.json`), one node, edge or app
 * report per line so that diffs between runs are readable.
 *
 * @example
 * ```ts
 * await writeGraphJson(graph, 'out/lineage.json');
 * ```
 */
export async function writeGraphJson(graph: LineageGraph, file: string): Promise<void> {
  const out = new LineWriter(file);
  for await (const chunk of graphJsonChunks(graph)) await out.write(chunk);
  await out.close();
}
