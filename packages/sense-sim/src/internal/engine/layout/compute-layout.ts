import {
  asRecord,
  asStrings,
  childPointer,
  isEngineKey,
  isJsonRecord,
  type JsonRecord,
  type NxNumber,
  nxNumber,
  setEntry,
} from '../../data/json-record.js';
import { dynamicProperty } from './dynamic-properties.js';

/** Evaluates expressions for the current selection state (the data engine's job). */
interface ExpressionEvaluator {
  /** The text of `expr` (given without its leading `=`). */
  stringExpression(expr: string): string;
  /** The number of `expr` (given without its leading `=`); NaN when it has none. */
  valueExpression(expr: string): number;
}

/** `qSelectionInfo` of a layout: both false (and so `{}`) outside selection mode. */
interface SelectionInfo {
  readonly qInSelections?: boolean;
  readonly qMadeSelections?: boolean;
}

/**
 * What the engine supplies to turn one generic object's properties into its layout: what the object
 * itself contributes, and a computation for each kind of `q…Def`. Every callback receives the
 * defaulted definition and returns only the keys it computes; custom keys of the definition are
 * appended by {@link computeLayout}.
 */
export interface LayoutContext extends ExpressionEvaluator {
  /**
   * Engine-side `qMeta` entries (e.g. `privileges`), followed in the layout by the `qMetaDef`
   * entries. Left out: the layout has no `qMeta` (session objects, HELP example).
   */
  readonly meta?: Readonly<JsonRecord> | undefined;
  readonly selectionInfo?: SelectionInfo;
  /** True when soft patches are applied to the object in this session. */
  readonly hasSoftPatches?: boolean;
  /** `qError` (NxLayoutErrors) when the object cannot be calculated. */
  readonly error?: Readonly<JsonRecord>;
  /** `qHyperCube` for the HyperCubeDef at JSON pointer `path` (e.g. `/qHyperCubeDef`). */
  hyperCube(def: Readonly<JsonRecord>, path: string): JsonRecord;
  /** `qListObject` for the ListObjectDef at `path`. */
  listObject(def: Readonly<JsonRecord>, path: string): JsonRecord;
  /** `qAppObjectList`: `{qItems: [{qInfo, qMeta, qData}]}`. */
  appObjectList(def: Readonly<JsonRecord>): JsonRecord;
  /** `qChildList`: `{qItems: [{qInfo, qMeta, qData}]}` of this object's children. */
  childList(def: Readonly<JsonRecord>): JsonRecord;
  dimensionList(def: Readonly<JsonRecord>): JsonRecord;
  measureList(def: Readonly<JsonRecord>): JsonRecord;
  variableList(def: Readonly<JsonRecord>): JsonRecord;
  bookmarkList(def: Readonly<JsonRecord>): JsonRecord;
  fieldList(def: Readonly<JsonRecord>): JsonRecord;
  /** `qSelectionObject`: `{qBackCount, qForwardCount, qSelections}`. */
  selectionObject(def: Readonly<JsonRecord>): JsonRecord;
  /** `qTreeData` for the TreeDataDef at `path`; an empty tree when left out. */
  treeData?(def: Readonly<JsonRecord>, path: string): JsonRecord;
  /** `qMediaList`; `{qItems: []}` when left out. */
  mediaList?(def: Readonly<JsonRecord>): JsonRecord;
  /** `qExtensionList`; `{qItems: []}` when left out. */
  extensionList?(def: Readonly<JsonRecord>): JsonRecord;
  /** `qUndoInfo`; no undo history when left out. */
  undoInfo?(def: Readonly<JsonRecord>): JsonRecord;
  /** `qEmbeddedSnapshot`; `{}` when left out. */
  embeddedSnapshot?(def: Readonly<JsonRecord>): JsonRecord;
  /** `qStaticContentUrl`; the stored URL when left out. */
  staticContentUrl?(def: Readonly<JsonRecord>): JsonRecord;
}

/** What the engine supplies for the layout of a master dimension, master measure, variable or bookmark. */
export interface LibraryLayoutContext extends ExpressionEvaluator {
  /** As {@link LayoutContext.meta}. */
  readonly meta?: Readonly<JsonRecord> | undefined;
  /** Variables: true when the script created the variable. */
  readonly isScriptCreated?: boolean;
  /** Dimensions: `qDimInfos`, one GenericDimensionInfo per field; zero counts when left out. */
  dimensionInfos?(dim: Readonly<JsonRecord>): JsonRecord[];
  /** Bookmarks: `qBookmark` (NxBookmark); an empty default-state bookmark when left out. */
  bookmark?(): JsonRecord;
  /** Bookmarks: `qFieldInfos`; `[]` when left out. */
  fieldInfos?(): JsonRecord[];
}

/** The kinds of library entity {@link computeLibraryLayout} lays out. */
export type LibraryLayoutKind = 'dimension' | 'measure' | 'variable' | 'bookmark';

type Counterpart = (ctx: LayoutContext, def: Readonly<JsonRecord>, path: string) => JsonRecord;

const COUNTERPARTS: Readonly<Record<string, Counterpart>> = {
  qHyperCubeDef: (ctx, def, path) => ctx.hyperCube(def, path),
  qListObjectDef: (ctx, def, path) => ctx.listObject(def, path),
  qTreeDataDef: (ctx, def, path) =>
    ctx.treeData?.(def, path) ?? {
      qNodesOnDim: [],
      qDimensionInfo: [],
      qEffectiveInterColumnSortOrder: [],
      qTreeDataPages: [],
      qMeasureInfo: [],
    },
  qAppObjectListDef: (ctx, def) => ctx.appObjectList(def),
  qChildListDef: (ctx, def) => ctx.childList(def),
  qDimensionListDef: (ctx, def) => ctx.dimensionList(def),
  qMeasureListDef: (ctx, def) => ctx.measureList(def),
  qVariableListDef: (ctx, def) => ctx.variableList(def),
  qBookmarkListDef: (ctx, def) => ctx.bookmarkList(def),
  qFieldListDef: (ctx, def) => ctx.fieldList(def),
  qSelectionObjectDef: (ctx, def) => ctx.selectionObject(def),
  qMediaListDef: (ctx, def) => ctx.mediaList?.(def) ?? { qItems: [] },
  qExtensionListDef: (ctx, def) => ctx.extensionList?.(def) ?? { qItems: [] },
  qUndoInfoDef: (ctx, def) => ctx.undoInfo?.(def) ?? { qUndoCount: 0, qRedoCount: 0 },
  qEmbeddedSnapshotDef: (ctx, def) => ctx.embeddedSnapshot?.(def) ?? {},
  qStaticContentUrlDef: (ctx, def) =>
    ctx.staticContentUrl?.(def) ?? (typeof def.qUrl === 'string' && def.qUrl !== '' ? { qUrl: def.qUrl } : {}),
  // NxLibraryDimension / NxLibraryMeasure have the fields of their definitions.
  qNxLibraryDimensionDef: (_ctx, def) => engineFields(def),
  qNxLibraryMeasureDef: (_ctx, def) => engineFields(def),
};

/** Keys of GenericObjectProperties that the layout shows in its own place (or, for qMetaDef, as qMeta). */
const OWN_KEYS: ReadonlySet<string> = new Set(['qInfo', 'qMetaDef', 'qExtendsId', 'qStateName']);

/**
 * The layout (GenericObjectLayout) of a generic object, from its defaulted properties: `qInfo`,
 * `qMeta`, `qExtendsId`, `qHasSoftPatches`, `qError`, `qSelectionInfo`, `qStateName` first (the
 * schema order, as in the CTL golden), then the other properties in their order, each `q…Def`
 * replaced by its computed counterpart at any depth and every other key copied.
 *
 * @example
 * computeLayout({ qInfo: { qId: 'a', qType: 't' }, metric: { qValueExpression: '=1+1' } }, ctx);
 * // → { qInfo: { qId: 'a', qType: 't' }, qSelectionInfo: {}, metric: 2 } (ctx.valueExpression('1+1') = 2, no meta)
 */
export function computeLayout(props: Readonly<JsonRecord>, ctx: LayoutContext): JsonRecord {
  const walker = new LayoutWalker(ctx);
  const out: JsonRecord = { qInfo: structuredClone(asRecord(props.qInfo)) };
  if (ctx.meta !== undefined) {
    out.qMeta = { ...structuredClone(ctx.meta), ...walker.record(asRecord(props.qMetaDef), '/qMetaDef') };
  }
  const extendsId = props.qExtendsId;
  if (typeof extendsId === 'string' && extendsId !== '') out.qExtendsId = extendsId;
  if (ctx.hasSoftPatches === true) out.qHasSoftPatches = true;
  if (ctx.error !== undefined) out.qError = structuredClone(ctx.error);
  out.qSelectionInfo = selectionInfo(ctx.selectionInfo);
  const stateName = props.qStateName;
  if (typeof stateName === 'string' && stateName !== '') out.qStateName = stateName;
  for (const [key, value] of Object.entries(props)) {
    if (!OWN_KEYS.has(key)) walker.entry(out, key, value, childPointer('', key));
  }
  return out;
}

/**
 * The layout of a library entity from its defaulted properties, in the key order of the CTL goldens:
 * - measure: `{qInfo, qMeasure, qMeta}`;
 * - dimension: `{qInfo, qMeta, qDim, qDimInfos}`;
 * - variable: `{qInfo, qMeta, qText, qNum}` (`qIsScriptCreated` when true);
 * - bookmark: `{qInfo, qMeta, qBookmark, qFieldInfos}`;
 *
 * followed by the custom (non-`q`) top-level properties. `qMeta` is left out when `ctx.meta` is.
 *
 * @example
 * computeLibraryLayout('variable', { qInfo: { qId: 'v', qType: 'variable' }, qDefinition: '1', tags: [] }, ctx);
 * // → { qInfo: {…}, qMeta: {…}, qText: '1', qNum: 1, tags: [] }
 */
export function computeLibraryLayout(
  kind: LibraryLayoutKind,
  props: Readonly<JsonRecord>,
  ctx: LibraryLayoutContext,
): JsonRecord {
  const out: JsonRecord = { qInfo: structuredClone(asRecord(props.qInfo)) };
  const meta = (): void => {
    if (ctx.meta !== undefined)
      out.qMeta = { ...structuredClone(ctx.meta), ...structuredClone(asRecord(props.qMetaDef)) };
  };
  switch (kind) {
    case 'measure':
      out.qMeasure = structuredClone(asRecord(props.qMeasure));
      meta();
      break;
    case 'dimension': {
      meta();
      const dim = asRecord(props.qDim);
      out.qDim = structuredClone(dim);
      out.qDimInfos =
        ctx.dimensionInfos?.(dim) ??
        asStrings(dim.qFieldDefs).map(() => ({ qApprMaxGlyphCount: 0, qCardinal: 0, qTags: [] }));
      break;
    }
    case 'variable': {
      meta();
      const value = variableValue(typeof props.qDefinition === 'string' ? props.qDefinition : '', ctx);
      out.qText = value.text;
      out.qNum = value.num;
      if (ctx.isScriptCreated === true) out.qIsScriptCreated = true;
      break;
    }
    case 'bookmark':
      meta();
      out.qBookmark = ctx.bookmark?.() ?? {
        qStateData: [{ qStateName: '$', qFieldItems: [] }],
        qVariableItems: [],
      };
      out.qFieldInfos = ctx.fieldInfos?.() ?? [];
      break;
  }
  for (const [key, value] of Object.entries(props)) {
    if (!isEngineKey(key) && !Object.hasOwn(out, key)) setEntry(out, key, structuredClone(value));
  }
  return out;
}

/** Walks properties, replacing `q…Def` keys by their computed counterparts. */
class LayoutWalker {
  constructor(private readonly ctx: LayoutContext) {}

  /** Adds the layout of property `key` to `out`. */
  entry(out: JsonRecord, key: string, value: unknown, path: string): void {
    const dynamic = dynamicProperty(key);
    if (dynamic === undefined) {
      setEntry(out, key, this.value(value, path));
      return;
    }
    const { layout } = dynamic;
    if (layout === 'drop') return;
    if (layout === 'string-value') setEntry(out, key, evaluateString(value, this.ctx));
    else if (layout === 'number-value') setEntry(out, key, evaluateValue(value, this.ctx));
    else out[layout.key] = this.counterpart(key, asRecord(value), path);
  }

  value(value: unknown, path: string): unknown {
    if (Array.isArray(value)) return value.map((item, i) => this.value(item, childPointer(path, i)));
    if (!isJsonRecord(value)) return value;
    // The object holding an expression becomes its result (RXQ: `{metric: {qValueExpression: "=1+1"}}` → `metric: 2`).
    if (Object.hasOwn(value, 'qStringExpression')) return evaluateString(value.qStringExpression, this.ctx);
    if (Object.hasOwn(value, 'qValueExpression')) return evaluateValue(value.qValueExpression, this.ctx);
    return this.record(value, path);
  }

  record(value: Readonly<JsonRecord>, path: string): JsonRecord {
    const out: JsonRecord = {};
    for (const [key, item] of Object.entries(value)) this.entry(out, key, item, childPointer(path, key));
    return out;
  }

  /** The computed keys, then the definition's custom keys (CTL golden: `customProperty` in `qHyperCube`). */
  private counterpart(key: string, def: Readonly<JsonRecord>, path: string): JsonRecord {
    const compute = COUNTERPARTS[key];
    const out = compute ? compute(this.ctx, def, path) : {};
    for (const [name, item] of Object.entries(def)) {
      if (!isEngineKey(name) && !Object.hasOwn(out, name))
        setEntry(out, name, this.value(item, childPointer(path, name)));
    }
    return out;
  }
}

// A whole expression in single quotes is a literal: the engine does not evaluate it (schema,
// StringExpression). Doubled quotes inside stand for one.
const QUOTED_LITERAL = /^\s*'((?:[^']|'')*)'\s*$/;

function expressionText(holder: unknown): string {
  if (typeof holder === 'string') return holder;
  if (isJsonRecord(holder) && typeof holder.qExpr === 'string') return holder.qExpr;
  return '';
}

/** Either the literal of a quoted expression, or the expression without its optional leading `=`. */
function parseExpression(holder: unknown): { literal: string } | { expr: string } {
  const text = expressionText(holder);
  const quoted = QUOTED_LITERAL.exec(text);
  if (quoted) return { literal: (quoted[1] ?? '').replaceAll("''", "'") };
  return { expr: text.replace(/^\s*=/, '') };
}

function evaluateString(holder: unknown, evaluator: ExpressionEvaluator): string {
  const parsed = parseExpression(holder);
  if ('literal' in parsed) return parsed.literal;
  return parsed.expr.trim() === '' ? '' : evaluator.stringExpression(parsed.expr);
}

function evaluateValue(holder: unknown, evaluator: ExpressionEvaluator): NxNumber {
  const parsed = parseExpression(holder);
  if ('literal' in parsed) return numberOf(parsed.literal);
  return parsed.expr.trim() === '' ? 'NaN' : nxNumber(evaluator.valueExpression(parsed.expr));
}

/**
 * A variable's value: an `=` definition is evaluated, any other is the text itself (CTL golden:
 * `qDefinition: "1"` → `qText: "1", qNum: 1`).
 */
function variableValue(definition: string, evaluator: ExpressionEvaluator): { text: string; num: NxNumber } {
  if (/^\s*=/.test(definition)) {
    const expr = definition.replace(/^\s*=/, '');
    return { text: evaluator.stringExpression(expr), num: nxNumber(evaluator.valueExpression(expr)) };
  }
  return { text: definition, num: numberOf(definition) };
}

function numberOf(text: string): NxNumber {
  return text.trim() === '' ? 'NaN' : nxNumber(Number(text));
}

function selectionInfo(info: SelectionInfo | undefined): JsonRecord {
  const out: JsonRecord = {};
  if (info?.qInSelections === true) out.qInSelections = true;
  if (info?.qMadeSelections === true) out.qMadeSelections = true;
  return out;
}

function engineFields(def: Readonly<JsonRecord>): JsonRecord {
  const out: JsonRecord = {};
  for (const [key, value] of Object.entries(def)) if (isEngineKey(key)) out[key] = structuredClone(value);
  return out;
}
