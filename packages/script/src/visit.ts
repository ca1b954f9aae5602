import type { Node } from './ast.js';

/** Called for every node; return `false` to skip the node's children. */
export type Visitor = (node: Node, parent: Node | null) => boolean | undefined;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

function walk(node: Node, parent: Node | null, visitor: Visitor): void {
  if (visitor(node, parent) === false) return;
  for (const key of Object.keys(node)) {
    if (key === 'span') continue;
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, node, visitor);
    } else if (isNode(value)) walk(value, node, visitor);
  }
}

/**
 * Walks a tree depth-first in source order (a node before its children), calling `visitor` with each
 * node and its parent.
 *
 * @example
 * ```ts
 * const { ast } = parseScript(script);
 * const residents: string[] = [];
 * visit(ast, (node) => {
 *   if (node.kind === 'ResidentSource') residents.push(node.table);
 *   return undefined;
 * });
 * ```
 */
export function visit(root: Node, visitor: Visitor): void {
  walk(root, null, visitor);
}
