import type { LineageCoverage } from '../../generated/lineage-graph.js';
import type { EngineTableRecord } from '../../lineage-doc.js';
import { CONFIDENCE } from '../graph/confidence.js';
import type { Origin } from '../graph/graph-builder.js';
import { ids } from '../graph/node-ids.js';
import type { ScriptContext, TableState } from '../script/script-context.js';

const MODEL: Origin = { provenance: 'model', confidence: CONFIDENCE.confirmed };
const RECONCILED: Origin = { provenance: 'reconciled', confidence: CONFIDENCE.confirmed };

/** Model field names of the app (from the model, or the script's end state): for resolving expressions. */
export interface ModelFields {
  readonly names: ReadonlySet<string>;
}

function modelTableNode(
  ctx: ScriptContext,
  name: string,
  attributes: { rows?: number; synthetic?: boolean; loose?: boolean; comment?: string },
  origin: Origin,
): string {
  const id = ids.modelTable(ctx.appId, name);
  ctx.graph.node('ModelTable', id, name, attributes, origin);
  ctx.graph.edge('CONTAINS', ctx.appNodeId, id, {}, origin);
  return id;
}

function modelFieldNode(
  ctx: ScriptContext,
  tableId: string,
  tableName: string,
  name: string,
  origin: Origin,
  extra: { keyType?: string; tags?: string[] } = {},
): string {
  const id = ids.modelField(ctx.appId, name);
  const node = ctx.graph.node('ModelField', id, name, { tables: [], ...extra }, origin);
  if (node.kind === 'ModelField' && !node.attributes.tables.includes(tableName)) {
    node.attributes.tables.push(tableName);
    if (extra.keyType && extra.keyType !== 'NOT_KEY') node.attributes.keyType = extra.keyType;
  }
  ctx.graph.edge('CONTAINS', tableId, id, {}, origin);
  return id;
}

function finalTables(ctx: ScriptContext): TableState[] {
  return ctx.tables.filter((t) => !t.dropped && !t.mapping);
}

const SCRIPT: Origin = { provenance: 'script', confidence: CONFIDENCE.script };

/**
 * Every statement that put rows into a script table (its LOAD, the CONCATENATEs and JOINs onto it):
 * each PRODUCES the model table too, so a dataset-level walk reaches the model from each of them.
 */
function producersOf(ctx: ScriptContext, table: TableState): string[] {
  let index = producerIndex.get(ctx);
  if (!index) {
    index = new Map();
    for (const e of ctx.graph.edgeList()) {
      if (e.kind !== 'PRODUCES') continue;
      const list = index.get(e.to) ?? [];
      if (!list.includes(e.from)) list.push(e.from);
      index.set(e.to, list);
    }
    producerIndex.set(ctx, index);
  }
  return index.get(table.id) ?? [table.producer];
}

// Built once per analysis, when the script's statements are all placed (model tables come after).
const producerIndex = new WeakMap<ScriptContext, Map<string, string[]>>();

/** Without the model: the script's end state stands for it (provenance script), coverage `unverified`. */
function modelFromScript(
  ctx: ScriptContext,
  predicted: readonly TableState[],
): { coverage: LineageCoverage; fields: ModelFields } {
  const names = new Set<string>();
  let pairs = 0;
  for (const table of predicted) {
    const tableId = modelTableNode(ctx, table.name, {}, SCRIPT);
    for (const producer of producersOf(ctx, table))
      ctx.graph.edge('PRODUCES', producer, tableId, { operation: 'model' }, SCRIPT);
    for (const f of table.fields) {
      const fieldId = modelFieldNode(ctx, tableId, table.name, f, SCRIPT);
      const from = table.fieldIds.get(f);
      if (from) ctx.graph.edge('DERIVES', from, fieldId, { transformation: 'identity', operation: 'model' }, SCRIPT);
      names.add(f);
      pairs++;
    }
  }
  return {
    coverage: {
      status: 'unverified',
      modelTables: predicted.length,
      modelFields: pairs,
      matchedFields: pairs,
      inferredFields: 0,
      ratio: 1,
      missingFromScript: [],
      notInModel: [],
      tablesMissingFromScript: [],
      tablesNotInModel: [],
    },
    fields: { names },
  };
}

/**
 * One table of GetTablesAndKeys: its ModelTable and ModelField nodes, linked to the script table and
 * fields that produce them; what matches and what does not is counted into `coverage`.
 */
function checkModelTable(
  ctx: ScriptContext,
  t: EngineTableRecord,
  predicted: readonly TableState[],
  coverage: LineageCoverage,
  names: Set<string>,
): TableState | undefined {
  coverage.modelTables++;
  const tableId = modelTableNode(
    ctx,
    t.qName,
    {
      ...(t.qNoOfRows !== undefined ? { rows: t.qNoOfRows } : {}),
      ...(t.qLoose ? { loose: true } : {}),
      ...(t.qComment ? { comment: t.qComment } : {}),
    },
    MODEL,
  );
  const script =
    predicted.find((p) => p.name === t.qName) ?? predicted.find((p) => p.name.toLowerCase() === t.qName.toLowerCase());
  if (script)
    for (const producer of producersOf(ctx, script))
      ctx.graph.edge('PRODUCES', producer, tableId, { operation: 'model' }, RECONCILED);
  else coverage.tablesMissingFromScript.push(t.qName);
  for (const f of t.qFields) {
    if (f.qIsSynthetic) continue;
    coverage.modelFields++;
    names.add(f.qName);
    const fieldId = modelFieldNode(ctx, tableId, t.qName, f.qName, MODEL, {
      ...(f.qKeyType ? { keyType: f.qKeyType } : {}),
      ...(f.qTags && f.qTags.length > 0 ? { tags: f.qTags.filter((tag) => !tag.startsWith('$')) } : {}),
    });
    const from = script?.fieldIds.get(f.qName);
    if (script && from) {
      coverage.matchedFields++;
      ctx.graph.edge('DERIVES', from, fieldId, { transformation: 'identity', operation: 'model' }, RECONCILED);
    } else if (script?.open) {
      coverage.inferredFields++;
      ctx.graph.edge(
        'DERIVES',
        ctx.star(script),
        fieldId,
        { transformation: 'identity', operation: 'model' },
        { provenance: 'reconciled', confidence: CONFIDENCE.heuristic },
      );
    } else {
      coverage.missingFromScript.push(`${t.qName}.${f.qName}`);
    }
  }
  if (script) {
    const inModel = new Set(t.qFields.map((f) => f.qName));
    for (const f of script.fields) if (!inModel.has(f)) coverage.notInModel.push(`${script.name}.${f}`);
  }
  return script;
}

/** The script tables the model does not have, the ratio, and a `coverage-mismatch` warning when they differ. */
function finishCoverage(
  ctx: ScriptContext,
  coverage: LineageCoverage,
  predicted: readonly TableState[],
  used: ReadonlySet<TableState>,
): void {
  for (const p of predicted) {
    if (used.has(p)) continue;
    coverage.tablesNotInModel.push(p.name);
    for (const f of p.fields) coverage.notInModel.push(`${p.name}.${f}`);
  }
  coverage.ratio =
    coverage.modelFields === 0 ? 1 : (coverage.matchedFields + coverage.inferredFields) / coverage.modelFields;
  if (coverage.missingFromScript.length > 0 || coverage.notInModel.length > 0) {
    ctx.diagnose(
      'coverage-mismatch',
      'warning',
      `the script analysis explains ${coverage.matchedFields + coverage.inferredFields} of ${coverage.modelFields} model fields` +
        (coverage.missingFromScript.length > 0
          ? `; not produced: ${coverage.missingFromScript.slice(0, 10).join(', ')}`
          : '') +
        (coverage.notInModel.length > 0 ? `; not in the model: ${coverage.notInModel.slice(0, 10).join(', ')}` : ''),
    );
  }
}

/**
 * Builds the data model part of the graph and the coverage report. With the model
 * (GetTablesAndKeys): ModelTable/ModelField nodes from it, each model field linked to the script
 * field that produces it (DERIVES, reconciled), and the differences listed. Without it: the
 * script's end state stands for the model (provenance script), coverage `unverified`.
 */
export function reconcileModel(
  ctx: ScriptContext,
  model: readonly EngineTableRecord[] | null,
): { coverage: LineageCoverage; fields: ModelFields } {
  const predicted = finalTables(ctx);
  if (model === null) return modelFromScript(ctx, predicted);
  const coverage: LineageCoverage = {
    status: 'checked',
    modelTables: 0,
    modelFields: 0,
    matchedFields: 0,
    inferredFields: 0,
    ratio: 1,
    missingFromScript: [],
    notInModel: [],
    tablesMissingFromScript: [],
    tablesNotInModel: [],
  };
  const names = new Set<string>();
  const used = new Set<TableState>();
  for (const t of model) {
    if (t.qIsSynthetic) continue;
    const script = checkModelTable(ctx, t, predicted, coverage, names);
    if (script) used.add(script);
  }
  finishCoverage(ctx, coverage, predicted, used);
  return { coverage, fields: { names } };
}
