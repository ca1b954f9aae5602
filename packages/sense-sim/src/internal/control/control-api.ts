import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionSelector, SimulatorControl } from '../../simulator-control.js';
import { sendJson, sendText } from '../http/respond.js';

const MAX_BODY = 64 * 1024;

/**
 * The control API over HTTP, for the CLI and tests in other processes:
 * `POST /__sim/control/<action>` with a JSON body and header `x-sim-control-token`;
 * `GET /__sim/stats`. Actions: expire-sessions, drop-sockets, login-page, fail-next, delay,
 * abort-requests, restart-engine, reset.
 */
export async function handleControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  action: string,
  control: SimulatorControl,
  token: string,
  stats: () => Record<string, unknown>,
): Promise<void> {
  const given = req.headers['x-sim-control-token'];
  if (typeof given !== 'string' || !safeEqual(given, token)) {
    sendText(res, 403, '403 Forbidden: x-sim-control-token missing or wrong');
    return;
  }
  if (action === 'stats' && req.method === 'GET') {
    sendJson(res, 200, stats());
    return;
  }
  if (req.method !== 'POST') {
    sendText(res, 405, '405 Method Not Allowed: use POST');
    return;
  }
  let body: Record<string, unknown>;
  try {
    body = await readJson(req);
  } catch (error) {
    sendText(res, 400, `400 Bad Request: ${(error as Error).message}`);
    return;
  }
  const num = (key: string): number | undefined => (typeof body[key] === 'number' ? (body[key] as number) : undefined);
  const str = (key: string): string | undefined => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  switch (action) {
    case 'expire-sessions':
      sendJson(res, 200, { expired: control.expireSessions((body.sessions as SessionSelector | undefined) ?? 'all') });
      return;
    case 'logout-sessions':
      sendJson(res, 200, { ended: control.logoutSessions((body.sessions as SessionSelector | undefined) ?? 'all') });
      return;
    case 'drop-sockets': {
      const code = num('code');
      const sessions = body.sessions as SessionSelector | undefined;
      sendJson(res, 200, {
        dropped: control.dropSockets({ ...(code !== undefined ? { code } : {}), ...(sessions ? { sessions } : {}) }),
      });
      return;
    }
    case 'login-page': {
      const prefix = str('prefix');
      const count = num('count');
      control.answerWithLoginPage({
        ...(prefix !== undefined ? { prefix } : {}),
        ...(count !== undefined ? { count } : {}),
      });
      sendJson(res, 200, {});
      return;
    }
    case 'fail-next': {
      const method = str('method');
      if (!method) break;
      const count = num('count');
      const code = num('code');
      const message = str('message');
      control.failNext(method, {
        ...(count !== undefined ? { count } : {}),
        ...(code !== undefined ? { code } : {}),
        ...(message !== undefined ? { message } : {}),
      });
      sendJson(res, 200, {});
      return;
    }
    case 'delay': {
      const ms = num('ms');
      if (ms === undefined) break;
      const method = str('method');
      const count = num('count');
      control.delayResponses({
        ms,
        ...(method !== undefined ? { method } : {}),
        ...(count !== undefined ? { count } : {}),
      });
      sendJson(res, 200, {});
      return;
    }
    case 'abort-requests': {
      const method = str('method');
      sendJson(res, 200, { aborted: control.abortRequests(method !== undefined ? { method } : {}) });
      return;
    }
    case 'restart-engine':
      await control.restartEngine();
      sendJson(res, 200, {});
      return;
    case 'reset':
      control.reset();
      sendJson(res, 200, {});
      return;
    default:
      sendText(res, 404, `404 Not Found: unknown control action '${action.slice(0, 40)}'`);
      return;
  }
  sendText(res, 400, `400 Bad Request: missing or invalid fields for '${action}'`);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  const value = JSON.parse(text) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('body must be a JSON object');
  return value as Record<string, unknown>;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
