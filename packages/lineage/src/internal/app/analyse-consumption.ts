import { fieldsOf, parseExpression } from '@qixflow/script';
import type { ReferencesAttributes } from '../../generated/lineage-graph.js';
import type { EngineObjectEntry } from '../../lineage-doc.js';
import { CONFIDENCE } from '../graph/confidence.js';
import type { Origin } from '../graph/graph-builder.js';
import { ids } from '../graph/node-ids.js';
import type { ScriptContext } from '../script/script-context.js';
import type { AppSnapshot } from './app-snapshot.js';
import type { ModelFields } from './reconcile-model.js';

type Usage = ReferencesAttributes['usage'];

const MODEL: Origin = { provenance: 'model', confidence: CONFIDENCE.confirmed };

/** Resolves expressions of charts, master items and variables to model fields, variables and master items. */
class ConsumptionAnalyser {
  readonly #ctx: ScriptContext;
  readonly #fields: ModelFields;
  readonly #variables = new Map<string, string>();
  readonly #dimensions = new Map<string, string>();
  readonly #measures = new Map<string, string>();

  constructor(ctx: ScriptContext, fields: ModelFields) {
    this.#ctx = ctx;
    this.#fields = fields;
  }

  /** A variable node (created unresolved when nobody defines it). */
  variable(name: string, attributes?: { definition?: string; scriptCreated: boolean }, origin: Origin = MODEL): string {
    const known = this.#variables.get(name.toLowerCase());
    if (known) {
      const node = this.#ctx.graph.getNode(known);
      if (attributes && node?.kind === 'Variable' && node.attributes.unresolved) {
        node.attributes = { ...attributes };
        node.provenance = origin.provenance;
        node.confidence = origin.confidence;
      }
      return known;
    }
    const id = ids.variable(this.#ctx.appId, name);
    this.#ctx.graph.node(
      'Variable',
      id,
      name,
      attributes ?? { scriptCreated: false, unresolved: true },
      attributes ? origin : { provenance: 'model', confidence: CONFIDENCE.pattern },
    );
    this.#ctx.graph.edge('CONTAINS', this.#ctx.appNodeId, id, {}, attributes ? origin : MODEL);
    this.#variables.set(name.toLowerCase(), id);
    return id;
  }

  hasVariable(name: string): boolean {
    return this.#variables.has(name.toLowerCase());
  }

  /** A model field node; an unresolved one (and a diagnostic) when the model has no such field. */
  #field(name: string, from: string): string {
    const id = ids.modelField(this.#ctx.appId, name);
    if (!this.#ctx.graph.hasNode(id)) {
      this.#ctx.graph.node(
        'ModelField',
        id,
        name,
        { tables: [], unresolved: true },
        { provenance: 'model', confidence: CONFIDENCE.pattern },
      );
      this.#ctx.graph.edge('CONTAINS', this.#ctx.appNodeId, id, {}, MODEL);
      const owner = this.#ctx.graph.getNode(from);
      this.#ctx.diagnose(
        'unresolved-field',
        'warning',
        `${owner?.name ?? from} uses ${name}, which is not a field of the data model`,
      );
    }
    return id;
  }

  /** REFERENCES edges from `from` for every field, variable and master item an expression uses. */
  expression(from: string, text: string, usage: Usage, options: { quiet?: boolean } = {}): void {
    const source = text.trim().replace(/^=/, '').trim();
    if (source === '') return;
    const parsed = parseExpression(source).ast;
    const confidence = parsed.kind === 'InvalidExpression' ? CONFIDENCE.heuristic : CONFIDENCE.confirmed;
    const refs = fieldsOf(parsed);
    const expression = source.slice(0, 500);
    const add = (name: string, kind: Usage) => {
      if (this.#fields.names.has(name)) {
        this.#ctx.graph.edge(
          'REFERENCES',
          from,
          this.#field(name, from),
          { usage: kind, expression },
          { provenance: 'model', confidence },
          kind,
        );
        return;
      }
      if (this.hasVariable(name)) {
        this.#ctx.graph.edge(
          'REFERENCES',
          from,
          this.variable(name),
          { usage: 'variable', expression },
          { provenance: 'model', confidence },
          'variable',
        );
        return;
      }
      if (options.quiet) return;
      this.#ctx.graph.edge(
        'REFERENCES',
        from,
        this.#field(name, from),
        { usage: kind, expression },
        { provenance: 'model', confidence: CONFIDENCE.pattern },
        kind,
      );
    };
    for (const f of refs.fields) add(f, usage);
    for (const f of refs.setFields) add(f, 'set');
    for (const v of refs.variables) {
      if (options.quiet && !this.hasVariable(v)) continue;
      this.#ctx.graph.edge(
        'REFERENCES',
        from,
        this.variable(v),
        { usage: 'variable', expression },
        { provenance: 'model', confidence },
        'variable',
      );
    }
  }

  /** A dimension definition: a field name, or an expression when it starts with `=`. */
  fieldDef(from: string, def: string, usage: Usage): void {
    const t = def.trim();
    if (t === '') return;
    if (t.startsWith('=')) {
      this.expression(from, t, usage);
      return;
    }
    const name = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
    this.#ctx.graph.edge(
      'REFERENCES',
      from,
      this.#field(name, from),
      { usage },
      { provenance: 'model', confidence: CONFIDENCE.confirmed },
      usage,
    );
  }

  dimension(d: AppSnapshot['dimensions'][number]): void {
    const id = ids.dimension(this.#ctx.appId, d.id);
    this.#ctx.graph.node(
      'MasterDimension',
      id,
      d.title || d.id,
      {
        libraryId: d.id,
        grouping: d.grouping,
        fieldDefs: [...d.fieldDefs],
        ...(d.fieldLabels.some((l) => l !== '') ? { labels: [...d.fieldLabels] } : {}),
      },
      MODEL,
    );
    this.#ctx.graph.edge('CONTAINS', this.#ctx.appNodeId, id, {}, MODEL);
    this.#dimensions.set(d.id, id);
    for (const f of d.fieldDefs) this.fieldDef(id, f, 'dimension');
    if (d.labelExpression) this.expression(id, d.labelExpression, 'label');
  }

  measure(m: AppSnapshot['measures'][number]): void {
    const id = ids.measure(this.#ctx.appId, m.id);
    this.#ctx.graph.node(
      'MasterMeasure',
      id,
      m.title || m.label || m.id,
      {
        libraryId: m.id,
        definition: m.definition,
        ...(m.label ? { label: m.label } : {}),
        ...(m.labelExpression ? { labelExpression: m.labelExpression } : {}),
      },
      MODEL,
    );
    this.#ctx.graph.edge('CONTAINS', this.#ctx.appNodeId, id, {}, MODEL);
    this.#measures.set(m.id, id);
    this.expression(id, m.definition, 'measure');
    for (const e of m.expressions) this.expression(id, e, 'measure');
    if (m.labelExpression) this.expression(id, m.labelExpression, 'label');
  }

  /** A reference to a master item by library id. */
  library(from: string, libraryId: string, kind: 'dimension' | 'measure' | 'any'): void {
    const target =
      kind === 'dimension'
        ? this.#dimensions.get(libraryId)
        : kind === 'measure'
          ? this.#measures.get(libraryId)
          : (this.#dimensions.get(libraryId) ?? this.#measures.get(libraryId));
    if (target) {
      this.#ctx.graph.edge('REFERENCES', from, target, { usage: 'library' }, MODEL, 'library');
      return;
    }
    const owner = this.#ctx.graph.getNode(from);
    this.#ctx.diagnose(
      'unresolved-master-item',
      'warning',
      `${owner?.name ?? from} uses the master item ${libraryId}, which the app does not have`,
    );
  }

  /** Walks an object's properties (not its children) for expressions and master item references. */
  properties(from: string, value: unknown, key: string, context: 'dimension' | 'measure' | 'none'): void {
    if (Array.isArray(value)) {
      if (key === 'qFieldDefs') {
        for (const v of value) if (typeof v === 'string') this.fieldDef(from, v, 'dimension');
        return;
      }
      const itemContext = key === 'qDimensions' ? 'dimension' : key === 'qMeasures' ? 'measure' : context;
      if (key === 'qAttributeExpressions') {
        for (const v of value) {
          const e = (v as { qExpression?: unknown } | null)?.qExpression;
          if (typeof e === 'string') this.expression(from, e, 'attribute');
          if (v && typeof v === 'object')
            this.properties(from, { ...(v as Record<string, unknown>), qExpression: undefined }, '', itemContext);
        }
        return;
      }
      for (const v of value) this.properties(from, v, '', itemContext);
      return;
    }
    if (value === null || typeof value !== 'object') {
      if (typeof value !== 'string' || value.trim() === '') return;
      if (key === 'qLibraryId') this.library(from, value, context === 'none' ? 'any' : context);
      else if (key === 'qDef' && context === 'measure') this.expression(from, value, 'measure');
      else if (key === 'qLabelExpression') this.expression(from, value, 'label');
      else if (key === 'qExpr') this.expression(from, value, 'expression');
      // StringExpr/ValueExpr `qv`: an expression when it starts with `=`, else literal text (labels).
      else if (key === 'qv' && value.trim().startsWith('=')) this.expression(from, value, 'expression');
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'qChildren' || k === 'qInfo' || k === 'qMetaDef' || k === 'qExtendsId') continue;
      if (k === 'qCalcCondition' || k === 'qCalcCond') {
        this.#calcCondition(from, v);
        continue;
      }
      const next = k === 'qListObjectDef' ? 'dimension' : k === 'qHyperCubeDef' ? 'none' : context;
      this.properties(from, v, k, next);
    }
  }

  #calcCondition(from: string, v: unknown): void {
    const texts: string[] = [];
    const walk = (x: unknown) => {
      if (typeof x === 'string' && x.trim() !== '') texts.push(x);
      else if (x && typeof x === 'object')
        for (const [k, y] of Object.entries(x as Record<string, unknown>))
          if (k === 'qv' || k === 'qCond' || k === 'qMsg' || typeof y === 'object') walk(y);
    };
    walk(v);
    for (const t of texts) this.expression(from, t, 'calc-condition');
  }

  object(entry: EngineObjectEntry, parent: string, master: boolean): void {
    const info = entry.qProperty.qInfo ?? {};
    const objectId = info.qId ?? '';
    const type = info.qType ?? 'object';
    const isSheet = type === 'sheet';
    const title = titleOf(entry.qProperty);
    const id = isSheet ? ids.sheet(this.#ctx.appId, objectId) : ids.object(this.#ctx.appId, objectId);
    if (isSheet) this.#ctx.graph.node('Sheet', id, title || objectId, { objectId, ...(title ? { title } : {}) }, MODEL);
    else
      this.#ctx.graph.node(
        'Visualization',
        id,
        title || `${type} ${objectId}`,
        {
          objectId,
          visualization: typeof entry.qProperty.visualization === 'string' ? entry.qProperty.visualization : type,
          ...(title ? { title } : {}),
          ...(master ? { master: true } : {}),
        },
        MODEL,
      );
    this.#ctx.graph.edge('CONTAINS', parent, id, {}, MODEL);
    if (!isSheet) this.properties(id, entry.qProperty, '', 'none');
    for (const child of entry.qChildren ?? []) this.object(child, id, master);
  }
}

function titleOf(props: Record<string, unknown>): string {
  const meta = props.qMetaDef as { title?: unknown } | undefined;
  if (typeof meta?.title === 'string' && meta.title !== '') return meta.title;
  if (typeof props.title === 'string') return props.title;
  const t = props.title as { qStringExpression?: { qExpr?: unknown } } | undefined;
  if (typeof t?.qStringExpression?.qExpr === 'string') return `=${t.qStringExpression.qExpr}`;
  return '';
}

/**
 * The consumption layer: variables (app and script), master dimensions and measures, sheets,
 * visualisations and master visualisations, with REFERENCES edges to the model fields, variables and
 * master items their expressions use. Unknown references become unresolved nodes and diagnostics.
 */
export function analyseConsumption(
  ctx: ScriptContext,
  snapshot: AppSnapshot,
  fields: ModelFields,
  scriptVariables: ReadonlyMap<string, { name: string; definition: string }>,
  expansions: ReadonlyMap<string, readonly string[]>,
): void {
  const c = new ConsumptionAnalyser(ctx, fields);
  const scriptOrigin: Origin = { provenance: 'script', confidence: CONFIDENCE.script };
  for (const v of snapshot.variables) c.variable(v.name, { definition: v.definition, scriptCreated: v.scriptCreated });
  for (const v of scriptVariables.values()) {
    if (!c.hasVariable(v.name)) c.variable(v.name, { definition: v.definition, scriptCreated: true }, scriptOrigin);
  }
  for (const [statementId, names] of expansions) {
    for (const name of names) {
      ctx.graph.edge('REFERENCES', statementId, c.variable(name), { usage: 'expansion' }, scriptOrigin, 'expansion');
    }
  }
  for (const v of snapshot.variables) {
    const id = ids.variable(ctx.appId, v.name);
    // A definition without `=` is text expanded in place: only names that are fields count.
    c.expression(id, v.definition, 'expression', { quiet: !v.definition.trim().startsWith('=') });
  }
  for (const d of snapshot.dimensions) c.dimension(d);
  for (const m of snapshot.measures) c.measure(m);
  for (const sheet of snapshot.sheets) c.object(sheet, ctx.appNodeId, false);
  for (const master of snapshot.masterObjects) c.object(master, ctx.appNodeId, true);
}
