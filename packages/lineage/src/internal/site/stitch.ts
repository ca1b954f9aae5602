import { redact } from '@qixflow/core';
import type { LineageEdge, LineageNode } from '../../generated/lineage-graph.js';
import { CONFIDENCE } from '../graph/confidence.js';
import type { DatasetUse } from '../graph/dataset-index.js';
import { GraphBuilder, type Origin } from '../graph/graph-builder.js';
import { ids } from '../graph/node-ids.js';

/** What stitching needs to know about an app. */
export interface StitchApp {
  readonly appId: string;
  readonly name: string;
  readonly streamId: string | null;
  readonly datasets: readonly DatasetUse[];
  readonly binaryPaths: readonly string[];
}

/** Site-level facts. */
export interface StitchSite {
  readonly host: string;
  readonly streams: readonly { readonly id: string; readonly name: string }[];
  readonly connections: readonly {
    readonly id: string;
    readonly name: string;
    readonly type: string;
    readonly connectionString: string;
  }[];
}

const REPOSITORY: Origin = { provenance: 'repository', confidence: CONFIDENCE.confirmed };

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The app a BINARY path names: by id in the path, else by file name = app name. */
function binaryTarget(path: string, apps: readonly StitchApp[]): { app: StitchApp; confidence: number } | undefined {
  const id = GUID.exec(path)?.[0]?.toLowerCase();
  if (id) {
    const app = apps.find((a) => a.appId.toLowerCase() === id);
    if (app) return { app, confidence: CONFIDENCE.script };
  }
  const base = (
    path
      .replace(/\\/g, '/')
      .replace(/[\]\s]+$/, '')
      .split('/')
      .pop() ?? ''
  )
    .replace(/\.(qvf|qvw)$/i, '')
    .toLowerCase();
  const byName = apps.filter((a) => a.name.toLowerCase() === base);
  return byName.length === 1 && byName[0] ? { app: byName[0], confidence: CONFIDENCE.heuristic } : undefined;
}

function fieldId(datasetId: string, field: string): string {
  return ids.datasetField(datasetId, field);
}

/**
 * The site level of a crawl: Site, Stream and Connection nodes, CONTAINS edges to the apps, and the
 * cross-app edges — SAME_AS between the datasets (and their fields) of different apps with the same
 * normalised identity, from each app that writes it to each app that reads it (when no app writes
 * it, from the first reader by app id to the others), and BINARY_FROM.
 */
export function stitchSite(
  site: StitchSite | null,
  apps: readonly StitchApp[],
): { nodes: LineageNode[]; edges: LineageEdge[] } {
  const g = new GraphBuilder();
  if (site) {
    const siteId = ids.site(site.host);
    g.node('Site', siteId, site.host, { host: site.host }, REPOSITORY);
    const known = new Set(site.streams.map((s) => s.id));
    for (const s of site.streams) {
      g.node('Stream', ids.stream(s.id), s.name, { streamId: s.id }, REPOSITORY);
      g.edge('CONTAINS', siteId, ids.stream(s.id), {}, REPOSITORY);
    }
    for (const c of site.connections) {
      g.node(
        'Connection',
        ids.connection(c.name),
        c.name,
        {
          connectionId: c.id,
          connectionType: c.type,
          connectionString: redact(c.connectionString),
          resolved: true,
        },
        REPOSITORY,
      );
    }
    for (const a of apps) {
      const parent = a.streamId && known.has(a.streamId) ? ids.stream(a.streamId) : siteId;
      g.edge('CONTAINS', parent, ids.app(a.appId), {}, REPOSITORY);
    }
  }
  // SAME_AS across apps.
  const byIdentity = new Map<string, { app: StitchApp; use: DatasetUse }[]>();
  for (const app of apps) {
    for (const use of app.datasets) {
      const list = byIdentity.get(use.identity) ?? [];
      list.push({ app, use });
      byIdentity.set(use.identity, list);
    }
  }
  for (const [identity, uses] of [...byIdentity].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const writers = uses.filter((u) => u.use.role === 'write');
    const readers = uses.filter((u) => u.use.role === 'read');
    const pairs: [DatasetUse, DatasetUse][] = [];
    if (writers.length > 0) {
      for (const w of writers) for (const r of readers) if (w.app.appId !== r.app.appId) pairs.push([w.use, r.use]);
    } else {
      const sorted = [...readers].sort((a, b) => (a.app.appId < b.app.appId ? -1 : a.app.appId > b.app.appId ? 1 : 0));
      const first = sorted[0];
      if (first) for (const r of sorted.slice(1)) if (r.app.appId !== first.app.appId) pairs.push([first.use, r.use]);
    }
    for (const [from, to] of pairs) {
      const confidence = Math.min(from.confidence, to.confidence);
      g.edge('SAME_AS', from.nodeId, to.nodeId, { identity }, { provenance: 'reconciled', confidence });
      const fromFields = new Set(from.fields);
      const fromLower = new Map(from.fields.map((f) => [f.toLowerCase(), f]));
      for (const f of to.fields) {
        if (f === '*') continue;
        const match = fromFields.has(f) ? f : fromLower.get(f.toLowerCase());
        if (match !== undefined && match !== '*') {
          g.edge(
            'SAME_AS',
            fieldId(from.nodeId, match),
            fieldId(to.nodeId, f),
            { identity },
            { provenance: 'reconciled', confidence },
          );
        } else if (fromFields.has('*')) {
          g.edge(
            'SAME_AS',
            fieldId(from.nodeId, '*'),
            fieldId(to.nodeId, f),
            { identity },
            { provenance: 'reconciled', confidence: CONFIDENCE.heuristic },
          );
        }
      }
    }
  }
  for (const app of apps) {
    for (const path of app.binaryPaths) {
      const target = binaryTarget(path, apps);
      if (target && target.app.appId !== app.appId) {
        g.edge(
          'BINARY_FROM',
          ids.app(app.appId),
          ids.app(target.app.appId),
          { path },
          { provenance: 'script', confidence: target.confidence },
        );
      }
    }
  }
  return g.build();
}
