import { describe, expect, it } from 'vitest';
import type { Entity, EntityEdge, EntityGraph, EntityKind } from '../../src/internal/html/entity-graph.js';
import { contract, focusView, groupsOf, overviewView, withEntities } from '../../src/internal/html/entity-view.js';

function entity(id: string, kind: EntityKind, name: string, groupKey: string[]): Entity {
  return { id, kind, name, detail: '', aliases: [], groupKey, nodeIds: [id], columns: [] };
}

/** `chains` chains of extract app → QVD → front-end app; front ends in 4 streams, extracts unpublished. */
function chains(n: number): EntityGraph {
  const entities = new Map<string, Entity>();
  const edges: EntityEdge[] = [];
  for (let i = 0; i < n; i++) {
    const extract = entity(`app:x${i}`, 'app', `Extract ${i}`, ['Apps', 'Not published']);
    const front = entity(`app:f${i}`, 'app', `Front ${i}`, ['Apps', `Stream ${i % 4}`]);
    const q = entity(`dataset:q${i}`, 'qvd', `data${i}.qvd`, ['QVDs', 'lib://qvds', 'chains', `chain${i}`]);
    for (const e of [extract, front, q]) entities.set(e.id, e);
    edges.push({ from: extract.id, to: q.id, kind: 'writes' }, { from: q.id, to: front.id, kind: 'reads' });
  }
  return { entities, edges, entityOf: (id) => (entities.has(id) ? id : undefined) };
}

describe('the entity views of the HTML page', () => {
  it('shows a small site whole', () => {
    const g = chains(5);
    const view = overviewView(g, contract(g, new Set()), new Set());
    expect(view.nodes).toHaveLength(15);
    expect(view.nodes.every((n) => n.type === 'entity')).toBe(true);
    expect(view.edges).toHaveLength(10);
  });

  it('groups a large site to the finest folder level that fits, and every entity is in exactly one node', () => {
    const g = chains(100);
    const contracted = contract(g, new Set());
    const view = overviewView(g, contracted, new Set(), { overview: 48, ring: 24 });
    expect(view.nodes.length).toBeLessThanOrEqual(48);
    expect(view.nodes.map((n) => n.id).sort()).toEqual([
      'group:Apps/Not published',
      'group:Apps/Stream 0',
      'group:Apps/Stream 1',
      'group:Apps/Stream 2',
      'group:Apps/Stream 3',
      'group:QVDs/lib://qvds/chains',
    ]);
    const members = view.nodes.flatMap((n) => n.members);
    expect(members.sort()).toEqual([...g.entities.keys()].sort());
    // Edges between groups count the entity edges they stand for.
    expect(view.edges).toContainEqual({
      from: 'group:Apps/Not published',
      to: 'group:QVDs/lib://qvds/chains',
      count: 100,
      transitive: false,
    });
  });

  it('opens a group too long for one level into sorted slices, and a slice into its entities', () => {
    const g = chains(100);
    const contracted = contract(g, new Set());
    const opened = overviewView(g, contracted, new Set(['group:QVDs/lib://qvds/chains']));
    const slices = opened.nodes.filter((n) => n.id.startsWith('group:QVDs/lib://qvds/chains~'));
    expect(slices.length).toBeGreaterThan(1);
    expect(slices.length).toBeLessThanOrEqual(24);
    // Natural order: chain2 before chain10.
    expect(slices[0]?.label).toBe('chain0/data0.qvd … chain19/data19.qvd');
    expect(slices.flatMap((s) => s.members)).toHaveLength(100);
    const first = slices[0]?.id ?? '';
    const inner = overviewView(g, contracted, new Set(['group:QVDs/lib://qvds/chains', first]));
    expect(inner.nodes.filter((n) => n.type === 'entity' && n.kind === 'qvd')).toHaveLength(20);
    expect(groupsOf(g, contracted, 'dataset:q3')).toEqual(['group:QVDs/lib://qvds/chains', first]);
  });

  it('contracts hidden kinds into transitive edges', () => {
    const g = chains(3);
    const contracted = contract(g, new Set(['qvd']));
    expect(contracted.visible.has('dataset:q0')).toBe(false);
    expect(contracted.out.get('app:x0')).toEqual([{ from: 'app:x0', to: 'app:f0', count: 1, transitive: true }]);
    const shown = contract(g, new Set());
    expect(shown.out.get('app:x0')).toEqual([{ from: 'app:x0', to: 'dataset:q0', count: 1, transitive: false }]);
  });

  it('focuses N hops up and down, and folds a long ring into one "more" node', () => {
    const entities = new Map<string, Entity>();
    const edges: EntityEdge[] = [];
    const hub = entity('dataset:hub', 'qvd', 'hub.qvd', ['QVDs', 'lib://q']);
    entities.set(hub.id, hub);
    const writer = entity('app:w', 'app', 'Writer', ['Apps', 'x']);
    entities.set(writer.id, writer);
    edges.push({ from: writer.id, to: hub.id, kind: 'writes' });
    for (let i = 0; i < 30; i++) {
      const r = entity(`app:r${i}`, 'app', `Reader ${i}`, ['Apps', 'x']);
      entities.set(r.id, r);
      edges.push({ from: hub.id, to: r.id, kind: 'reads' });
    }
    const g: EntityGraph = { entities, edges, entityOf: (id) => id };
    const view = focusView(g, contract(g, new Set()), hub.id, 2, new Set(), { overview: 48, ring: 10 });
    expect(view.nodes.find((n) => n.role === 'focus')?.id).toBe(hub.id);
    expect(view.nodes.filter((n) => n.role === 'up').map((n) => n.id)).toEqual(['app:w']);
    const down = view.nodes.filter((n) => n.role === 'down');
    expect(down).toHaveLength(10);
    const more = down.find((n) => n.type === 'more');
    expect(more?.members).toHaveLength(21);
    expect(more?.label).toBe('21 more');
    expect(view.edges).toContainEqual({ from: hub.id, to: 'more:down:1', count: 21, transitive: false });
    // A path through one of the folded readers draws it, and the "more" node keeps the rest.
    const folded = more?.members[0] ?? '';
    const withPath = withEntities(g, contract(g, new Set()), view, new Map([[folded, 'down' as const]]));
    expect(withPath.nodes.filter((n) => n.id === folded)).toHaveLength(1);
    expect(withPath.nodes.find((n) => n.type === 'more')).toMatchObject({ label: '20 more' });
    expect(withPath.nodes.find((n) => n.type === 'more')?.members).not.toContain(folded);
    expect(withPath.edges).toContainEqual({ from: hub.id, to: folded, count: 1, transitive: false });
  });
});
