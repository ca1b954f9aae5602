import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { AuditLog } from './audit-log.js';
import type { CloudApiDeps } from './internal/cloud/cloud-api-routes.js';
import { CloudAudits } from './internal/cloud/cloud-audits.js';
import { CloudListings } from './internal/cloud/cloud-listings.js';
import { CloudTenant } from './internal/cloud/cloud-tenant.js';
import { CloudWebhooks } from './internal/cloud/cloud-webhooks.js';
import { CLOUD_AUDIENCE } from './internal/cloud/verify-cloud-jwt.js';
import { QixEngine } from './internal/engine/qix-engine.js';
import { engineOnlyRoutes, type ListenerRoutes, simulatorRoutes } from './internal/http/simulator-routes.js';
import { ProxyFaults } from './internal/proxy/proxy-faults.js';
import { VirtualProxy } from './internal/proxy/virtual-proxy.js';
import { QrsNotifications } from './internal/qrs/qrs-notifications.js';
import { QrsRouter } from './internal/qrs/qrs-router.js';
import { LicencePool } from './internal/session/licence-pool.js';
import { ProxySessionStore } from './internal/session/proxy-session-store.js';
import type { ReloadRecord } from './internal/site/reload-history.js';
import { Site } from './internal/site/site.js';
import {
  defaultSigningKeys,
  defaultTlsCredentials,
  type SigningKeys,
  signingKeysFrom,
  type TlsCredentials,
} from './internal/tls/generate-credentials.js';
import { type ResolvedOptions, resolveOptions, type SimulatorOptions, siteReloadBudgets } from './options.js';
import { SimulatorControl } from './simulator-control.js';

export type { SigningKeys } from './internal/tls/generate-credentials.js';

/** A virtual proxy as a client sees it. */
export interface SimulatorProxyInfo {
  prefix: string;
  /** Base URL of the proxy, e.g. `https://127.0.0.1:4431/jwt`. */
  url: string;
  /** Engine websocket base, e.g. `wss://127.0.0.1:4431/jwt/app/`. */
  wsUrl: string;
  /** The session cookie name as this proxy sets it (with '-HTTP' over plain HTTP). */
  cookieName: string;
  csrf: 'strict' | 'legacy' | 'off';
  licence: 'professional' | 'core-based';
  userIdAttribute: string;
  userDirectoryAttribute: string;
  hostAllowList: readonly string[];
}

/** The Qlik Cloud tenant as a client sees it. */
export interface SimulatorTenantInfo {
  url: string;
  issuer: string;
  keyId: string;
  audience: string;
}

/** A live proxy session, without its secrets. */
export interface SimulatorSessionInfo {
  ref: number;
  proxy: string;
  user: { userDirectory: string; userId: string };
  createdAt: number;
  lastSeen: number;
  sockets: number;
}

/** What the simulator holds right now (leak checks). */
export interface SimulatorStats {
  engine: {
    sessions: number;
    connections: number;
    handles: number;
    runningRequests: number;
    dependencyRecords: number;
    appListeners: number;
    /** Requests received since start. */
    requests: number;
    /** Requests answered with a result since start, by method (e.g. `GetLayout`). */
    completed: Record<string, number>;
    /** Requests answered `LOCERR_GENERIC_ABORTED` since start (CancelRequest, AbortAll …), by method. */
    aborted: Record<string, number>;
    /** Milliseconds the engine spent computing answers since start (its handlers' synchronous work), by method. */
    busyMs: Record<string, number>;
  };
  proxy: { sessions: number; sockets: number };
  /** QRS change subscriptions: live ones, callbacks delivered (2xx) and given up on after retries. */
  qrs: { subscriptions: number; callbacksDelivered: number; callbacksFailed: number };
}

/**
 * The last reload of an app since the simulator started: its start-up reload (run as the app's
 * reload task when it has one), or a client's `DoReload`.
 */
export interface SimulatorReloadInfo {
  readonly appId: string;
  readonly appName: string;
  readonly trigger: 'start-up' | 'engine' | 'task';
  readonly status: 'succeeded' | 'failed' | 'aborted';
  /** ISO times; a start-up reload that replays the fixture's `lastReloadTime` ends at that time. */
  readonly startTime: string;
  readonly stopTime: string;
  /** Where the script stopped: its line as written (0: after the last statement) and the message. */
  readonly error?: { readonly line: number; readonly message: string };
}

/** A running simulator. */
export interface Simulator {
  /** Base URL, e.g. `https://127.0.0.1:4431` (the listener's address). */
  readonly url: string;
  readonly port: number;
  readonly https: boolean;
  /** PEM certificate clients must trust (`ca`) when `https`; undefined over plain HTTP. */
  readonly ca: string | undefined;
  /** The JWT signing key pair (private key for clients, certificate for the proxies). */
  readonly keys: SigningKeys;
  readonly proxies: readonly SimulatorProxyInfo[];
  readonly tenant: SimulatorTenantInfo | undefined;
  /** Base URL of the engine-only listener (`ws://127.0.0.1:<port>`; append `/app/<id>`), when enabled. */
  readonly engineUrl: string | undefined;
  /** Token of the HTTP control API (`x-sim-control-token`). */
  readonly controlToken: string;
  /** Counters for leak checks: engine sessions, connections, handles, listeners; proxy sessions. */
  stats(): SimulatorStats;
  /** Apps of the site: id, name, stream. */
  readonly apps: readonly { id: string; name: string; stream: string | undefined }[];
  /** The last reload of each app reloaded since start (at start: the start-up reloads), oldest first. */
  reloads(): SimulatorReloadInfo[];
  /** What happened: sessions, licences, rejects. */
  readonly audit: AuditLog;
  /** Faults on demand. */
  readonly control: SimulatorControl;
  /** Live proxy sessions. */
  sessions(): SimulatorSessionInfo[];
  /**
   * Ends timed-out sessions now (they are also swept every `sweepIntervalMs`): proxy sessions past
   * their inactivity timeout, and engine sessions past their linger (`/ttl`, session-app grace) by
   * the clock. Returns how many proxy sessions ended.
   */
  sweep(): number;
  /** Stops listening, closes every socket, removes its temporary folder. */
  close(): Promise<void>;
}

/**
 * Starts a Qlik Sense simulator on real sockets: JWT virtual proxies (QSEoW), optionally a Qlik
 * Cloud tenant, a QRS subset over the site's apps, and the engine behind the websocket.
 *
 * @example
 * ```ts
 * const sim = await createSimulator({ site: 'demo' });
 * console.log(sim.proxies[0].url);        // https://127.0.0.1:<port>/jwt
 * // sign a JWT with sim.keys.privateKey, trust sim.ca …
 * await sim.close();
 * ```
 */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  // Options: validated once, then one fully-defaulted object.
  const config = resolveOptions(options);
  const ownsWorkDir = config.workDir === undefined;
  const workDir = config.workDir ?? (await mkdtemp(join(tmpdir(), 'qixflow-sim-')));
  try {
    const parts = await createParts(config, workDir);
    const { tls } = parts;

    // Listeners: the main one (proxies, tenant, control) and the optional engine-only one.
    const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }) : createHttpServer();
    server.keepAliveTimeout = 30_000;
    const direct = config.directEngine ? createHttpServer() : undefined;

    // Routing: which request goes where.
    route(
      server,
      simulatorRoutes({
        proxies: parts.proxies,
        tenant: parts.tenant,
        control: parts.control,
        controlToken: config.controlToken,
        stats: () => ({ ...parts.stats() }),
      }),
    );
    if (direct) {
      route(
        direct,
        engineOnlyRoutes({ engine: parts.engine, wss: parts.wss, hostAllowList: config.directEngineHostAllowList }),
      );
    }

    // Start: listen, then sweep timed-out sessions. When a listener cannot listen (its port is in use …), what
    // started already stops (the parts, the other listener) before the error goes up.
    let port: number;
    let directPort: number | undefined;
    try {
      port = await listen(server, config.port, config.host);
      directPort = direct ? await listen(direct, config.directEnginePort, config.host) : undefined;
    } catch (error) {
      await parts.close();
      await closeListeners([server, direct]);
      throw error;
    }
    const sweeper = setInterval(() => parts.sweep(), config.sweepIntervalMs);
    sweeper.unref();

    let closed: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closed ??= (async () => {
        clearInterval(sweeper);
        await parts.close();
        await closeListeners([server, direct]);
        if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
      })();
      return closed;
    };
    return simulatorHandle(config, parts, { port, directPort, close });
  } catch (error) {
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** The simulator's parts, each given its collaborators. */
interface SimulatorParts {
  keys: SigningKeys;
  tls: TlsCredentials | undefined;
  site: Site;
  audit: AuditLog;
  sessions: ProxySessionStore;
  engine: QixEngine;
  wss: WebSocketServer;
  proxies: VirtualProxy[];
  tenant: CloudTenant | undefined;
  control: SimulatorControl;
  stats(): SimulatorStats;
  /** Ends timed-out proxy sessions and engine sessions whose linger is over; returns how many proxy sessions ended. */
  sweep(): number;
  /** Stops the parts (not the listeners): notifications, tenant, engine, open websockets. */
  close(): Promise<void>;
}

/** The composition root's wiring: builds every part and hands each its collaborators. */
async function createParts(config: ResolvedOptions, workDir: string): Promise<SimulatorParts> {
  const keys = config.signingKey ? await signingKeysFrom(config.signingKey) : await defaultSigningKeys();
  const tls = config.https ? (config.tls ?? (await defaultTlsCredentials(config.hostname))) : undefined;
  const site = config.site === undefined ? Site.empty() : await Site.load(config.site, workDir);

  const { clock } = config;
  const audit = new AuditLog(clock);
  const sessions = new ProxySessionStore(clock, audit);
  const licences = new LicencePool(clock);
  const faults = new ProxyFaults();
  const engine = await QixEngine.start({
    version: config.engineVersion,
    site,
    workDir,
    reloadOnStart: config.reloadOnStart,
    reloadBudgets: siteReloadBudgets(site.reloadBudgets, config),
    calculations: config.calculations,
    sessionAppGraceSeconds: config.sessionAppGraceSeconds,
    clock,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayload });
  const notifications = new QrsNotifications(site);
  const qrs = new QrsRouter(site, audit, {
    writes: {
      notifications,
      actions: {
        startTask: (idOrName) => {
          const task = engine.tasks.find(idOrName);
          if (!task) return false;
          void engine.tasks.start(task.id);
          return true;
        },
        deleteApp: (id) => engine.apps.delete(id),
        copyApp: async (id, name) => (await engine.apps.copy(id, name))?.id,
        publishApp: (id, stream, name) => engine.apps.publish(id, stream, name),
      },
    },
  });
  const defaultKey = createPublicKey(keys.publicKey);

  const proxies = config.virtualProxies.map(
    (vp) =>
      new VirtualProxy(vp, {
        https: config.https,
        clock,
        audit,
        sessions,
        licences,
        engine,
        wss,
        qrs,
        faults,
        fatalCloseCode: config.fatalCloseCode,
        defaultKey,
      }),
  );
  const byPrefix = new Map(proxies.map((p) => [p.config.prefix, p]));
  const tenant = config.tenant
    ? new CloudTenant(config.tenant, {
        https: config.https,
        clock,
        audit,
        sessions,
        engine,
        wss,
        key: config.tenant.publicKey ? createPublicKey(config.tenant.publicKey) : defaultKey,
        ownHosts: [config.hostname, 'localhost', '127.0.0.1'],
        api: cloudApi(site, engine, config.hostname, config.tenant.auditsReadable),
      })
    : undefined;
  sessions.onEnded((session) => {
    if (session.proxy === 'cloud') tenant?.sessionEnded(session);
    else byPrefix.get(session.proxy)?.sessionEnded(session);
  });

  return {
    keys,
    tls,
    site,
    audit,
    sessions,
    engine,
    wss,
    proxies,
    tenant,
    control: new SimulatorControl(sessions, faults, engine),
    stats: () => simulatorStats(engine, sessions, notifications),
    sweep: () => {
      engine.sessions.sweep();
      return sessions.sweep();
    },
    close: async () => {
      notifications.close();
      tenant?.close();
      await engine.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

/** Hands a listener its routes. */
function route(listener: Server, routes: ListenerRoutes): void {
  listener.on('request', routes.request);
  listener.on('upgrade', routes.upgrade);
}

/** Stops the listeners (one that is not listening is passed over) and ends their open connections. */
async function closeListeners(listeners: readonly (Server | undefined)[]): Promise<void> {
  for (const listener of listeners) {
    if (!listener) continue;
    await new Promise<void>((done) => {
      listener.close(() => done());
      listener.closeAllConnections();
    });
  }
}

/** Listens on `port` (0: any free one) and answers the port it got. */
async function listen(listener: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolveListen, rejectListen) => {
    listener.once('error', rejectListen);
    listener.listen(port, host, () => {
      listener.off('error', rejectListen);
      resolveListen();
    });
  });
  return (listener.address() as AddressInfo).port;
}

/** The running simulator as its caller sees it: addresses, keys, what it holds, and close(). */
function simulatorHandle(
  config: ResolvedOptions,
  parts: SimulatorParts,
  listening: { port: number; directPort: number | undefined; close: () => Promise<void> },
): Simulator {
  const { port, directPort } = listening;
  const { site, sessions } = parts;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${config.https ? 'https' : 'http'}://${hostForUrl}:${port}`;
  const wsBase = url.replace(/^http/, 'ws');
  return {
    url,
    port,
    https: config.https,
    ca: parts.tls?.cert,
    keys: parts.keys,
    proxies: parts.proxies.map((p) => ({
      prefix: p.config.prefix,
      url: p.config.prefix === '' ? url : `${url}/${p.config.prefix}`,
      wsUrl: `${wsBase}${p.config.prefix === '' ? '' : `/${p.config.prefix}`}/app/`,
      cookieName: p.cookieName,
      csrf: p.config.csrf,
      licence: p.config.licence.kind,
      userIdAttribute: p.config.jwt.userIdAttribute,
      userDirectoryAttribute: p.config.jwt.userDirectoryAttribute,
      hostAllowList: [...p.config.hostAllowList],
    })),
    tenant: config.tenant
      ? { url, issuer: config.tenant.issuer, keyId: config.tenant.keyId, audience: CLOUD_AUDIENCE }
      : undefined,
    get apps() {
      return [...site.apps.values()].map((a) => ({ id: a.id, name: a.name, stream: a.stream?.name }));
    },
    reloads: () => site.reloads.apps().map(reloadInfo),
    engineUrl: directPort === undefined ? undefined : `ws://${hostForUrl}:${directPort}`,
    controlToken: config.controlToken,
    audit: parts.audit,
    control: parts.control,
    stats: parts.stats,
    sessions: () =>
      sessions.live().map((s) => ({
        ref: s.ref,
        proxy: s.proxy,
        user: { userDirectory: s.user.userDirectory, userId: s.user.userId },
        createdAt: s.createdAt,
        lastSeen: s.lastSeen,
        sockets: s.sockets.size,
      })),
    sweep: parts.sweep,
    close: listening.close,
  };
}

function reloadInfo(r: ReloadRecord): SimulatorReloadInfo {
  return {
    appId: r.appId,
    appName: r.appName,
    trigger: r.trigger,
    status: r.status === 'FinishedSuccess' ? 'succeeded' : r.status === 'FinishedFail' ? 'failed' : 'aborted',
    startTime: r.startTime,
    stopTime: r.stopTime,
    ...(r.error ? { error: { line: r.error.line, message: r.error.message } } : {}),
  };
}

function simulatorStats(
  engine: QixEngine,
  sessions: ProxySessionStore,
  notifications: QrsNotifications,
): SimulatorStats {
  const engineSessions = engine.sessions.list();
  const connections = engineSessions.flatMap((s) => [...s.connections]);
  return {
    engine: {
      sessions: engineSessions.length,
      connections: engine.counters.openConnections,
      handles: connections.reduce((n, c) => n + c.handleCount, 0),
      runningRequests: connections.reduce((n, c) => n + c.running.size, 0),
      dependencyRecords: engineSessions.reduce((n, s) => n + s.dependencyCount, 0),
      appListeners: engine.apps.list().reduce((n, a) => n + a.watchers, 0),
      requests: engine.counters.requests,
      completed: { ...engine.counters.completed },
      aborted: { ...engine.counters.aborted },
      busyMs: { ...engine.counters.busyMs },
    },
    proxy: {
      sessions: sessions.live().length,
      sockets: sessions.live().reduce((n, s) => n + s.sockets.size, 0),
    },
    qrs: {
      subscriptions: notifications.list().length,
      callbacksDelivered: notifications.delivered,
      callbacksFailed: notifications.failed,
    },
  };
}

/** The tenant's REST listings, webhooks and audit log over the site's apps and reloads. */
function cloudApi(site: Site, engine: QixEngine, hostname: string, auditsReadable: boolean): CloudApiDeps {
  const tenantId = `sim-tenant-${hostname}`;
  const listings = new CloudListings(site, engine, tenantId);
  const reloadIdOf = (record: ReloadRecord) => listings.reloadIdOf(record);
  const webhooks = new CloudWebhooks(site, 'com.qlik/qixflow-sim', reloadIdOf);
  const audits = new CloudAudits(site, tenantId, reloadIdOf);
  return { site, listings, webhooks, audits, auditsReadable };
}
