import { describe, expect, it } from 'vitest';
import type { NodeKind } from '../src/index.js';
import { parseScript, visit } from '../src/index.js';

describe('visit', () => {
  it('walks every node depth-first in source order with its parent', () => {
    const { ast } = parseScript('IF a THEN\n  T: LOAD x RESIDENT S;\nEND IF');
    const seen: string[] = [];
    visit(ast, (node, parent) => {
      seen.push(`${parent?.kind ?? '-'}>${node.kind}`);
      return undefined;
    });
    expect(seen).toEqual([
      '->Script',
      'Script>If',
      'If>IfBranch',
      'IfBranch>FieldRef',
      'IfBranch>LoadStatement',
      'LoadStatement>Load',
      'Load>LoadField',
      'LoadField>FieldRef',
      'Load>ResidentSource',
    ]);
  });

  it('skips the children of a node when the visitor returns false', () => {
    const { ast } = parseScript('T: LOAD Sum(a) AS s RESIDENT S GROUP BY b;');
    const kinds: NodeKind[] = [];
    visit(ast, (node) => {
      kinds.push(node.kind);
      return node.kind !== 'LoadField';
    });
    expect(kinds).not.toContain('FunctionCall');
    expect(kinds).toContain('ResidentSource');
  });
});
