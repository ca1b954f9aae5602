import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendNoContent, sendText } from '../http/respond.js';
import type { Site } from '../site/site.js';
import { qrsEntities } from './qrs-entities.js';
import { type QrsNotifications, QrsSubscriptionError } from './qrs-notifications.js';

/** What QRS writes need from the engine: the apps and the reload tasks. */
export interface QrsWriteActions {
  /** Starts a reload task by id or name; false when there is none. */
  startTask(idOrName: string): boolean;
  deleteApp(id: string): Promise<boolean>;
  copyApp(id: string, name: string | undefined): Promise<string | undefined>;
  publishApp(
    id: string,
    streamId: string,
    name: string | undefined,
  ): Promise<'app' | 'stream' | 'published' | undefined>;
}

/** Largest request body QRS writes read (a callback URL, a list of task ids). */
const MAX_BODY = 1024 * 1024;

/**
 * The QRS writes the simulator serves: starting reload tasks (`POST /qrs/task/{id}/start`,
 * `…/start/synchronous`, `/qrs/task/start[/synchronous]?name=`), change subscriptions
 * (`POST`/`DELETE /qrs/notification`), and app changes (`DELETE /qrs/app/{id}`,
 * `PUT /qrs/app/{id}/publish?stream=&name=`, `POST /qrs/app/{id}/copy?name=`). Answers whether it
 * handled the request (false: not a write the simulator knows).
 */
export async function handleQrsWrite(
  req: IncomingMessage,
  res: ServerResponse,
  path: readonly string[],
  url: URL,
  deps: { site: Site; actions: QrsWriteActions; notifications: QrsNotifications; headers: Record<string, string> },
): Promise<boolean> {
  const { actions, headers } = deps;
  const method = req.method ?? 'GET';
  const [head, id, verb, mode] = path;
  if (head === 'task' && method === 'POST') {
    const byName = id === 'start';
    const target = byName ? url.searchParams.get('name') : id;
    const synchronous = (byName ? verb : mode) === 'synchronous';
    if (!byName && verb !== 'start') return false;
    if (target === null || target === undefined || !actions.startTask(target)) {
      sendText(res, 404, 'Not Found', headers);
      return true;
    }
    // /start answers at once with no content; /start/synchronous once the task is started, with
    // the id of its execution session.
    if (synchronous) sendJson(res, 201, { value: randomUUID() }, headers);
    else sendNoContent(res, headers);
    return true;
  }
  if (head === 'notification' && path.length === 1) return await notification(req, res, url, deps);
  if (head === 'app' && id !== undefined) return await appWrite(res, method, id, verb, url, deps);
  return false;
}

async function notification(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: { notifications: QrsNotifications; headers: Record<string, string> },
): Promise<boolean> {
  const { notifications, headers } = deps;
  if (req.method === 'DELETE') {
    const handle = url.searchParams.get('handle');
    if (handle === null || !notifications.unsubscribe(handle)) sendText(res, 404, 'Not Found', headers);
    else sendNoContent(res, headers);
    return true;
  }
  if (req.method !== 'POST') return false;
  const body = await readBody(req);
  let callback: unknown;
  try {
    callback = body === undefined ? undefined : JSON.parse(body);
  } catch {
    callback = undefined;
  }
  if (typeof callback !== 'string') {
    sendText(res, 400, 'Bad request: the body must be the callback URL as a JSON string', headers);
    return true;
  }
  try {
    const subscription = notifications.subscribe(url.searchParams, callback);
    sendJson(res, 201, subscription.handle, headers);
  } catch (error) {
    if (!(error instanceof QrsSubscriptionError)) throw error;
    sendText(res, 400, `Bad request: ${error.message}`, headers);
  }
  return true;
}

async function appWrite(
  res: ServerResponse,
  method: string,
  id: string,
  verb: string | undefined,
  url: URL,
  deps: { site: Site; actions: QrsWriteActions; headers: Record<string, string> },
): Promise<boolean> {
  const { actions, headers, site } = deps;
  const appEntity = (appId: string) =>
    qrsEntities(site, 'app', 'full').find((e) => String(e.id).toLowerCase() === appId.toLowerCase());
  if (method === 'DELETE' && verb === undefined) {
    if (await actions.deleteApp(id)) sendNoContent(res, headers);
    else sendText(res, 404, 'Not Found', headers);
    return true;
  }
  if (method === 'POST' && verb === 'copy') {
    const copied = await actions.copyApp(id, url.searchParams.get('name') ?? undefined);
    if (copied === undefined) sendText(res, 404, 'Not Found', headers);
    else sendJson(res, 201, appEntity(copied), headers);
    return true;
  }
  if (method === 'PUT' && verb === 'publish') {
    const stream = url.searchParams.get('stream');
    if (stream === null) {
      sendText(res, 400, 'Bad request: publish needs ?stream=<stream id>', headers);
      return true;
    }
    const problem = await actions.publishApp(id, stream, url.searchParams.get('name') ?? undefined);
    if (problem === 'app' || problem === 'stream') sendText(res, 404, 'Not Found', headers);
    else if (problem === 'published') sendText(res, 400, 'Bad request: the app is already published', headers);
    else sendJson(res, 200, appEntity(id), headers);
    return true;
  }
  return false;
}

/** The request body as text; undefined when it is larger than {@link MAX_BODY}. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
