import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/respond.js';
import type { ProxySession } from '../session/proxy-session-store.js';
import type { Site } from '../site/site.js';
import type { CloudAudits } from './cloud-audits.js';
import { type CloudListings, type CloudPage, pageLimit } from './cloud-listings.js';
import { CloudWebhookError, CloudWebhooks } from './cloud-webhooks.js';

/** What the REST routes need. */
export interface CloudApiDeps {
  readonly site: Site;
  readonly listings: CloudListings;
  readonly webhooks: CloudWebhooks;
  readonly audits: CloudAudits;
  /** false: `/api/v1/audits` answers 403 (a user without the audit permission). */
  readonly auditsReadable: boolean;
}

/** A Qlik-style error answer the tenant sends (and audits). */
export type CloudApiReject = (status: 400 | 403 | 404, detail: string) => void;

const MAX_BODY = 64 * 1024;

/**
 * The tenant's REST listings for a logged-in session: `GET /api/v1/items`, `GET|POST
 * /api/v1/reloads`, `GET /api/v1/reloads/{id}`, `GET|POST /api/v1/webhooks`, `GET|DELETE
 * /api/v1/webhooks/{id}`, `GET /api/v1/audits`, `GET /api/v1/audits/types`, `GET /api/v1/spaces/{id}`
 * (the site's streams as managed spaces). Answers false when the path is none of them.
 */
export async function handleCloudApi(
  req: IncomingMessage,
  res: ServerResponse,
  segments: readonly string[],
  session: ProxySession,
  deps: CloudApiDeps,
  reject: CloudApiReject,
): Promise<boolean> {
  if (segments[0] !== 'api' || segments[1] !== 'v1') return false;
  const url = new URL(req.url ?? '/', 'http://tenant');
  const [, , resource, id, extra] = segments;
  if (extra !== undefined) return false;
  const method = req.method ?? 'GET';
  const limit = pageLimit(url.searchParams.get('limit'));
  const next = url.searchParams.get('next') ?? undefined;
  if (resource === 'items' && id === undefined && method === 'GET') {
    if (limit === undefined) {
      reject(400, 'limit must be 1 to 100');
      return true;
    }
    const type = url.searchParams.get('resourceType');
    const sort = url.searchParams.get('sort') ?? '-updatedAt';
    if (type !== null && type !== 'app') {
      sendPage(res, url, { data: [], next: undefined });
      return true;
    }
    if (sort !== '-updatedAt') {
      reject(400, 'the simulator sorts items by -updatedAt only');
      return true;
    }
    sendPage(res, url, deps.listings.items(limit, next));
    return true;
  }
  if (resource === 'reloads') return reloads(req, res, url, id, session, deps, reject);
  if (resource === 'webhooks') return webhooks(req, res, id, session, deps, reject);
  if (resource === 'audits' && method === 'GET') return audits(res, url, id, deps, reject);
  if (resource === 'spaces' && id !== undefined && method === 'GET') {
    const stream = deps.site.streams.get(id);
    if (!stream) reject(404, 'no such space');
    else sendJson(res, 200, { id: stream.id, name: stream.name, type: 'managed', ownerId: stream.owner.id });
    return true;
  }
  return false;
}

/** `GET /api/v1/audits` (eventType, source, userId, eventTime=start/end, sort ±eventTime, limit, next) and `/types`. */
function audits(
  res: ServerResponse,
  url: URL,
  id: string | undefined,
  deps: CloudApiDeps,
  reject: CloudApiReject,
): boolean {
  if (!deps.auditsReadable) {
    reject(403, 'the user may not read audit events');
    return true;
  }
  if (id === 'types') {
    sendJson(res, 200, { data: deps.audits.types(), links: {} });
    return true;
  }
  if (id !== undefined) return false;
  const q = url.searchParams;
  const limit = pageLimit(q.get('limit'));
  const sort = q.get('sort') ?? '-eventTime';
  const range = q.get('eventTime');
  const [from, to] = range === null ? [] : range.split('/');
  if (
    limit === undefined ||
    !['-eventTime', '+eventTime', 'eventTime'].includes(sort) ||
    (range !== null && to === undefined)
  ) {
    reject(400, 'limit must be 1 to 100, sort ±eventTime, eventTime start/end');
    return true;
  }
  sendPage(
    res,
    url,
    deps.audits.list({
      eventType: q.get('eventType') ?? undefined,
      source: q.get('source') ?? undefined,
      userId: q.get('userId') ?? undefined,
      from: from || undefined,
      to: to || undefined,
      ascending: sort !== '-eventTime',
      limit,
      next: q.get('next') ?? undefined,
    }),
  );
  return true;
}

async function reloads(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: string | undefined,
  session: ProxySession,
  deps: CloudApiDeps,
  reject: CloudApiReject,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (id !== undefined) {
    if (method !== 'GET') return false;
    const found = deps.listings.reload(id);
    if (!found) reject(404, 'no such reload');
    else sendJson(res, 200, found);
    return true;
  }
  if (method === 'GET') {
    const limit = pageLimit(url.searchParams.get('limit'));
    if (limit === undefined) {
      reject(400, 'limit must be 1 to 100');
      return true;
    }
    const appId = url.searchParams.get('appId') ?? undefined;
    sendPage(res, url, deps.listings.reloads(appId, limit, url.searchParams.get('next') ?? undefined));
    return true;
  }
  if (method !== 'POST') return false;
  const body = await readJson(req);
  const appId = typeof body === 'object' && body !== null ? (body as { appId?: unknown }).appId : undefined;
  if (typeof appId !== 'string') {
    reject(400, 'appId is required');
    return true;
  }
  const started = deps.listings.start(appId, session.user.userId);
  if (!started) reject(404, 'no such app');
  else sendJson(res, 201, started);
  return true;
}

async function webhooks(
  req: IncomingMessage,
  res: ServerResponse,
  id: string | undefined,
  session: ProxySession,
  deps: CloudApiDeps,
  reject: CloudApiReject,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (id === undefined && method === 'GET') {
    sendJson(res, 200, { data: deps.webhooks.list().map((h) => CloudWebhooks.shown(h)), links: {} });
    return true;
  }
  if (id === undefined && method === 'POST') {
    try {
      const hook = deps.webhooks.create(await readJson(req), session.user.userId);
      sendJson(res, 201, CloudWebhooks.shown(hook));
    } catch (error) {
      if (!(error instanceof CloudWebhookError)) throw error;
      reject(400, error.message);
    }
    return true;
  }
  if (id === undefined) return false;
  const hook = deps.webhooks.get(id);
  if (method === 'GET') {
    if (!hook) reject(404, 'no such webhook');
    else sendJson(res, 200, CloudWebhooks.shown(hook));
    return true;
  }
  if (method === 'DELETE') {
    if (!deps.webhooks.delete(id)) reject(404, 'no such webhook');
    else {
      res.writeHead(204);
      res.end();
    }
    return true;
  }
  return false;
}

function sendPage<T>(res: ServerResponse, url: URL, page: CloudPage<T>): void {
  const self = `${url.pathname}${url.search}`;
  const links: Record<string, { href: string }> = { self: { href: self } };
  if (page.next !== undefined) {
    const nextUrl = new URL(url.href);
    nextUrl.searchParams.set('next', page.next);
    links.next = { href: `${nextUrl.pathname}${nextUrl.search}` };
  }
  sendJson(res, 200, { data: page.data, links });
}

/** The JSON body, or undefined when it is missing, too large or not JSON. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
