import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditLog, RejectReason } from '../../audit-log.js';
import { sendJson, sendText } from '../http/respond.js';
import type { ProxySession } from '../session/proxy-session-store.js';
import type { Site } from '../site/site.js';
import { type QrsEntityType, qrsAbout, qrsEntities } from './qrs-entities.js';
import type { QrsNotifications } from './qrs-notifications.js';
import { QrsQueryError, queryEntities } from './qrs-query.js';
import { handleQrsWrite, type QrsWriteActions } from './qrs-writes.js';
import { scriptLogRequest } from './script-log-request.js';

/** Who is calling QRS, as the proxy established it. */
export interface QrsCaller {
  proxy: string;
  session: ProxySession;
  /** Headers the proxy wants on the response (Set-Cookie of a new session). */
  headers: Record<string, string>;
}

const XRFKEY = /^[0-9a-zA-Z]{16}$/;
const ENTITY_TYPES: readonly QrsEntityType[] = [
  'app',
  'stream',
  'dataconnection',
  'reloadtask',
  'executionresult',
  'app/object',
  'user',
];

/**
 * The QRS subset behind a virtual proxy: the xrfkey rule, then `/qrs/about` and, for each entity
 * type, `/qrs/<type>` (condensed), `/qrs/<type>/full`, `/qrs/<type>/count` and `/qrs/<type>/<id>`,
 * with `filter=` and `orderby=`; and a reload task's script log (`scriptlog`, `scriptlogfile`, then
 * `/qrs/download/reloadtask/…`).
 */
export class QrsRouter {
  readonly #site: Site;
  readonly #audit: AuditLog;
  readonly #buildVersion: string;
  readonly #writes: { actions: QrsWriteActions; notifications: QrsNotifications } | undefined;

  constructor(
    site: Site,
    audit: AuditLog,
    options: { buildVersion?: string; writes?: { actions: QrsWriteActions; notifications: QrsNotifications } } = {},
  ) {
    this.#site = site;
    this.#audit = audit;
    this.#buildVersion = options.buildVersion ?? '34.12.1';
    this.#writes = options.writes;
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    segments: string[],
    url: URL,
    caller: QrsCaller,
  ): Promise<void> {
    const xrf = checkXrfkey(req, url);
    if (xrf) {
      this.#reject(req, caller, 403, xrf);
      sendText(res, 403, 'XSRF prevention check failed. Possible XSRF discovered.', caller.headers);
      return;
    }
    const path = segments.filter((s) => s !== '').map((s) => s.toLowerCase());
    if (req.method !== 'GET') {
      const writes = this.#writes;
      const done =
        writes !== undefined &&
        (await handleQrsWrite(req, res, path, url, { site: this.#site, ...writes, headers: caller.headers }));
      if (!done)
        sendText(
          res,
          405,
          'Method not allowed: the simulator serves QRS reads, task start, notifications and app delete/copy/publish only',
          caller.headers,
        );
      return;
    }
    if (path.length === 1 && path[0] === 'about') {
      sendJson(res, 200, qrsAbout(this.#buildVersion), caller.headers);
      return;
    }
    const log = scriptLogRequest(this.#site, path, url);
    if (log !== undefined) {
      if (log.kind === 'not-found') return this.#notFound(req, res, caller);
      if (log.kind === 'reference') sendJson(res, 200, { value: log.value }, caller.headers);
      else sendLog(res, log.text, caller.headers);
      return;
    }
    const typeName = path[0] === 'app' && path[1] === 'object' ? 'app/object' : path[0];
    const type = ENTITY_TYPES.find((t) => t === typeName);
    if (!type) return this.#notFound(req, res, caller);
    const rest = path.slice(type.split('/').length);
    const tail = rest[0];
    if (rest.length > 1) return this.#notFound(req, res, caller);
    // Filters and ordering read the whole entity (as QRS's do), whatever shape the answer has.
    const all = qrsEntities(this.#site, type, 'full');
    if (tail !== undefined && tail !== 'full' && tail !== 'count') {
      // /qrs/<type>/<id>: always the full entity
      const one = qrsEntities(this.#site, type, 'full').find((e) => String(e.id).toLowerCase() === tail);
      if (!one) {
        sendText(res, 404, 'Not Found', caller.headers);
        return;
      }
      sendJson(res, 200, one, caller.headers);
      return;
    }
    try {
      const ordered = queryEntities(all, url.searchParams.get('filter'), url.searchParams.get('orderby'));
      // Paging with skip/take (applied after filter and orderby).
      const skip = Math.max(0, Number(url.searchParams.get('skip') ?? 0) || 0);
      const takeParam = url.searchParams.get('take');
      const take = takeParam === null ? undefined : Math.max(0, Number(takeParam) || 0);
      const page = ordered.slice(skip, take === undefined ? undefined : skip + take);
      if (tail === 'count') sendJson(res, 200, { value: page.length }, caller.headers);
      else if (tail === 'full') sendJson(res, 200, page, caller.headers);
      else {
        const condensed = new Map(qrsEntities(this.#site, type, 'condensed').map((e) => [String(e.id), e]));
        sendJson(
          res,
          200,
          page.map((e) => condensed.get(String(e.id)) ?? e),
          caller.headers,
        );
      }
    } catch (error) {
      if (error instanceof QrsQueryError) {
        sendText(res, 400, `Bad request: ${error.message}`, caller.headers);
        return;
      }
      throw error;
    }
  }

  #notFound(req: IncomingMessage, res: ServerResponse, caller: QrsCaller): void {
    this.#reject(req, caller, 404, 'not-found');
    sendText(res, 404, 'Not Found', caller.headers);
  }

  #reject(req: IncomingMessage, caller: QrsCaller, status: number, reason: RejectReason): void {
    this.#audit.record({
      type: 'rejected',
      proxy: caller.proxy,
      status,
      reason,
      method: req.method ?? 'GET',
      path: (req.url ?? '').split('?')[0] ?? '',
    });
  }
}

/** A script log as QRS downloads it: the file, as is. */
function sendLog(res: ServerResponse, text: string, headers: Record<string, string>): void {
  res.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The xrfkey rule: `?xrfkey=` (any case) and `X-Qlik-Xrfkey` present, equal, 16 chars [0-9a-zA-Z]. */
function checkXrfkey(req: IncomingMessage, url: URL): RejectReason | undefined {
  let query: string | undefined;
  for (const [name, value] of url.searchParams) {
    if (name.toLowerCase() === 'xrfkey') {
      query = value;
      break;
    }
  }
  const header = req.headers['x-qlik-xrfkey'];
  const headerValue = Array.isArray(header) ? header[0] : header;
  if (query === undefined || headerValue === undefined) return 'xrfkey-missing';
  if (!XRFKEY.test(query) || !XRFKEY.test(headerValue)) return 'xrfkey-invalid';
  if (query !== headerValue) return 'xrfkey-mismatch';
  return undefined;
}
