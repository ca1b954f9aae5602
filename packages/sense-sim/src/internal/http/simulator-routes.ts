import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { SimulatorControl } from '../../simulator-control.js';
import type { CloudTenant } from '../cloud/cloud-tenant.js';
import { handleControlRequest } from '../control/control-api.js';
import { parseAppPath } from '../engine/engine.js';
import type { QixEngine } from '../engine/qix-engine.js';
import type { VirtualProxy } from '../proxy/virtual-proxy.js';
import { originHost, refuseUpgrade, sendText } from './respond.js';

/** The request and upgrade handlers of one listener. */
export interface ListenerRoutes {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** What the main listener routes to. */
export interface SimulatorRouteTargets {
  /** The virtual proxies; the one with prefix `''` (if any) takes every path no other owns. */
  proxies: readonly VirtualProxy[];
  tenant: CloudTenant | undefined;
  control: SimulatorControl;
  controlToken: string;
  stats: () => Record<string, unknown>;
}

/** Where a path goes: the Qlik Cloud tenant, or a virtual proxy with the path below its prefix. */
type Route =
  | { kind: 'proxy'; proxy: VirtualProxy; segments: string[] }
  | { kind: 'tenant'; segments: string[] }
  | undefined;

/**
 * The routing of the main listener: `/__sim/control/<action>` to the control API, the tenant's
 * paths to the Qlik Cloud tenant, `/<prefix>/…` to that virtual proxy (which serves QPS, QRS and
 * the engine websocket below it), anything else to the central proxy or 404. A failing handler
 * answers 500 and the listener keeps serving.
 *
 * @example
 * ```ts
 * const routes = simulatorRoutes({ proxies, tenant, control, controlToken, stats });
 * const server = createServer(routes.request).on('upgrade', routes.upgrade);
 * ```
 */
export function simulatorRoutes(targets: SimulatorRouteTargets): ListenerRoutes {
  const { tenant, control } = targets;
  const byPrefix = new Map(targets.proxies.map((p) => [p.config.prefix, p]));
  const route = (segments: string[]): Route => {
    if (tenant?.owns(segments)) return { kind: 'tenant', segments };
    const first = segments[0] ?? '';
    const prefixed = first === '' ? undefined : byPrefix.get(first);
    if (prefixed) return { kind: 'proxy', proxy: prefixed, segments: segments.slice(1) };
    const central = byPrefix.get('');
    return central ? { kind: 'proxy', proxy: central, segments } : undefined;
  };

  const request = (req: IncomingMessage, res: ServerResponse): void => {
    const parsed = parseTarget(req);
    const target = parsed && route(parsed.segments);
    const work = async (): Promise<void> => {
      if (parsed?.segments[0] === '__sim') {
        const action = parsed.segments[1] === 'control' ? (parsed.segments[2] ?? '') : (parsed.segments[1] ?? '');
        await handleControlRequest(req, res, action, control, targets.controlToken, () => ({ ...targets.stats() }));
      } else if (!parsed) sendText(res, 400, '400 Bad Request: malformed URL');
      else if (!target) sendText(res, 404, '404 Not Found');
      else if (target.kind === 'tenant') await tenant?.handleRequest(req, res, target.segments);
      else await target.proxy.handleRequest(req, res, target.segments, parsed.url);
    };
    work().catch((error: unknown) => {
      // A bug must not take the server down: answer this request and keep serving the others.
      process.emitWarning(`qixflow-sim: request failed: ${(error as Error)?.message ?? String(error)}`);
      if (!res.headersSent) sendText(res, 500, '500 Internal Server Error');
      else res.destroy();
    });
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const parsed = parseTarget(req);
    const target = parsed && route(parsed.segments);
    const work = async (): Promise<void> => {
      if (!parsed) refuseUpgrade(socket, 400, '400 Bad Request: malformed URL');
      else if (!target) refuseUpgrade(socket, 404, '404 Not Found');
      else if (target.kind === 'tenant') await tenant?.handleUpgrade(req, socket, head, target.segments, parsed.url);
      else await target.proxy.handleUpgrade(req, socket, head, target.segments, parsed.url);
    };
    work().catch((error: unknown) => {
      process.emitWarning(`qixflow-sim: upgrade failed: ${(error as Error)?.message ?? String(error)}`);
      refuseUpgrade(socket, 500, '500 Internal Server Error');
    });
  };

  return { request, upgrade };
}

/**
 * The routing of the engine-only listener: unauthenticated websockets on `/app/<id>…` straight to
 * the engine, like a Qlik Core engine on its own port; plain HTTP requests get 404.
 *
 * @example
 * ```ts
 * const routes = engineOnlyRoutes({ engine, wss, hostAllowList: ['localhost'] });
 * ```
 */
export function engineOnlyRoutes(targets: {
  engine: QixEngine;
  wss: WebSocketServer;
  hostAllowList: readonly string[];
}): ListenerRoutes {
  const { engine, wss, hostAllowList } = targets;
  return {
    request: (_req, res) => sendText(res, 404, '404 Not Found: websocket only'),
    upgrade: (req, socket, head) => {
      socket.on('error', () => socket.destroy());
      // Unauthenticated, so a browser page on any site could otherwise drive it (cross-site
      // websockets are not bound by CORS); clients outside browsers send no Origin.
      const origin = originHost(req);
      if (origin !== undefined && (origin === null || !hostAllowList.includes(origin))) {
        return refuseUpgrade(
          socket,
          403,
          `403 Forbidden: Origin ${JSON.stringify(req.headers.origin)} is not allowed on the engine-only listener (allowed hosts: ${hostAllowList.join(', ')})`,
        );
      }
      const parsed = parseTarget(req);
      const app = parsed && parseAppPath(parsed.segments);
      if (!parsed || !app) return refuseUpgrade(socket, 404, '404 Not Found');
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => ws.terminate());
        engine.accept(ws, { proxy: 'direct', user: directUser(req), ...app, path: parsed.segments.join('/') });
      });
    },
  };
}

/** The user of a direct engine socket: `X-Qlik-User: UserDirectory=X; UserId=Y` when sent, else anonymous. */
function directUser(req: IncomingMessage): {
  userDirectory: string;
  userId: string;
  attributes: Record<string, string[]>;
} {
  const header = req.headers['x-qlik-user'];
  const text = Array.isArray(header) ? header[0] : header;
  const dir = text && /UserDirectory=([^;]+)/i.exec(text)?.[1]?.trim();
  const id = text && /UserId=([^;]+)/i.exec(text)?.[1]?.trim();
  return { userDirectory: dir || 'DIRECT', userId: id || 'anonymous', attributes: {} };
}

function parseTarget(req: IncomingMessage): { url: URL; segments: string[] } | undefined {
  try {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    return { url, segments };
  } catch {
    return undefined;
  }
}
