import { DataEngine } from '../../data/data-engine.js';
import type { JsonRecord } from '../../data/json-record.js';
import { bookmarkLayoutParts } from '../../data/selections/bookmark-state.js';
import { hyperCubeLayout, treeDataLayout } from '../../data/views/cube-modes.js';
import { cubeMode } from '../../data/views/cube-subsets.js';
import {
  buildHyperCubeLayout,
  buildListObjectLayout,
  type LibraryItems,
  noDataView,
} from '../../data/views/hypercube-shape.js';
import type { LibraryKind } from '../app/app-doc.js';
import { computeLayout, computeLibraryLayout, type LayoutContext } from '../layout/compute-layout.js';
import { fillPropertyDefaults } from '../layout/fill-defaults.js';
import { EngineError } from '../rpc/engine-error.js';
import type { EngineSession } from '../session/engine-session.js';
import { dep } from './dependency-keys.js';
import { localeInfo } from './locale-info.js';
import { type FoundItem, type FoundObject, infoOf, type OpenDoc } from './open-doc.js';

const PRIVILEGES = ['read', 'update', 'delete', 'exportdata'];
const MAX_CELLS = 10_000;

const STRUCTS: Record<LibraryKind, string> = {
  dimension: 'GenericDimensionProperties',
  measure: 'GenericMeasureProperties',
  variable: 'GenericVariableProperties',
  bookmark: 'GenericBookmarkProperties',
};

/** Engine-side qMeta of a stored thing: persistent ones carry privileges, session ones none. */
function metaOf(persistence: 'persistent' | 'session'): JsonRecord | undefined {
  return persistence === 'persistent' ? { privileges: [...PRIVILEGES] } : undefined;
}

/** GetProperties: the stored properties with the defaults the engine fills in. */
export function objectProperties(_doc: OpenDoc, found: FoundObject): JsonRecord {
  return fillPropertyDefaults('GenericObjectProperties', found.stored.properties);
}

/** GetEffectiveProperties: a linked object's base properties (qExtendsId) under its own identity, plus soft patches. */
export function effectiveProperties(doc: OpenDoc, found: FoundObject): JsonRecord {
  const soft = doc.softPatched.get(found.qId);
  if (soft) return structuredClone(soft);
  const own = objectProperties(doc, found);
  const extendsId = own.qExtendsId;
  if (typeof extendsId !== 'string' || extendsId === '') return own;
  const base = doc.findObject(extendsId);
  if (!base) return own;
  return { ...objectProperties(doc, base), qInfo: own.qInfo, qExtendsId: extendsId };
}

/** GetFullPropertyTree. */
export function fullPropertyTree(doc: OpenDoc, found: FoundObject): JsonRecord {
  return {
    qProperty: objectProperties(doc, found),
    // A null qEmbeddedSnapshotRef is left out, as the real engine does (CTL golden).
    qChildren: doc.childrenOf(found).map((child) => fullPropertyTree(doc, child)),
  };
}

/** GetLayout of a generic object; records what it read so later changes invalidate it. */
export function objectLayout(session: EngineSession, doc: OpenDoc, found: FoundObject): JsonRecord {
  const deps = new Set<string>();
  const props = effectiveProperties(doc, found);
  if (typeof props.qExtendsId === 'string' && props.qExtendsId !== '') deps.add(dep.object(props.qExtendsId));
  const ctx = layoutContext(doc, found, props, deps);
  const layout = computeLayout(props, ctx);
  session.recordDependencies(dep.object(found.qId), deps);
  return layout;
}

/** GetProperties of a library item. */
export function itemProperties(kind: LibraryKind, found: FoundItem): JsonRecord {
  return fillPropertyDefaults(STRUCTS[kind], found.stored.properties);
}

/** GetLayout of a library item. */
export function itemLayout(session: EngineSession, doc: OpenDoc, kind: LibraryKind, found: FoundItem): JsonRecord {
  const deps = new Set<string>([dep.data('$')]);
  const meta = metaOf(found.persistence);
  const evaluator = expressions(doc.data(), '$');
  const layout = computeLibraryLayout(kind, itemProperties(kind, found), {
    ...(meta ? { meta } : {}),
    ...(found.stored.flags?.scriptCreated ? { isScriptCreated: true } : {}),
    ...evaluator,
    ...(kind === 'bookmark' ? bookmarkLayoutParts(found.stored.bookmark) : {}),
  });
  session.recordDependencies(dep.libraryItem(kind, found.id), deps);
  return layout;
}

/** GetAppLayout (NxAppLayout). */
export function appLayout(doc: OpenDoc): JsonRecord {
  const { app } = doc;
  doc.session.recordDependencies('doc', [dep.app, dep.allData]);
  const computed: JsonRecord = {
    qTitle: app.title,
    qFileName: app.id,
    qLastReloadTime: app.lastReloadTime ?? '',
    qModified: false,
    qHasScript: app.script.trim() !== '',
    qStateNames: [...app.stateNames],
    qMeta: app.isSessionApp ? {} : { privileges: [...PRIVILEGES, 'reload'] },
    qLocaleInfo: localeInfo(app),
    qHasData: (app.data?.tables.length ?? 0) > 0 && !doc.noData,
    qReadOnly: false,
    qIsOpenedWithoutData: doc.noData,
    qIsSessionApp: app.isSessionApp,
    qProhibitBinaryLoad: false,
    qThumbnail: { qUrl: '' },
    qIsBDILiveMode: false,
    qIsDirectQueryMode: false,
    qUnsupportedFeatures: [],
    qUsage: 'ANALYTICS',
  };
  // Custom app properties show in the layout, but never in place of what the engine computes.
  for (const [key, value] of Object.entries(app.appProperties))
    if (!(key in computed)) computed[key] = structuredClone(value);
  return computed;
}

/** GetAppProperties (NxAppProperties with the custom keys SetAppProperties stored). */
export function appProperties(doc: OpenDoc): JsonRecord {
  const { app } = doc;
  return {
    qTitle: app.title,
    qLastReloadTime: app.lastReloadTime ?? '',
    qMigrationHash: '',
    qSavedInProductVersion: '12.2027.0',
    qThumbnail: { qUrl: '' },
    qHasSectionAccess: app.data?.sectionAccess !== undefined,
    qUsage: 'ANALYTICS',
    ...structuredClone(app.appProperties),
  };
}

/** GetObjects: NxContainerEntry of each matching object. */
export function objectEntries(
  doc: OpenDoc,
  options: { qTypes?: string[]; qIncludeSessionObjects?: boolean; qData?: Record<string, string> },
): JsonRecord[] {
  const types = options.qTypes && options.qTypes.length > 0 ? new Set(options.qTypes) : undefined;
  return doc
    .allObjects(options.qIncludeSessionObjects === true)
    .filter((o) => !types || types.has(infoOf(o.stored.properties).qType))
    .map((o) => entry(o.stored.properties, metaOf(o.persistence), options.qData));
}

/** GetAllInfos: persistent objects and library items. */
export function infoList(doc: OpenDoc): JsonRecord[] {
  const infos: JsonRecord[] = doc.allObjects(false).map((o) => ({ ...infoOf(o.stored.properties) }));
  for (const kind of ['dimension', 'measure', 'bookmark', 'variable'] as const) {
    for (const item of doc.allItems(kind))
      if (item.persistence === 'persistent') infos.push({ ...infoOf(item.stored.properties) });
  }
  return infos;
}

/** An NxContainerEntry of a library item (GetBookmarks, lists). */
export function itemLayoutData(properties: JsonRecord, qData: Record<string, string> | undefined): JsonRecord {
  return entry(properties, { privileges: [...PRIVILEGES] }, qData);
}

/**
 * GetHyperCubeData / GetListObjectData: the pages of the definition at `path`, computed like
 * `qInitialDataFetch` pages in the layout (same data view, same 10 000-cell limit). GetHyperCubeData
 * "works for a hypercube in DATA_MODE_STRAIGHT" (engine API reference): a cube in any other mode
 * (pivot, stacked, tree, dynamic) answers error 6002 LOCERR_HC_INVALID_OBJECT_STATE, as
 * GetHyperCubePivotData does on a cube that is not a pivot. The reference does not say what the
 * other modes answer: the error is this simulator's choice.
 */
export function dataPages(
  kind: 'hypercube' | 'listobject',
  session: EngineSession,
  doc: OpenDoc,
  found: FoundObject,
  path: string,
  pages: unknown,
): JsonRecord[] {
  const props = effectiveProperties(doc, found);
  const def = definitionAt(props, path, kind === 'hypercube' ? 'qHyperCubeDef' : 'qListObjectDef');
  if (kind === 'hypercube' && cubeMode(def) !== 'S') throw EngineError.of('LOCERR_HC_INVALID_OBJECT_STATE', path);
  // The mode's short title: the layout fills pages for `S` only (`DATA_MODE_STRAIGHT` is straight too).
  const paged = { ...def, ...(kind === 'hypercube' ? { qMode: 'S' } : {}), qInitialDataFetch: checkPages(pages) };
  const library = libraryItems(doc);
  const data = doc.data();
  const state = stateOf(def, props);
  const layout =
    kind === 'hypercube'
      ? buildHyperCubeLayout(paged, data ? data.hyperCube(paged, library, state) : noDataView, library)
      : buildListObjectLayout(paged, data ? data.listObject(paged, library, state) : noDataView, library);
  session.addDependencies(dep.object(found.qId), [dep.data(state)]);
  return layout.qDataPages as JsonRecord[];
}

// ------------------------------------------------------------------------------------------

function layoutContext(doc: OpenDoc, found: FoundObject, props: JsonRecord, deps: Set<string>): LayoutContext {
  const meta = metaOf(found.persistence);
  const state = (def: Readonly<JsonRecord>): string => stateOf(def, props);
  const objectState = stateOf({}, props);
  const library = libraryItems(doc, deps);
  const data = doc.data();
  const listOf = (kind: LibraryKind, def: Readonly<JsonRecord>): JsonRecord => {
    deps.add(dep.library(kind));
    return {
      qItems: doc.allItems(kind).map((item) => {
        deps.add(dep.libraryItem(kind, item.id));
        return entry(item.stored.properties, metaOf(item.persistence), dataPaths(def));
      }),
    };
  };
  return {
    ...(meta ? { meta } : {}),
    ...(doc.softPatched.has(found.qId) ? { hasSoftPatches: true } : {}),
    stringExpression: (expr) => {
      deps.add(dep.data(objectState));
      return expressions(data, objectState).stringExpression(expr);
    },
    valueExpression: (expr) => {
      deps.add(dep.data(objectState));
      return expressions(data, objectState).valueExpression(expr);
    },
    hyperCube: (def) => {
      deps.add(dep.data(state(def)));
      return hyperCubeLayout(def, data, library, state(def));
    },
    treeData: (def) => {
      deps.add(dep.data(state(def)));
      return treeDataLayout(def, data, library, state(def));
    },
    listObject: (def) => {
      deps.add(dep.data(state(def)));
      return buildListObjectLayout(def, data ? data.listObject(def, library, state(def)) : noDataView, library);
    },
    appObjectList: (def) => {
      const type = String(def.qType ?? '');
      deps.add(dep.type(type));
      return {
        qItems: doc
          .allObjects(false)
          .filter((o) => infoOf(o.stored.properties).qType === type)
          .map((o) => {
            deps.add(dep.object(o.qId));
            return entry(o.stored.properties, metaOf(o.persistence), dataPaths(def));
          }),
      };
    },
    childList: (def) => {
      deps.add(dep.children(found.qId));
      return {
        qItems: doc.childrenOf(found).map((child) => {
          deps.add(dep.object(child.qId));
          return entry(child.stored.properties, metaOf(child.persistence), dataPaths(def));
        }),
      };
    },
    dimensionList: (def) => listOf('dimension', def),
    measureList: (def) => listOf('measure', def),
    bookmarkList: (def) => listOf('bookmark', def),
    variableList: (def) => {
      deps.add(dep.library('variable'));
      return {
        qItems: doc
          .allItems('variable')
          .filter((item) => listsVariable(def, item))
          .map((item) => {
            deps.add(dep.libraryItem('variable', item.id));
            const p = item.stored.properties;
            const meta = metaOf(item.persistence);
            const flags = item.stored.flags;
            return {
              qName: String(p.qName ?? ''),
              qDefinition: String(p.qDefinition ?? ''),
              ...(typeof p.qComment === 'string' && p.qComment !== '' ? { qDescription: p.qComment } : {}),
              ...(flags?.config ? { qIsConfig: true } : {}),
              ...(flags?.reserved ? { qIsReserved: true } : {}),
              ...(meta ? { qMeta: meta } : {}),
              qInfo: infoOf(p),
              qData: resolveData(p, dataPaths(def)),
              ...(flags?.scriptCreated ? { qIsScriptCreated: true } : {}),
            };
          }),
      };
    },
    fieldList: (def) => {
      deps.add(dep.data('$'));
      return data ? data.fieldList(def) : { qItems: [] };
    },
    selectionObject: (def) => {
      const name = state(def);
      deps.add(dep.data(name));
      return data
        ? (data.selectionObject({ ...def, qStateName: name }) as unknown as JsonRecord)
        : { qBackCount: 0, qForwardCount: 0, qSelections: [] };
    },
  };
}

/** Master dimensions and measures of the doc, as a cube reads them (recording what it read in `deps`). */
export function libraryItems(doc: OpenDoc, deps?: Set<string>): LibraryItems {
  const read = (kind: 'dimension' | 'measure', id: string, key: 'qDim' | 'qMeasure'): JsonRecord | undefined => {
    deps?.add(dep.libraryItem(kind, id));
    const item = doc.findItem(kind, id);
    return item ? (itemProperties(kind, item)[key] as JsonRecord | undefined) : undefined;
  };
  return {
    dimension: (id) => read('dimension', id, 'qDim'),
    measure: (id) => read('measure', id, 'qMeasure'),
  };
}

function entry(
  properties: JsonRecord,
  meta: JsonRecord | undefined,
  qData: Record<string, string> | undefined,
): JsonRecord {
  const metaDef = (properties.qMetaDef ?? {}) as JsonRecord;
  return {
    qInfo: infoOf(properties),
    qMeta: { ...(meta ?? {}), ...structuredClone(metaDef) },
    qData: resolveData(properties, qData),
  };
}

function dataPaths(def: Readonly<JsonRecord>): Record<string, string> | undefined {
  const data = def.qData;
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, string>) : undefined;
}

/** qData: each value is a JSON pointer into the item's properties. */
function resolveData(properties: JsonRecord, qData: Record<string, string> | undefined): JsonRecord {
  const out: JsonRecord = {};
  for (const [key, pointer] of Object.entries(qData ?? {})) {
    if (typeof pointer !== 'string') continue;
    let value: unknown = properties;
    for (const part of pointer.split('/').slice(1)) {
      const segment = part.replace(/~1/g, '/').replace(/~0/g, '~');
      value = value !== null && typeof value === 'object' ? (value as JsonRecord)[segment] : undefined;
    }
    if (value !== undefined) out[key] = structuredClone(value);
  }
  return out;
}

/** The definition (`key`, e.g. qHyperCubeDef) at JSON pointer `path` of the properties; error 6000 when none. */
export function definitionAt(props: JsonRecord, path: string, key: string): JsonRecord {
  let value: unknown = props;
  for (const part of path.split('/').slice(1)) {
    if (part === '') continue;
    value = value !== null && typeof value === 'object' ? (value as JsonRecord)[part] : undefined;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const holder = value as JsonRecord;
    const def = (key in holder ? holder[key] : holder) as unknown;
    if (def && typeof def === 'object' && ('qDimensions' in (def as JsonRecord) || key === 'qListObjectDef')) {
      return def as JsonRecord;
    }
  }
  throw EngineError.of('LOCERR_HC_INVALID_OBJECT', path);
}

/** The requested pages; error 7009 when they ask for more than 10 000 cells together. */
export function checkPages(pages: unknown): JsonRecord[] {
  if (!Array.isArray(pages)) throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', 'qPages');
  let cells = 0;
  for (const page of pages as JsonRecord[]) cells += Number(page?.qWidth ?? 0) * Number(page?.qHeight ?? 0);
  if (cells > MAX_CELLS) throw EngineError.of('LOCERR_CALC_PAGES_TOO_LARGE');
  return pages as JsonRecord[];
}

/** The selection state of a definition: its own qStateName, else the object's, else `$`. */
export function stateOf(def: Readonly<JsonRecord>, props: Readonly<JsonRecord>): string {
  const own = def.qStateName;
  if (typeof own === 'string' && own !== '') return own;
  const inherited = props.qStateName;
  return typeof inherited === 'string' && inherited !== '' ? inherited : '$';
}

/** Expression evaluation in a state: the data engine's, or constants only when the app has no data. */
function expressions(
  data: DataEngine | undefined,
  state: string,
): { stringExpression(expr: string): string; valueExpression(expr: string): number } {
  const engine = data ?? emptyDataEngine();
  return engine.expressionEvaluator(engine.state(state) ? state : '$');
}

let empty: DataEngine | undefined;

/** Expressions of an app without data still compute (constants, functions, variables): over an empty model. */
function emptyDataEngine(): DataEngine {
  empty ??= new DataEngine({
    tables: [],
    fieldComments: new Map(),
    fieldTags: new Map(),
    variables: new Map(),
    lineage: [],
  });
  return empty;
}

/**
 * Whether a `qVariableListDef` lists a variable: reserved ones only with `qShowReserved`, system
 * ones only with `qShowConfig`, session variables only with `qShowSession` (as the flags' names say;
 * a variable both script-created and reserved, such as `ThousandSep`, counts as reserved).
 */
function listsVariable(def: Readonly<JsonRecord>, item: FoundItem): boolean {
  const flags = item.stored.flags;
  if (flags?.reserved && def.qShowReserved !== true) return false;
  if (flags?.config && def.qShowConfig !== true) return false;
  if (item.persistence === 'session' && def.qShowSession !== true) return false;
  return true;
}
