import type { EngineLineageInfo } from '../../lineage-doc.js';
import { type ClassifiedLineage, classifyLineageRow, type EngineSource } from '../datasets/classify-discriminator.js';
import { dbTableDataset, fileDataset, globMatches } from '../datasets/dataset-identity.js';
import { CONFIDENCE } from '../graph/confidence.js';
import type { Origin } from '../graph/graph-builder.js';
import { ids } from '../graph/node-ids.js';
import type { ScriptContext, SinkUse, SourceUse } from '../script/script-context.js';
import { sha256Hex } from '../util/hash.js';
import { truncate } from '../util/truncate.js';
import { emptyLineageMessage, type ReloadState } from './reload-state.js';

const RECONCILED: Origin = { provenance: 'reconciled', confidence: CONFIDENCE.confirmed };
const ENGINE: Origin = { provenance: 'engine-lineage', confidence: CONFIDENCE.engineOnly };
const UNCONFIRMED: Origin = { provenance: 'script', confidence: CONFIDENCE.unconfirmed };

function matchesIdentity(use: { identities: readonly string[]; pattern: boolean }, identity: string): boolean {
  return use.identities.some((i) => i === identity || (use.pattern && globMatches(i, identity)));
}

/** The first unmatched script read a GetLineage row stands for. */
function findSource(ctx: ScriptContext, row: ClassifiedLineage): { use: SourceUse; identity?: string } | undefined {
  const s = row.source;
  const open = ctx.sources.filter((u) => !u.matched || u.pattern);
  switch (s.kind) {
    case 'file':
    case 'web': {
      const identity = fileDataset(s.path, s.format, ctx.connections).identity;
      const use = open.find((u) => (u.kind === 'file' || u.kind === 'web') && matchesIdentity(u, identity));
      return use ? { use, identity } : undefined;
    }
    case 'resident': {
      const table = s.table.toLowerCase();
      const use = open.find(
        (u) => u.kind === 'resident' && !u.matched && (u.residentTable ?? '').toLowerCase() === table,
      );
      return use ? { use } : undefined;
    }
    case 'inline':
    case 'autogenerate': {
      const use = open.find((u) => u.kind === s.kind && !u.matched);
      return use ? { use } : undefined;
    }
    case 'extension':
    case 'binary': {
      const use = open.find((u) => u.kind === s.kind && !u.matched);
      return use ? { use } : undefined;
    }
    case 'connection': {
      const name = ctx.connectionName(s.connection).toLowerCase();
      const wanted = s.tables.map((t) => dbTableDataset(name, t).identity);
      const candidates = open.filter(
        (u) => u.kind === 'db' && !u.matched && (u.connection ?? '').toLowerCase() === name,
      );
      const use =
        candidates.find((u) => wanted.length > 0 && wanted.every((w) => u.identities.includes(w))) ??
        (wanted.length === 0 ? candidates[0] : undefined);
      return use ? { use } : undefined;
    }
    case 'store':
      return undefined;
  }
}

function findSink(ctx: ScriptContext, identity: string): SinkUse | undefined {
  return ctx.sinks.find(
    (u) => (!u.matched || u.pattern) && (u.identity === identity || (u.pattern && globMatches(u.identity, identity))),
  );
}

/** Statement node of a GetLineage row no script statement explains. */
function engineStatement(ctx: ScriptContext, row: ClassifiedLineage, index: number): string {
  const id = ids.statement(ctx.appId, `engine-${sha256Hex(`${row.discriminator}\u0000${row.statement}`, 12)}-${index}`);
  const t = truncate((row.statement || row.discriminator).trim(), 1000);
  ctx.graph.node(
    'ScriptStatement',
    id,
    `GetLineage: ${truncate(row.discriminator, 80).text}`,
    {
      statementKind: 'engine',
      text: t.text,
      ...(t.truncated ? { textTruncated: true } : {}),
      engineDiscriminator: truncate(row.discriminator, 500).text,
    },
    ENGINE,
  );
  return id;
}

/** A concrete dataset GetLineage reported for a script pattern, linked to it by SAME_AS. */
function resolvePattern(
  ctx: ScriptContext,
  patternId: string,
  identity: string,
  path: string,
  format: string | undefined,
): string {
  const ref = fileDataset(path, format, ctx.connections);
  const id = ctx.dataset(ref, path);
  ctx.graph.set(id, RECONCILED);
  ctx.graph.edge('SAME_AS', id, patternId, { identity }, RECONCILED);
  const pattern = ctx.graph.getNode(patternId);
  if (pattern?.kind === 'ExternalDataset') {
    pattern.attributes.resolvedPaths = [...new Set([...(pattern.attributes.resolvedPaths ?? []), path])];
  }
  // Field-level: the pattern's fields exist on the concrete dataset too.
  for (const node of ctx.graph.nodeList()) {
    if (node.kind === 'DatasetField' && node.attributes.dataset === patternId) {
      const f = ctx.datasetField(id, node.name, RECONCILED);
      ctx.graph.edge('SAME_AS', f, node.id, { identity }, RECONCILED);
    }
  }
  return id;
}

type StoreSource = Extract<EngineSource, { kind: 'store' }>;

/** A STORE the last reload did: confirms the script's write (resolving a pattern), or is kept from the engine. */
function reconcileStore(
  ctx: ScriptContext,
  row: ClassifiedLineage,
  store: StoreSource,
  index: number,
  confirmed: Set<string>,
): void {
  const ref = fileDataset(store.path, store.format, ctx.connections);
  const sink = findSink(ctx, ref.identity);
  if (sink) {
    sink.matched = true;
    confirmed.add(sink.statementId);
    const discriminator = truncate(row.discriminator, 500).text;
    if (sink.pattern) {
      const id = resolvePattern(ctx, sink.datasetId, ref.identity, store.path, store.format);
      ctx.graph.edge(
        'WRITES',
        sink.statementId,
        id,
        { format: ref.format ?? 'qvd', engineDiscriminator: discriminator },
        RECONCILED,
      );
    } else {
      ctx.graph.set(sink.edgeId, RECONCILED);
      ctx.graph.set(sink.datasetId, RECONCILED);
      const edge = ctx.graph.getEdge(sink.edgeId);
      if (edge?.kind === 'WRITES') edge.attributes.engineDiscriminator = discriminator;
    }
    const stmt = ctx.graph.getNode(sink.statementId);
    if (stmt?.kind === 'ScriptStatement') stmt.attributes.engineDiscriminator = discriminator;
    return;
  }
  const stmtId = engineStatement(ctx, row, index);
  const dsId = ctx.dataset(ref, store.path);
  ctx.graph.set(dsId, ENGINE);
  ctx.graph.edge(
    'WRITES',
    stmtId,
    dsId,
    {
      format: ref.format ?? store.format ?? 'qvd',
      engineDiscriminator: truncate(row.discriminator, 500).text,
    },
    ENGINE,
  );
  ctx.diagnose(
    'engine-only-source',
    'info',
    `GetLineage reports a STORE into ${store.path} that the script analysis did not find`,
  );
}

/** A read the last reload did that a script read stands for: the script's edges and datasets are confirmed. */
function confirmRead(
  ctx: ScriptContext,
  row: ClassifiedLineage,
  found: { use: SourceUse; identity?: string },
  confirmed: Set<string>,
): void {
  const { use } = found;
  use.matched = true;
  confirmed.add(use.statementId);
  const discriminator = truncate(row.discriminator, 500).text;
  const stmt = ctx.graph.getNode(use.statementId);
  if (stmt?.kind === 'ScriptStatement') stmt.attributes.engineDiscriminator = discriminator;
  if (use.pattern && found.identity !== undefined && (row.source.kind === 'file' || row.source.kind === 'web')) {
    const patternId = use.datasetIds[0];
    if (patternId) {
      const id = resolvePattern(ctx, patternId, found.identity, row.source.path, row.source.format);
      ctx.graph.edge('READS', use.statementId, id, { mode: 'from', engineDiscriminator: discriminator }, RECONCILED);
    }
    return;
  }
  for (const e of use.edgeIds) {
    ctx.graph.set(e, RECONCILED);
    const edge = ctx.graph.getEdge(e);
    if (edge?.kind === 'READS') edge.attributes.engineDiscriminator = discriminator;
  }
  for (const d of use.datasetIds) ctx.graph.set(d, RECONCILED);
}

type ReadMode = 'from' | 'sql' | 'inline' | 'autogenerate' | 'extension' | 'resident' | 'binary';

/** The dataset (and READS mode) of an engine-only read; SQL tables and resident tables get their READS here. */
function engineReadTarget(
  ctx: ScriptContext,
  row: ClassifiedLineage,
  index: number,
  stmtId: string,
): { dsId: string | undefined; mode: ReadMode } {
  const s = row.source;
  if (s.kind === 'file' || s.kind === 'web')
    return { dsId: ctx.dataset(fileDataset(s.path, s.format, ctx.connections), s.path), mode: 'from' };
  if (s.kind === 'connection') {
    const name = ctx.connectionName(s.connection);
    ctx.graph.edge('USES_CONNECTION', stmtId, ctx.connectionNode(s.connection), {}, ENGINE);
    for (const t of s.tables.length > 0 ? s.tables : ['']) {
      const ref =
        t === ''
          ? {
              datasetType: 'unknown' as const,
              identity: `db://${name.toLowerCase()}/`,
              connection: name,
              pattern: false,
            }
          : dbTableDataset(name, t);
      const id = ctx.dataset(ref, t || name);
      ctx.graph.set(id, ENGINE);
      ctx.graph.edge(
        'READS',
        stmtId,
        id,
        { mode: 'sql', engineDiscriminator: truncate(row.discriminator, 500).text },
        ENGINE,
      );
    }
    return { dsId: undefined, mode: 'sql' };
  }
  if (s.kind === 'resident') {
    const table =
      ctx.table(s.table) ?? ctx.tables.find((t) => t.names.some((n) => n.toLowerCase() === s.table.toLowerCase()));
    if (table)
      ctx.graph.edge(
        'READS',
        stmtId,
        table.id,
        { mode: 'resident', engineDiscriminator: truncate(row.discriminator, 500).text },
        ENGINE,
      );
    return { dsId: undefined, mode: 'from' };
  }
  if (s.kind === 'binary') {
    // A BINARY the script analysis missed (an include it could not read): the app edge still counts.
    const dsId = ctx.dataset(
      { datasetType: 'app', identity: `app:${s.path.toLowerCase()}`, path: s.path, pattern: false },
      s.path,
    );
    if (!ctx.binaryPaths.includes(s.path)) ctx.binaryPaths.push(s.path);
    return { dsId, mode: 'binary' };
  }
  if (s.kind === 'inline' || s.kind === 'autogenerate' || s.kind === 'extension') {
    const dsId = ctx.dataset(
      { datasetType: s.kind, identity: `${s.kind}:${ctx.appId}:engine-${index}`, pattern: false },
      s.kind.toUpperCase(),
    );
    return { dsId, mode: s.kind };
  }
  return { dsId: undefined, mode: 'from' };
}

/** A read the last reload did that no script statement explains: kept, from the engine (0.9). */
function recordEngineOnlyRead(ctx: ScriptContext, row: ClassifiedLineage, index: number): void {
  const stmtId = engineStatement(ctx, row, index);
  const { dsId, mode } = engineReadTarget(ctx, row, index, stmtId);
  if (dsId) {
    ctx.graph.set(dsId, ENGINE);
    ctx.graph.edge('READS', stmtId, dsId, { mode, engineDiscriminator: truncate(row.discriminator, 500).text }, ENGINE);
  }
  ctx.diagnose(
    'engine-only-source',
    'info',
    `GetLineage reports ${truncate(row.discriminator, 120).text} that the script analysis did not find`,
  );
}

/**
 * Script reads and writes the reload did not do drop to 0.6, and so do the field-level edges of
 * statements that read or write something the reload did not confirm.
 */
function lowerUnconfirmed(ctx: ScriptContext, confirmed: ReadonlySet<string>): void {
  for (const use of ctx.sources) {
    if (use.matched || use.kind === 'binary') continue;
    for (const e of use.edgeIds) lower(ctx, e);
    for (const d of use.datasetIds) lower(ctx, d);
    const stmt = ctx.graph.getNode(use.statementId);
    ctx.diagnose(
      'script-only-source',
      'info',
      `GetLineage does not confirm this read (${stmt?.name ?? use.statementId})`,
      undefined,
    );
  }
  for (const sink of ctx.sinks) {
    if (sink.matched) continue;
    lower(ctx, sink.edgeId);
    lower(ctx, sink.datasetId);
    ctx.diagnose('script-only-source', 'info', `GetLineage does not confirm the STORE into ${sink.identity}`);
  }
  // Field-level edges follow their statement.
  for (const [statementId, edges] of ctx.derivesByStatement) {
    if (confirmed.has(statementId)) continue;
    const stmt = ctx.graph.getNode(statementId);
    const readsSomething =
      ctx.sources.some((u) => u.statementId === statementId) || ctx.sinks.some((u) => u.statementId === statementId);
    if (!readsSomething || stmt?.kind !== 'ScriptStatement') continue;
    for (const e of edges) lower(ctx, e);
  }
}

/**
 * Reconciles the script's reads and writes with `GetLineage` (what the last reload really did, with
 * expanded paths): matched edges become `reconciled` (confidence 1); script reads the reload did not
 * do drop to 0.6 (a branch not taken, a changed script); rows no statement explains become
 * `engine-lineage` statements and datasets (0.9). Pattern paths get their concrete datasets.
 */
export function reconcileLineage(
  ctx: ScriptContext,
  lineage: readonly EngineLineageInfo[] | null,
  reload: ReloadState = { kind: 'unknown' },
): void {
  if (lineage === null) {
    ctx.diagnose(
      'lineage-unavailable',
      'warning',
      'GetLineage failed (it needs reload rights): sources are from the script only',
    );
    return;
  }
  if (lineage.length === 0) {
    if (ctx.sources.length + ctx.sinks.length > 0) ctx.diagnose('lineage-empty', 'info', emptyLineageMessage(reload));
    return;
  }
  const confirmed = new Set<string>();
  lineage.forEach((raw, index) => {
    const row = classifyLineageRow(raw);
    if (row.source.kind === 'store') {
      reconcileStore(ctx, row, row.source, index, confirmed);
      return;
    }
    const found = findSource(ctx, row);
    if (found) confirmRead(ctx, row, found, confirmed);
    else recordEngineOnlyRead(ctx, row, index);
  });
  lowerUnconfirmed(ctx, confirmed);
}

function lower(ctx: ScriptContext, id: string): void {
  const target = ctx.graph.getEdge(id) ?? ctx.graph.getNode(id);
  if (target?.provenance !== 'script') return;
  if (target.confidence > UNCONFIRMED.confidence) ctx.graph.set(id, UNCONFIRMED);
}
