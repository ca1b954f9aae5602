import { randomBytes, randomUUID } from 'node:crypto';
import { AppDoc } from '../app/app-doc.js';
import { EngineError } from '../rpc/engine-error.js';
import type { RunningRequest } from '../rpc/running-request.js';
import type { Call, HandlerTable } from './handler.js';
import type { HandlerContext } from './handler-context.js';

const CODE_PAGES = [
  { qNumber: 65001, qName: 'UTF-8', qDescription: 'Unicode (UTF-8)' },
  { qNumber: 1200, qName: 'UTF-16LE', qDescription: 'Unicode' },
  { qNumber: 1252, qName: 'Windows-1252', qDescription: 'Western European (Windows)' },
  { qNumber: 28591, qName: 'ISO-8859-1', qDescription: 'Western European (ISO)' },
];

/** A few real BNF entries: enough for editors that look functions up (GetBNF). */
const BNF_FUNCTIONS: { name: string; aggr: boolean; group: string }[] = [
  { name: 'Sum', aggr: true, group: 'AGGR' },
  { name: 'Count', aggr: true, group: 'AGGR' },
  { name: 'Avg', aggr: true, group: 'AGGR' },
  { name: 'Min', aggr: true, group: 'AGGR' },
  { name: 'Max', aggr: true, group: 'AGGR' },
  { name: 'Only', aggr: true, group: 'AGGR' },
  { name: 'Concat', aggr: true, group: 'AGGR' },
  { name: 'If', aggr: false, group: 'COND' },
  { name: 'Pick', aggr: false, group: 'COND' },
  { name: 'Upper', aggr: false, group: 'STR' },
  { name: 'Lower', aggr: false, group: 'STR' },
  { name: 'Len', aggr: false, group: 'STR' },
  { name: 'Year', aggr: false, group: 'DATE' },
  { name: 'Month', aggr: false, group: 'DATE' },
  { name: 'Date', aggr: false, group: 'FORMAT' },
  { name: 'Num', aggr: false, group: 'FORMAT' },
];

/** Global methods about the engine and the machine: versions, product, code pages, BNF … */
function productHandlers(version: string): HandlerTable<'Global'> {
  return {
    EngineVersion: () => ({ qVersion: { qComponentVersion: version } }),
    ProductVersion: () => ({ qReturn: version }),
    QvVersion: () => ({ qReturn: version }),
    QTProduct: () => ({ qReturn: 'Qlik Sense' }),
    OSName: () => ({ qReturn: 'Windows' }),
    OSVersion: () => ({ qReturn: '10.0.20348' }),
    IsDesktopMode: () => ({ qReturn: false }),
    IsPersonalMode: () => ({ qReturn: false }),
    AllowCreateApp: () => ({ qReturn: true }),
    GetUniqueID: () => ({ qUniqueID: randomUUID() }),
    GetAuthenticatedUser: ({ session }) => ({
      qReturn: `UserDirectory=${session.user.userDirectory}; UserId=${session.user.userId}`,
    }),
    GetSupportedCodePages: () => ({ qCodePages: CODE_PAGES }),
    GetCustomConnectors: () => ({ qConnectors: [] }),
    GetOdbcDsns: () => ({ qOdbcDsns: [] }),
    GetOleDbProviders: () => ({ qOleDbProviders: [] }),
    GetDefaultAppFolder: () => ({ qPath: '/apps' }),
    GetBNF: (_call, [type]) => ({ qBnfDefs: bnf(type === 'S') }),
    GetBaseBNF: (_call, [type]) => ({ qBnfDefs: bnf(type === 'S'), qBnfHash: 'sim' }),
    GetBaseBNFHash: () => ({ qBnfHash: 'sim' }),
    ConfigureReload: () => ({}),
    ReloadExtensionList: () => ({}),
  };
}

/** The Global interface (handle -1). */
export function globalHandlers(engine: HandlerContext): HandlerTable<'Global'> {
  const version = engine.options.version;
  return {
    ...productHandlers(version),
    AbortAll: ({ session, request }) => {
      session.abortAll(request);
      return {};
    },
    GetFunctions: (_call, [group]) => ({
      qFunctions: BNF_FUNCTIONS.filter((f) => group === 'ALL' || f.group === group).map((f) => ({
        qName: f.name,
        qGroup: f.group,
        qSignature: `${f.name.toUpperCase()}(${f.aggr ? '[{SetExpression}] [DISTINCT] [TOTAL [<fld {,fld}>]] expr' : 'expr'})`,
      })),
    }),
    GetStreamList: () => ({
      qStreamList: [...engine.options.site.streams.values()].map((s) => ({ qName: s.name, qId: s.id })),
    }),
    AbortRequest: ({ connection }, [id]) => {
      connection.running.get(id)?.controller.abort();
      return {};
    },
    CancelRequest: ({ connection }, [id]) => {
      connection.running.get(id)?.controller.abort();
      return {};
    },
    CancelReload: ({ session }) => {
      for (const connection of session.connections) {
        for (const request of connection.running.values()) {
          if (request.method === 'DoReload' || request.method === 'DoReloadEx') request.controller.abort();
        }
      }
      return {};
    },
    GetProgress: ({ connection }, [id]) => {
      const request = connection.running.get(id) ?? connection.finished.get(id);
      return { qProgressData: progressData(request, connection.running.has(id)) };
    },

    OpenDoc: (call, [docName, , , , noData]) => {
      const { session, connection } = call;
      const open = session.doc;
      if (open) {
        // As real engines: the open app again (another socket of the session, a client that
        // re-attached) gets the open Doc; in another mode it is 1009; another app is 1002.
        if (docName !== open.app.id && engine.apps.get(docName) !== open.app)
          throw EngineError.of('LOCERR_APP_ALREADY_OPEN', docName);
        if (open.noData !== noData) throw EngineError.of('LOCERR_APP_ALREADY_OPEN_IN_DIFFERENT_MODE', docName);
        return { qReturn: connection.bind(open.entity) };
      }
      const app = engine.apps.get(docName);
      if (!app) throw EngineError.of('LOCERR_APP_NOT_FOUND', docName);
      const doc = engine.openDoc(session, app, noData);
      return { qReturn: connection.bind(doc.entity) };
    },
    GetActiveDoc: ({ session, connection }) => {
      if (!session.doc) throw EngineError.of('LOCERR_APP_INVALID', 'No active document');
      return { qReturn: connection.bind(session.doc.entity) };
    },
    CreateSessionApp: (call) => createSessionApp(engine, call, undefined),
    CreateSessionAppFromApp: (call, [source]) => {
      const app = engine.apps.get(source);
      if (!app) throw EngineError.of('LOCERR_APP_NOT_FOUND', source);
      return createSessionApp(engine, call, app);
    },
    GetDocList: () => ({
      qDocList: engine.apps.list().map((app) => ({
        qDocName: app.title,
        qConnectedUsers: app.watchers,
        qFileTime: toQlikTime(app.modifiedDate),
        qFileSize: JSON.stringify(app.toFixture()).length,
        qDocId: app.id,
        qMeta: {
          createdDate: app.createdDate,
          modifiedDate: app.modifiedDate,
          published: false,
          privileges: ['read', 'update', 'delete'],
        },
        qLastReloadTime: app.lastReloadTime ?? '',
        qReadOnly: false,
        qTitle: app.title,
        qThumbnail: { qUrl: '' },
      })),
    }),
    CreateApp: async (_call, [appName, mainSection]) => {
      if (appName.trim() === '') throw EngineError.of('LOCERR_APP_INVALID_NAME', appName);
      if (engine.apps.list().some((a) => a.title === appName))
        throw EngineError.of('LOCERR_APP_ALREADY_EXISTS', appName);
      const app = await engine.apps.create(appName, emptyScript(mainSection));
      return { qSuccess: true, qAppId: app.id };
    },
    DeleteApp: async (_call, [appId]) => {
      if (!(await engine.apps.delete(appId))) throw EngineError.of('LOCERR_APP_NOT_FOUND', appId);
      return { qSuccess: true };
    },
  };
}

function createSessionApp(engine: HandlerContext, { session, connection }: Call, source: AppDoc | undefined) {
  if (session.doc) throw EngineError.of('LOCERR_APP_ALREADY_OPEN', session.doc.app.id);
  const id = `SessionApp_${randomBytes(16).toString('hex')}`;
  const app = source
    ? new AppDoc({ ...source.toFixture(), id, name: id }, { isSessionApp: true })
    : engine.createSessionApp(id);
  const doc = engine.openDoc(session, app, false);
  return { qSessionAppId: id, qReturn: connection.bind(doc.entity) };
}

/** The script of a new app: the standard SET statements of an empty Qlik Sense app. */
export function emptyScript(mainSection: string): string {
  return [
    `///$tab ${mainSection || 'Main'}`,
    "SET ThousandSep=',';",
    "SET DecimalSep='.';",
    "SET MoneyThousandSep=',';",
    "SET MoneyDecimalSep='.';",
    "SET MoneyFormat='$#,##0.00;-$#,##0.00';",
    "SET TimeFormat='h:mm:ss TT';",
    "SET DateFormat='M/D/YYYY';",
    "SET TimestampFormat='M/D/YYYY h:mm:ss[.fff] TT';",
    'SET FirstWeekDay=6;',
    'SET BrokenWeeks=1;',
    'SET ReferenceDay=0;',
    'SET FirstMonthOfYear=1;',
    "SET CollationLocale='en-US';",
    "SET MonthNames='Jan;Feb;Mar;Apr;May;Jun;Jul;Aug;Sep;Oct;Nov;Dec';",
    "SET DayNames='Mon;Tue;Wed;Thu;Fri;Sat;Sun';",
    '',
  ].join('\n');
}

function bnf(script: boolean): Record<string, unknown>[] {
  return BNF_FUNCTIONS.map((f, i) => ({
    qBnfNo: i + 1,
    qPNo: 0,
    qHelpId: 0,
    qName: f.name,
    qStr: f.name,
    qIsBnfRule: false,
    qScriptStatement: false,
    qControlStatement: false,
    qBnfLiteral: false,
    qQvFunc: true,
    qAggrFunc: f.aggr && !script,
    qFG: f.group,
    qFieldFlag: false,
    qMT: 'N',
    qDepr: false,
    qFGList: [f.group],
  }));
}

function progressData(request: RunningRequest | undefined, running: boolean): Record<string, unknown> {
  return {
    qStarted: request !== undefined,
    qFinished: request !== undefined && !running,
    qCompleted: request?.progress.completed ?? 0,
    qTotal: request?.progress.total ?? 0,
    qKB: 0,
    qMillisecs: request ? Date.now() - request.startedAt : 0,
    qUserInteractionWanted: false,
    qPersistentProgress: request?.progress.messages.join('\n') ?? '',
    qTransientProgress: '',
    qErrorData: request?.progress.errors ?? [],
    qPersistentProgressMessages: (request?.progress.messages ?? []).map((line) => ({
      qMessageCode: 0,
      qMessageParameters: [line],
    })),
  };
}

/** Qlik timestamps in GetDocList are serial day numbers (days since 1899-12-30). */
function toQlikTime(iso: string): number {
  return Date.parse(iso) / 86_400_000 + 25_569;
}
