import { isSecretName, REDACTED, redactValue } from '@qixflow/core';
import type { AppReport, LineageEdge, LineageNode } from '../../generated/lineage-graph.js';

/**
 * A node with every string redacted (names, ids, statement texts, connection strings, paths), and
 * the definition of a variable whose name says it holds a credential (`vDbPassword`, `vApiToken`)
 * masked whole: its value has no `key=` around it for the text rules to find. Ids change the same
 * way wherever they occur, so edges still meet their nodes.
 */
export function redactNode<N extends LineageNode>(node: N): N {
  const clean = redactValue(node);
  if (clean.kind === 'Variable' && clean.attributes.definition !== undefined && isSecretName(clean.name)) {
    clean.attributes.definition = REDACTED;
  }
  return clean;
}

/** An edge with every string redacted. */
export function redactEdge<E extends LineageEdge>(edge: E): E {
  return redactValue(edge);
}

/** An app report with its script, diagnostics and error redacted. */
export function redactReport(report: AppReport): AppReport {
  return redactValue(report);
}
