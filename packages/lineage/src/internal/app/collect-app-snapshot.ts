import { toEngineError } from '@qixflow/core';
import { parseScript, type Statement } from '@qixflow/script';
import type {
  EngineConnection,
  EngineObjectEntry,
  EngineSourceKeyRecord,
  EngineTableRecord,
  EngineWire,
  LineageDoc,
} from '../../lineage-doc.js';
import type {
  AppInventoryInfo,
  AppSnapshot,
  SnapshotDimension,
  SnapshotMeasure,
  SnapshotProblem,
  SnapshotVariable,
} from './app-snapshot.js';

/** Options of {@link collectAppSnapshot}. */
export interface CollectOptions {
  readonly appId: string;
  readonly appName?: string;
  readonly inventory: AppInventoryInfo;
  /** Read GetTablesAndKeys from this doc: always, never, or when the doc was opened with data. */
  readonly readModel: boolean | 'auto';
  readonly signal?: AbortSignal;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Include paths of a script (after following its SETs), for GetIncludeFileContent. */
function includePaths(script: string): string[] {
  const paths: string[] = [];
  const walk = (body: readonly Statement[]) => {
    for (const s of body) {
      if (s.kind === 'Include') paths.push(s.path);
      else if (s.kind === 'If') {
        for (const b of s.branches) walk(b.body);
        if (s.elseBody) walk(s.elseBody);
      } else if (s.kind === 'Sub' || s.kind === 'For' || s.kind === 'ForEach' || s.kind === 'DoLoop') walk(s.body);
      else if (s.kind === 'Switch') {
        for (const c of s.cases) walk(c.body);
        if (s.defaultBody) walk(s.defaultBody);
      }
    }
  };
  walk(parseScript(script, { variables: {} }).ast.body);
  return [...new Set(paths)];
}

async function listItems(
  doc: LineageDoc,
  def: { qInfo: { qType: string }; [key: string]: unknown },
  listKey: string,
): Promise<Record<string, unknown>[]> {
  const obj = await doc.createSessionObject(def);
  try {
    const layout = await obj.getLayout();
    const list = layout[listKey] as { qItems?: Record<string, unknown>[] } | undefined;
    return list?.qItems ?? [];
  } finally {
    await doc.destroySessionObject(obj.id).catch(() => false);
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')) : []);
const qId = (item: Record<string, unknown>): string => str((item.qInfo as { qId?: string } | undefined)?.qId);

/**
 * Calls the engine where a failure is the app's problem, not the extraction's (no reload rights, an
 * object that cannot be read): records it as a problem and goes on with `fallback`. An abort still throws.
 */
type SoftCall = <T>(what: string, code: string, fn: () => Promise<T>, fallback: T) => Promise<T>;

function softCaller(problems: SnapshotProblem[], signal: AbortSignal | undefined): SoftCall {
  return async <T>(what: string, code: string, fn: () => Promise<T>, fallback: T): Promise<T> => {
    signal?.throwIfAborted();
    try {
      return await fn();
    } catch (error) {
      if (signal?.aborted) throw error;
      problems.push({ code, message: `${what} failed: ${message(error)}` });
      return fallback;
    }
  };
}

/** GetScript: the one call whose failure fails the extraction — as a QixflowError (`ERR_ENGINE` …) whatever the Doc. */
async function readScript(doc: LineageDoc): Promise<string> {
  try {
    return await doc.getScript();
  } catch (error) {
    throw toEngineError(error, 'GetScript');
  }
}

/** Phase 1: the layout, the script and what the last reload did (GetLineage), connections, object infos. */
async function readDocument(doc: LineageDoc, soft: SoftCall) {
  const [layout, script] = await Promise.all([
    soft('GetAppLayout', 'layout-unavailable', () => doc.getAppLayout(), {}),
    readScript(doc),
  ]);
  const [lineage, connections, infos] = await Promise.all([
    soft('GetLineage', 'lineage-unavailable', async () => (await doc.getLineage()) ?? [], null),
    soft('GetConnections', 'connections-unavailable', async () => (await doc.getConnections()) ?? [], []),
    soft('GetAllInfos', 'objects-unavailable', async () => (await doc.getAllInfos()) ?? [], []),
  ]);
  return { layout, script, lineage, connections, infos };
}

/** Phase 2: the files the script includes, by the path written in it (null when the engine cannot give one). */
async function readIncludes(doc: LineageDoc, script: string, soft: SoftCall): Promise<Record<string, string | null>> {
  const includes: Record<string, string | null> = {};
  for (const path of includePaths(script)) {
    includes[path] = await soft(
      `GetIncludeFileContent(${path})`,
      'include-unavailable',
      () => doc.getIncludeFileContent(path),
      null,
    );
  }
  return includes;
}

/** The session lists of phase 3, in the order they are created (a fresh definition for each: the Doc may keep it). */
const SESSION_LISTS = [
  {
    what: 'dimension list',
    problem: 'master-items-unavailable',
    listKey: 'qDimensionList',
    def: () => ({
      qInfo: { qType: 'LineageDimensionList' },
      qDimensionListDef: { qType: 'dimension', qData: { title: '/qMetaDef/title', dim: '/qDim' } },
    }),
  },
  {
    what: 'measure list',
    problem: 'master-items-unavailable',
    listKey: 'qMeasureList',
    def: () => ({
      qInfo: { qType: 'LineageMeasureList' },
      qMeasureListDef: { qType: 'measure', qData: { title: '/qMetaDef/title', measure: '/qMeasure' } },
    }),
  },
  {
    what: 'variable list',
    problem: 'variables-unavailable',
    listKey: 'qVariableList',
    def: () => ({
      qInfo: { qType: 'LineageVariableList' },
      qVariableListDef: { qType: 'variable', qShowReserved: false, qShowConfig: false, qShowSession: false, qData: {} },
    }),
  },
  {
    what: 'sheet list',
    problem: 'sheets-unavailable',
    listKey: 'qAppObjectList',
    def: () => ({
      qInfo: { qType: 'LineageSheetList' },
      qAppObjectListDef: { qType: 'sheet', qData: { title: '/qMetaDef/title' } },
    }),
  },
] as const;

function toDimension(item: Record<string, unknown>): SnapshotDimension {
  const data = (item.qData ?? {}) as { title?: unknown; dim?: Record<string, unknown> };
  const dim = data.dim ?? {};
  return {
    id: qId(item),
    title: str(data.title) || str(dim.title),
    grouping: str(dim.qGrouping) || 'N',
    fieldDefs: strs(dim.qFieldDefs),
    fieldLabels: strs(dim.qFieldLabels),
    labelExpression: str(dim.qLabelExpression),
  };
}

function toMeasure(item: Record<string, unknown>): SnapshotMeasure {
  const data = (item.qData ?? {}) as { title?: unknown; measure?: Record<string, unknown> };
  const m = data.measure ?? {};
  return {
    id: qId(item),
    title: str(data.title) || str(m.qLabel),
    definition: str(m.qDef),
    label: str(m.qLabel),
    labelExpression: str(m.qLabelExpression),
    expressions: strs(m.qExpressions).filter((e) => e !== ''),
  };
}

function toVariable(item: Record<string, unknown>): SnapshotVariable {
  return {
    id: qId(item),
    name: str(item.qName),
    definition: str(item.qDefinition),
    scriptCreated: item.qIsScriptCreated === true,
  };
}

/** Phase 3: master dimensions and measures, variables and the sheet ids, from session list objects. */
async function readLibrary(doc: LineageDoc, soft: SoftCall) {
  const [dimensionItems, measureItems, variableItems, sheetItems] = await Promise.all(
    SESSION_LISTS.map((list) =>
      soft(list.what, list.problem, () => listItems(doc, list.def(), list.listKey), [] as Record<string, unknown>[]),
    ),
  );
  return {
    dimensions: (dimensionItems ?? []).map(toDimension),
    measures: (measureItems ?? []).map(toMeasure),
    variables: (variableItems ?? []).map(toVariable),
    sheetIds: (sheetItems ?? []).map(qId).filter((id) => id !== ''),
  };
}

/** Phase 4: full property trees of sheets and master visualisations, one object after another per kind. */
async function readObjectTrees(
  doc: LineageDoc,
  soft: SoftCall,
  sheetIds: string[],
  masterIds: string[],
): Promise<{ sheets: EngineObjectEntry[]; masterObjects: EngineObjectEntry[] }> {
  const trees = async (objectIds: string[], what: string): Promise<EngineObjectEntry[]> => {
    const out: EngineObjectEntry[] = [];
    for (const id of objectIds) {
      const tree = await soft(
        `${what} ${id}`,
        'object-unavailable',
        async () => (await doc.getObject(id)).getFullPropertyTree(),
        null,
      );
      if (tree) out.push(toObjectEntry(tree));
    }
    return out;
  };
  const [sheets, masterObjects] = await Promise.all([
    trees(sheetIds.sort(), 'sheet'),
    trees(masterIds.sort(), 'master visualization'),
  ]);
  return { sheets, masterObjects };
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : 1);

/**
 * Reads everything lineage needs from an open app: script, GetLineage, connections, included files,
 * master dimensions/measures and variables (session list objects), sheets and master
 * visualisations (full property trees), and — when asked — GetTablesAndKeys. Calls that fail for
 * reasons of the app (no reload rights, an object that cannot be read) are recorded as problems;
 * GetScript failing fails the whole extraction (it throws a QixflowError: `ERR_ENGINE` …).
 */
export async function collectAppSnapshot(doc: LineageDoc, options: CollectOptions): Promise<AppSnapshot> {
  const problems: SnapshotProblem[] = [];
  const soft = softCaller(problems, options.signal);
  const { layout, script, lineage, connections, infos } = await readDocument(doc, soft);
  const includes = await readIncludes(doc, script, soft);
  const { dimensions, measures, variables, sheetIds } = await readLibrary(doc, soft);
  const masterIds = infos.flatMap((i) => (i.qType === 'masterobject' && i.qId !== undefined ? [i.qId] : []));
  const { sheets, masterObjects } = await readObjectTrees(doc, soft, sheetIds, masterIds);
  let model: AppSnapshot['model'] = null;
  if (options.readModel === true || (options.readModel === 'auto' && layout.qIsOpenedWithoutData !== true)) {
    model = await soft('GetTablesAndKeys', 'model-unavailable', async () => toModel(await tablesAndKeys(doc)), null);
  }
  options.signal?.throwIfAborted();
  return {
    appId: options.appId,
    appName: options.appName ?? layout.qTitle ?? options.appId,
    inventory: options.inventory,
    script,
    ...engineReloadTime(layout),
    lineage,
    connections: connections.map(toConnection).sort((a, b) => (a.qName < b.qName ? -1 : a.qName > b.qName ? 1 : 0)),
    includes,
    model,
    dimensions: dimensions.sort(byId),
    measures: measures.sort(byId),
    variables: variables.sort((a, b) => (a.name < b.name ? -1 : 1)),
    sheets,
    masterObjects,
    problems,
  };
}

/** The layout's qLastReloadTime ('' when never reloaded); nothing when the layout was not read. */
function engineReloadTime(layout: { qLastReloadTime?: unknown }): { engineReloadTime?: string | null } {
  const time = layout.qLastReloadTime;
  if (typeof time !== 'string') return {};
  return { engineReloadTime: time === '' ? null : time };
}

/** GetTablesAndKeys of a doc opened with data, or null (with a problem) when it fails. */
export async function readModel(doc: LineageDoc, problems: SnapshotProblem[]): Promise<AppSnapshot['model']> {
  try {
    return toModel(await tablesAndKeys(doc));
  } catch (error) {
    problems.push({ code: 'model-unavailable', message: `GetTablesAndKeys failed: ${message(error)}` });
    return null;
  }
}

function tablesAndKeys(doc: LineageDoc): ReturnType<LineageDoc['getTablesAndKeys']> {
  return doc.getTablesAndKeys({ qcx: 1000, qcy: 1000 }, { qcx: 0, qcy: 0 }, 30, false, false);
}

// The schema makes every struct member optional: the members lineage relies on get their empty value when the
// engine leaves them out (it does not for these; the types do not promise it).

function toConnection(connection: EngineWire<EngineConnection>): EngineConnection {
  return { ...connection, qName: connection.qName ?? '' };
}

function toModel(r: {
  qtr?: EngineWire<EngineTableRecord>[];
  qk?: EngineWire<EngineSourceKeyRecord>[];
}): NonNullable<AppSnapshot['model']> {
  return {
    tables: (r.qtr ?? []).map((table) => ({
      ...table,
      qName: table.qName ?? '',
      qFields: (table.qFields ?? []).map((field) => ({ ...field, qName: field.qName ?? '' })),
    })),
    keys: (r.qk ?? []).map((key) => ({ ...key, qKeyFields: key.qKeyFields ?? [], qTables: key.qTables ?? [] })),
  };
}

function toObjectEntry(entry: EngineWire<EngineObjectEntry>): EngineObjectEntry {
  const { qChildren, ...rest } = entry;
  return {
    ...rest,
    qProperty: entry.qProperty ?? {},
    ...(qChildren === undefined ? {} : { qChildren: qChildren.map(toObjectEntry) }),
  };
}
