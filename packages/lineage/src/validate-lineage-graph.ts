import { Ajv, type ValidateFunction } from 'ajv';
import { lineageGraphSchema } from './generated/lineage-graph.js';

let validator: ValidateFunction | undefined;

/**
 * Validates a value against `schemas/lineage-graph.schema.json` (ajv), and checks what a schema
 * cannot: unique ids, and edges whose ends are nodes of the graph.
 *
 * @example
 * ```ts
 * const { valid, errors } = validateLineageGraph(JSON.parse(await readFile('lineage.json', 'utf8')));
 * ```
 */
export function validateLineageGraph(value: unknown): { valid: boolean; errors: string[] } {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(lineageGraphSchema);
  const errors: string[] = [];
  if (!validator(value)) {
    for (const e of validator.errors ?? []) errors.push(`${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    return { valid: false, errors };
  }
  const graph = value as { nodes: { id: string }[]; edges: { id: string; from: string; to: string }[] };
  const nodeIds = new Set<string>();
  for (const n of graph.nodes) {
    if (nodeIds.has(n.id)) errors.push(`duplicate node id ${n.id}`);
    nodeIds.add(n.id);
  }
  const edgeIds = new Set<string>();
  for (const e of graph.edges) {
    if (edgeIds.has(e.id)) errors.push(`duplicate edge id ${e.id}`);
    edgeIds.add(e.id);
    if (!nodeIds.has(e.from)) errors.push(`edge ${e.id} starts at unknown node ${e.from}`);
    if (!nodeIds.has(e.to)) errors.push(`edge ${e.id} ends at unknown node ${e.to}`);
    if (errors.length > 50) break;
  }
  return { valid: errors.length === 0, errors };
}
