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

/**
 * Reads everything lineage needs from an open app: script, GetLineage, connections, included files,
 * master dimensions/measures and variables (session list objects), sheets and master
 * visualisations (full property trees), and — when asked — GetTablesAndKeys. Calls that fail for
 * reasons of the app (no reload rights, an object that cannot be read) are recorded as problems;
 * GetScript failing fails the whole extraction (it throws).
 */
export async function collectAppSnapshot(doc: LineageDoc, options: CollectOptions): Promise<AppSnapshot> {
  const problems: SnapshotProblem[] = [];
  const soft = async <T>(what: string, code: string, fn: () => Promise<T>, fallback: T): Promise<T> => {
    options.signal?.throwIfAborted();
    try {
      return await fn();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      problems.push({ code, message: `${what} failed: ${message(error)}` });
      return fallback;
    }
  };
  const [layout, script] = await Promise.all([
    soft('GetAppLayout', 'layout-unavailable', () => doc.getAppLayout(), {}),
    doc.getScript(),
  ]);
  const [lineage, connections, infos] = await Promise.all([
    soft('GetLineage', 'lineage-unavailable', async () => (await doc.getLineage()) ?? [], null),
    soft('GetConnections', 'connections-unavailable', async () => (await doc.getConnections()) ?? [], []),
    soft('GetAllInfos', 'objects-unavailable', async () => (await doc.getAllInfos()) ?? [], []),
  ]);
  const includes: Record<string, string | null> = {};
  for (const path of includePaths(script)) {
    includes[path] = await soft(
      `GetIncludeFileContent(${path})`,
      'include-unavailable',
      () => doc.getIncludeFileContent(path),
      null,
    );
  }
  const [dimensionItems, measureItems, variableItems, sheetItems] = await Promise.all([
    soft(
      'dimension list',
      'master-items-unavailable',
      () =>
        listItems(
          doc,
          {
            qInfo: { qType: 'LineageDimensionList' },
            qDimensionListDef: { qType: 'dimension', qData: { title: '/qMetaDef/title', dim: '/qDim' } },
          },
          'qDimensionList',
        ),
      [] as Record<string, unknown>[],
    ),
    soft(
      'measure list',
      'master-items-unavailable',
      () =>
        listItems(
          doc,
          {
            qInfo: { qType: 'LineageMeasureList' },
            qMeasureListDef: { qType: 'measure', qData: { title: '/qMetaDef/title', measure: '/qMeasure' } },
          },
          'qMeasureList',
        ),
      [] as Record<string, unknown>[],
    ),
    soft(
      'variable list',
      'variables-unavailable',
      () =>
        listItems(
          doc,
          {
            qInfo: { qType: 'LineageVariableList' },
            qVariableListDef: {
              qType: 'variable',
              qShowReserved: false,
              qShowConfig: false,
              qShowSession: false,
              qData: {},
            },
          },
          'qVariableList',
        ),
      [] as Record<string, unknown>[],
    ),
    soft(
      'sheet list',
      'sheets-unavailable',
      () =>
        listItems(
          doc,
          {
            qInfo: { qType: 'LineageSheetList' },
            qAppObjectListDef: { qType: 'sheet', qData: { title: '/qMetaDef/title' } },
          },
          'qAppObjectList',
        ),
      [] as Record<string, unknown>[],
    ),
  ]);
  const dimensions: SnapshotDimension[] = dimensionItems.map((item) => {
    const info = item.qInfo as { qId?: string } | undefined;
    const data = (item.qData ?? {}) as { title?: unknown; dim?: Record<string, unknown> };
    const dim = data.dim ?? {};
    return {
      id: str(info?.qId),
      title: str(data.title) || str(dim.title),
      grouping: str(dim.qGrouping) || 'N',
      fieldDefs: strs(dim.qFieldDefs),
      fieldLabels: strs(dim.qFieldLabels),
      labelExpression: str(dim.qLabelExpression),
    };
  });
  const measures: SnapshotMeasure[] = measureItems.map((item) => {
    const info = item.qInfo as { qId?: string } | undefined;
    const data = (item.qData ?? {}) as { title?: unknown; measure?: Record<string, unknown> };
    const m = data.measure ?? {};
    return {
      id: str(info?.qId),
      title: str(data.title) || str(m.qLabel),
      definition: str(m.qDef),
      label: str(m.qLabel),
      labelExpression: str(m.qLabelExpression),
      expressions: strs(m.qExpressions).filter((e) => e !== ''),
    };
  });
  const variables: SnapshotVariable[] = variableItems.map((item) => ({
    id: str((item.qInfo as { qId?: string } | undefined)?.qId),
    name: str(item.qName),
    definition: str(item.qDefinition),
    scriptCreated: item.qIsScriptCreated === true,
  }));
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
  const sheetIds = sheetItems.map((s) => str((s.qInfo as { qId?: string } | undefined)?.qId)).filter((id) => id !== '');
  const masterIds = infos.flatMap((i) => (i.qType === 'masterobject' && i.qId !== undefined ? [i.qId] : []));
  const [sheets, masterObjects] = await Promise.all([
    trees(sheetIds.sort(), 'sheet'),
    trees(masterIds.sort(), 'master visualization'),
  ]);
  let model: AppSnapshot['model'] = null;
  if (options.readModel === true || (options.readModel === 'auto' && layout.qIsOpenedWithoutData !== true)) {
    model = await soft(
      'GetTablesAndKeys',
      'model-unavailable',
      async () => {
        const r = await doc.getTablesAndKeys({ qcx: 1000, qcy: 1000 }, { qcx: 0, qcy: 0 }, 30, false, false);
        return toModel(r);
      },
      null,
    );
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
    dimensions: dimensions.sort((a, b) => (a.id < b.id ? -1 : 1)),
    measures: measures.sort((a, b) => (a.id < b.id ? -1 : 1)),
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
    const r = await doc.getTablesAndKeys({ qcx: 1000, qcy: 1000 }, { qcx: 0, qcy: 0 }, 30, false, false);
    return toModel(r);
  } catch (error) {
    problems.push({ code: 'model-unavailable', message: `GetTablesAndKeys failed: ${message(error)}` });
    return null;
  }
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
