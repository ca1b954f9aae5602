import type { QixflowError } from '@qixflow/core';
import type { Doc } from '@qixflow/qix';
import {
  currentSelections,
  type GenericObjectLayout,
  isRxQixError,
  objectLayout,
  reloads,
  type SelectionObject,
  sessionState,
} from '@qixflow/rx';
import { catchError, EMPTY, filter, map, merge, type Observable, of, type Subscription, switchMap } from 'rxjs';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { openSite } from '../connection/open-site.js';
import { describeError } from '../describe-error.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { untilAborted } from '../internal/interrupt.js';
import { formatSummary, type LayoutSummary, missingPage, summarizeLayout } from '../internal/layout-summary.js';
import { findApps } from '../internal/qrs-apps.js';
import { type WatchSiteFlags, watchSiteCommand } from './watch-site.js';

/** Flags of `qixflow watch`. */
export interface WatchFlags extends WatchSiteFlags {
  /** Watch the site's changes instead of one app. */
  site?: boolean;
  state: string;
  selections: boolean;
  reloads: boolean;
  json?: boolean;
  ttl?: number;
}

/** One thing `watch` reports. */
export type WatchEvent =
  | {
      kind: 'layout';
      at: Date;
      id: string;
      type: string;
      title: string;
      qcy: number | undefined;
      /** A KPI's values, a chart's first rows, a list box's first values. */
      summary: LayoutSummary;
    }
  | { kind: 'selections'; at: Date; state: string; selections: { field: string; selected: string }[] }
  | { kind: 'reload'; at: Date; lastReloadTime: string }
  | { kind: 'session'; at: Date; state: string }
  | { kind: 'error'; at: Date; id: string; code: string; message: string };

// Object types that are not visualizations: watched only when named explicitly.
const NOT_VISUAL = new Set(['sheet', 'story', 'appprops', 'LoadModel', 'dimension', 'measure', 'bookmark', 'variable']);

/**
 * `qixflow watch <app> [object…]`: live layouts of objects (default: every visualization on the
 * app's sheets), the current selections and reloads, until Ctrl-C — then every stream is torn down,
 * the session objects destroyed and the connection closed.
 *
 * @example
 * ```ts
 * await watchCommand('Sales Dashboard', [], { state: '$', selections: true, reloads: true }, context);
 * ```
 */
export async function watchCommand(
  appRef: string | undefined,
  objectIds: readonly string[],
  flags: WatchFlags,
  context: CliContext,
): Promise<ExitCode> {
  if (flags.site === true) {
    if (appRef !== undefined) {
      throw new CliError('ERR_USAGE', '--site watches the whole site: give no app or object', {
        fix: "use --filter 'appName=…' or --stream to narrow it",
      });
    }
    return await watchSiteCommand(flags, context);
  }
  if (appRef === undefined) {
    throw new CliError('ERR_USAGE', 'watch needs an app, or --site', {
      fix: "e.g. qixflow watch 'Sales Dashboard', or qixflow watch --site",
    });
  }
  const siteOnly = (['stream', 'filter', 'intervalMs', 'maxIntervalMs'] as const).filter((k) => flags[k] !== undefined);
  if (siteOnly.length > 0 || flags.resume === false) {
    throw new CliError(
      'ERR_USAGE',
      '--stream, --filter, --interval-ms, --max-interval-ms and --no-resume go with --site',
      {
        fix: 'add --site to watch the changes of the whole site',
      },
    );
  }
  const { terminal } = context;
  const { site } = await openSite(flags, context, 'watch');
  const subscriptions: Subscription[] = [];
  try {
    const [app] = await findApps(site, [appRef], context.interrupted);
    if (app === undefined) throw new CliError('ERR_APP_NOT_FOUND', `no app ${JSON.stringify(appRef)}`);
    const connection = site.openApp(app.id, flags.ttl === undefined ? {} : { ttl: flags.ttl });
    const doc = await connection.open();
    // Through run(): the engine calls made before streaming are bounded by --timeout like the open.
    const ids = await connection.run(() =>
      objectIds.length > 0 ? checkObjects(doc, objectIds) : visualizationIds(doc),
    );

    const print = (event: WatchEvent): void => {
      const text = flags.json === true ? JSON.stringify({ ...event, at: event.at.toISOString() }) : formatEvent(event);
      if (event.kind === 'error') terminal.err(text);
      else terminal.out(text);
    };
    if (flags.json !== true) {
      const parts = [`${ids.length} object${ids.length === 1 ? '' : 's'}`];
      if (flags.selections) parts.push(`selections (state ${flags.state})`);
      if (flags.reloads) parts.push('reloads');
      terminal.err(`watching ${app.name} (${app.id}): ${parts.join(', ')}; Ctrl-C to stop`);
    }

    // A failure that ends the watch: the connection gave up (licence, session limit, logout …).
    let fatal: unknown;
    const stop = new AbortController();
    const end = (error: unknown): void => {
      fatal ??= error;
      stop.abort();
    };
    connection.on('error', (error: QixflowError) => end(error));

    const perObject = ids.map((id) =>
      objectLayout(doc, id).pipe(
        switchMap((layout) => withSummary(doc, id, layout)),
        catchError((error: unknown): Observable<WatchEvent> => {
          if (isRxQixError(error, 'ERR_SESSION_CLOSED')) {
            end(error);
            return EMPTY;
          }
          const { code, message } = describeError(error);
          return of<WatchEvent>({ kind: 'error', at: new Date(), id, code, message });
        }),
      ),
    );
    const streams: Observable<WatchEvent>[] = [...perObject];
    if (flags.selections) {
      streams.push(currentSelections(doc, flags.state).pipe(map((s) => selectionEvent(s, flags.state))));
    }
    if (flags.reloads) {
      streams.push(
        reloads(doc).pipe(map((time): WatchEvent => ({ kind: 'reload', at: new Date(), lastReloadTime: time }))),
      );
    }
    // The session state starts as 'connected': only changes are worth a line.
    const session$ = sessionState(doc).pipe(
      filter((state) => state !== 'connected'),
      map((state): WatchEvent => ({ kind: 'session', at: new Date(), state })),
      catchError(() => EMPTY),
    );
    subscriptions.push(merge(...streams, session$).subscribe({ next: print, error: end }));

    await Promise.race([untilAborted(context.interrupted), untilAborted(stop.signal)]);
    for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    if (fatal !== undefined) throw fatal;
    if (flags.json !== true) terminal.err('stopped');
    await connection.close();
    return EXIT_CODES.ok;
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await site.close();
  }
}

/** Every object on the app's sheets (their children), in sheet order. */
async function visualizationIds(doc: Doc): Promise<string[]> {
  const infos = (await doc.getAllInfos()) as { qId: string; qType: string }[];
  const ids: string[] = [];
  for (const sheet of infos.filter((i) => i.qType === 'sheet')) {
    const object = await doc.getObject(sheet.qId);
    const layout = (await object.getLayout()) as { qChildList?: { qItems?: { qInfo: { qId: string } }[] } };
    for (const item of layout.qChildList?.qItems ?? []) if (!ids.includes(item.qInfo.qId)) ids.push(item.qInfo.qId);
  }
  // Apps without sheets: every visualization the app has.
  if (ids.length === 0) {
    for (const info of infos) if (!NOT_VISUAL.has(info.qType)) ids.push(info.qId);
  }
  return ids;
}

/** Checks that the named objects exist, so a typo is a usage error rather than a silent line. */
async function checkObjects(doc: Doc, ids: readonly string[]): Promise<string[]> {
  const infos = (await doc.getAllInfos()) as { qId: string }[];
  const known = new Set(infos.map((i) => i.qId));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new CliError(
      'ERR_OBJECT_NOT_FOUND',
      `no object ${missing.map((m) => JSON.stringify(m)).join(', ')} in the app`,
      {
        fix: 'leave the object ids out to watch every visualization on the sheets',
      },
    );
  }
  return [...new Set(ids)];
}

/**
 * The layout event with its summary. Objects without `qInitialDataFetch` bring no rows in their
 * layout: their first rows are fetched (one small data call per change). A failed fetch only
 * leaves the summary out.
 */
async function withSummary(doc: Doc, id: string, layout: GenericObjectLayout): Promise<WatchEvent> {
  const missing = missingPage(layout);
  let pages: { qMatrix?: { qText?: string; qState?: string }[][] }[] = [];
  if (missing !== undefined) {
    try {
      const object = await doc.getObject(id);
      pages =
        missing.path === '/qHyperCubeDef'
          ? await object.getHyperCubeData(missing.path, [missing.page])
          : await object.getListObjectData(missing.path, [missing.page]);
    } catch {
      pages = [];
    }
  }
  return layoutEvent(id, layout, summarizeLayout(layout, pages));
}

function layoutEvent(id: string, layout: GenericObjectLayout, summary: LayoutSummary): WatchEvent {
  const l = layout as GenericObjectLayout & {
    title?: unknown;
    qHyperCube?: { qSize?: { qcy?: number } };
    qListObject?: { qSize?: { qcy?: number } };
  };
  const title = typeof l.title === 'string' && l.title !== '' ? l.title : (layout.qMeta?.title ?? '');
  const qcy = l.qHyperCube?.qSize?.qcy ?? l.qListObject?.qSize?.qcy;
  return { kind: 'layout', at: new Date(), id, type: layout.qInfo?.qType ?? '', title: String(title), qcy, summary };
}

function selectionEvent(selection: SelectionObject, state: string): WatchEvent {
  return {
    kind: 'selections',
    at: new Date(),
    state,
    selections: (selection.qSelections ?? []).map((s) => ({ field: s.qField ?? '', selected: s.qSelected ?? '' })),
  };
}

/**
 * One line for a terminal: `12:03:04.123  layout  aZPmCQ  barchart  "Sales by Geography"  qcy=6  Region | Sales: Nordics | 1 200; …`.
 *
 * @example
 * ```ts
 * formatEvent({ kind: 'reload', at: new Date(), lastReloadTime: '2026-06-29T02:01:12.000Z' });
 * ```
 */
export function formatEvent(event: WatchEvent): string {
  const time = clock(event.at);
  switch (event.kind) {
    case 'layout': {
      const summary = formatSummary(event.summary, event.qcy);
      return `${time}  layout      ${event.id}  ${event.type}  ${JSON.stringify(event.title)}${event.qcy === undefined ? '' : `  qcy=${event.qcy}`}${summary === '' ? '' : `  ${summary}`}`;
    }
    case 'selections':
      return `${time}  selections  ${event.state === '$' ? '' : `[${event.state}] `}${
        event.selections.length === 0 ? '(none)' : event.selections.map((s) => `${s.field}: ${s.selected}`).join('; ')
      }`;
    case 'reload':
      return `${time}  reload      last reload ${event.lastReloadTime}`;
    case 'session':
      return `${time}  session     ${event.state}`;
    case 'error':
      return `${time}  error       ${event.id}  ${event.code}: ${event.message}`;
  }
}

function clock(at: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
}
