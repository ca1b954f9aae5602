import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadPrivateKey, type SigningAlgorithm } from '../auth/load-private-key.js';
import type { CloudJwtClaims, ProxyJwtClaims } from '../auth/sign-jwt.js';
import { QixflowError } from '../errors.js';
import type { TlsSettings } from '../http/http-client.js';
import { type Logger, redactingLogger, redactTraffic, silentLogger, type TrafficEvent } from '../logger.js';
import { validateConfig } from '../options/validate-config.js';
import { createSessionBudget, type SessionBudget } from '../session/session-budget.js';
import type { SessionStore } from '../session/session-store.js';
import type { SiteOptions, Timers, WebSocketConstructor } from '../site-options.js';

/** Authentication with keys loaded and defaults applied. */
type ResolvedAuth =
  | {
      kind: 'jwt';
      key: KeyObject;
      algorithm: SigningAlgorithm;
      claims: ProxyJwtClaims;
      lifetimeSeconds: number;
      kid: string | undefined;
    }
  | {
      kind: 'cloud-jwt';
      key: KeyObject;
      algorithm: SigningAlgorithm;
      claims: CloudJwtClaims;
      lifetimeSeconds: number;
      kid: string;
      webIntegrationId: string | undefined;
    }
  | { kind: 'cookie'; cookie: string; csrfToken: string | undefined }
  | { kind: 'none' };

/** Every option of a site, validated once and defaulted (never the caller's object). */
export interface ResolvedSite {
  /** `https://host:port` */
  httpBase: string;
  /** `wss://host:port` */
  wsBase: string;
  prefix: string;
  /** `https://host:port/prefix` (no trailing slash). */
  proxyBase: string;
  /** `wss://host:port/prefix` */
  proxyWsBase: string;
  auth: ResolvedAuth;
  /** Who the budget counts sessions for: host|prefix|user. */
  budgetKey: string;
  /** Where the proxy session outlives the process (JWT kinds only), and its key there. */
  sessionStore: { store: SessionStore; site: string; user: string } | undefined;
  tls: TlsSettings;
  origin: string;
  csrf: 'auto' | 'strict' | 'legacy';
  budget: SessionBudget;
  timeouts: { requestMs: number; connectMs: number; callMs: number | undefined; openMs: number };
  limits: { maxResponseBytes: number; maxPayload: number };
  reconnect: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number } | false;
  logoutOnClose: boolean;
  engineSchemaVersion: string;
  logger: Logger;
  onTraffic: ((event: TrafficEvent) => void) | undefined;
  clock: { now(): number };
  timers: Timers;
  random: () => number;
  WebSocket: WebSocketConstructor | undefined;
}

/** Opening an app: socket, OnConnected and OpenDoc together (a silent engine must not hang a caller). */
const DEFAULT_OPEN_TIMEOUT_MS = 30_000;
/** Big enough for any QRS listing or handshake answer seen in practice, small enough to bound memory. */
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Below ws's 100 MiB default; hypercube pages and scripts stay far under it. */
const DEFAULT_MAX_PAYLOAD = 64 * 1024 * 1024;

const SCHEMA_VERSIONS = new Set([
  '12.2027.0',
  '12.2015.0',
  '12.1823.0',
  '12.1657.0',
  '12.1477.0',
  '12.1306.0',
  '12.936.0',
  '12.612.0',
]);

/**
 * Validates the options at the public boundary (TypeError naming the option), reads key and
 * certificate files, loads the private key, and returns one fully-defaulted object.
 */
export function resolveSiteOptions(options: SiteOptions): ResolvedSite {
  if (typeof options !== 'object' || options === null) throw new TypeError('createSite: options must be an object');
  const { logger, onTraffic, sessionBudget, sessionStore, io, auth, ...json } = options;
  // Keys given as objects are validated as "some key" and checked by loadPrivateKey below.
  const authForSchema =
    (auth?.kind === 'jwt' || auth?.kind === 'cloud-jwt') &&
    auth.privateKey !== undefined &&
    typeof auth.privateKey !== 'string'
      ? { ...auth, privateKey: 'KeyObject or JWK' }
      : auth;
  const config = validateConfig({ ...json, auth: authForSchema }, 'options');
  const host = config.host.replace(/\/$/, '');
  const url = new URL(host);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const httpBase = `${secure ? 'https' : 'http'}://${url.host}`;
  const wsBase = `${secure ? 'wss' : 'ws'}://${url.host}`;
  const prefix = (config.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const proxyBase = prefix === '' ? httpBase : `${httpBase}/${prefix}`;
  const proxyWsBase = prefix === '' ? wsBase : `${wsBase}/${prefix}`;

  const tlsConfig = config.tls ?? {};
  const tls: TlsSettings = {
    ca: tlsConfig.ca ?? readOptional(tlsConfig.caFile, 'tls.caFile'),
    rejectUnauthorized: tlsConfig.rejectUnauthorized ?? true,
    cert: tlsConfig.cert ?? readOptional(tlsConfig.certFile, 'tls.certFile'),
    key: tlsConfig.key ?? readOptional(tlsConfig.keyFile, 'tls.keyFile'),
    passphrase: tlsConfig.passphrase,
  };

  const resolvedAuth = resolveAuth(auth);
  const user =
    resolvedAuth.kind === 'jwt'
      ? `${resolvedAuth.claims.userDirectory}\\${resolvedAuth.claims.userId}`
      : resolvedAuth.kind === 'cloud-jwt'
        ? resolvedAuth.claims.subject
        : resolvedAuth.kind;
  const budgetConfig = config.budget ?? {};
  // A file store keeps the budget's state beside it: every process of the user shares one budget.
  const storeFile = (sessionStore as { file?: unknown } | undefined)?.file;
  const budgetStateFile =
    budgetConfig.stateFile ?? (typeof storeFile === 'string' ? join(dirname(storeFile), 'budget.json') : undefined);
  const keepsSession = sessionStore !== undefined && (resolvedAuth.kind === 'jwt' || resolvedAuth.kind === 'cloud-jwt');
  const clock = io?.clock ?? { now: () => Date.now() };
  const engineSchemaVersion = config.engineSchemaVersion ?? '12.2027.0';
  if (!SCHEMA_VERSIONS.has(engineSchemaVersion)) {
    throw new TypeError(
      `createSite: options.engineSchemaVersion '${engineSchemaVersion}' is not shipped with enigma.js 2.15 (use one of ${[...SCHEMA_VERSIONS].join(', ')})`,
    );
  }
  const reconnect =
    config.reconnect === false
      ? false
      : {
          maxAttempts: config.reconnect?.maxAttempts ?? 6,
          initialDelayMs: config.reconnect?.initialDelayMs ?? 250,
          maxDelayMs: config.reconnect?.maxDelayMs ?? 10_000,
        };
  return {
    httpBase,
    wsBase,
    prefix,
    proxyBase,
    proxyWsBase,
    auth: resolvedAuth,
    budgetKey: `${httpBase}|${prefix}|${user}`,
    sessionStore: keepsSession ? { store: sessionStore, site: `${httpBase}|${prefix}`, user } : undefined,
    tls,
    origin: config.origin ?? httpBase,
    csrf: config.csrf ?? 'auto',
    budget:
      sessionBudget ??
      createSessionBudget({
        maxSessions: budgetConfig.maxSessions ?? 5,
        windowMs: (budgetConfig.windowSeconds ?? 300) * 1000,
        ...(budgetStateFile ? { stateFile: budgetStateFile } : {}),
        clock,
      }),
    timeouts: {
      requestMs: config.timeouts?.requestMs ?? 30_000,
      connectMs: config.timeouts?.connectMs ?? 15_000,
      callMs: config.timeouts?.callMs,
      openMs: config.timeouts?.openMs ?? DEFAULT_OPEN_TIMEOUT_MS,
    },
    limits: {
      maxResponseBytes: config.limits?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      maxPayload: config.limits?.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    },
    reconnect,
    logoutOnClose: config.logoutOnClose ?? false,
    engineSchemaVersion,
    // Every log line and traffic event is redacted here, once, whichever part of core emits it.
    logger: logger === undefined ? silentLogger : redactingLogger(logger),
    onTraffic: onTraffic === undefined ? undefined : redactTraffic(onTraffic),
    clock,
    timers: io?.timers ?? {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
    random: io?.random ?? Math.random,
    WebSocket: io?.WebSocket,
  };
}

function resolveAuth(auth: SiteOptions['auth']): ResolvedAuth {
  switch (auth.kind) {
    case 'none':
      return { kind: 'none' };
    case 'cookie':
      return { kind: 'cookie', cookie: auth.cookie, csrfToken: auth.csrfToken };
    case 'jwt': {
      const algorithm = auth.algorithm ?? 'RS256';
      return {
        kind: 'jwt',
        key: loadPrivateKey(keySource(auth), algorithm, auth.passphrase),
        algorithm,
        claims: {
          userId: auth.userId,
          userDirectory: auth.userDirectory,
          ...(auth.attributes ? { attributes: auth.attributes } : {}),
          claimNames: {
            userId: auth.claimNames?.userId ?? 'userId',
            userDirectory: auth.claimNames?.userDirectory ?? 'userDirectory',
          },
          ...(auth.audience !== undefined ? { audience: auth.audience } : {}),
        },
        lifetimeSeconds: auth.lifetimeSeconds ?? 300,
        kid: auth.kid,
      };
    }
    case 'cloud-jwt': {
      const algorithm = auth.algorithm ?? 'RS256';
      return {
        kind: 'cloud-jwt',
        key: loadPrivateKey(keySource(auth), algorithm, auth.passphrase),
        algorithm,
        claims: {
          issuer: auth.issuer,
          subject: auth.subject,
          name: auth.name,
          email: auth.email,
          emailVerified: auth.emailVerified ?? true,
          ...(auth.groups ? { groups: auth.groups } : {}),
        },
        lifetimeSeconds: auth.lifetimeSeconds ?? 300,
        kid: auth.kid,
        webIntegrationId: auth.webIntegrationId,
      };
    }
  }
}

function keySource(auth: { privateKey?: unknown; privateKeyFile?: string | undefined }) {
  if (auth.privateKey !== undefined) return auth.privateKey as Parameters<typeof loadPrivateKey>[0];
  if (auth.privateKeyFile !== undefined) return readRequired(auth.privateKeyFile, 'auth.privateKeyFile');
  throw new TypeError('createSite: options.auth needs privateKey or privateKeyFile');
}

function readOptional(path: string | undefined, option: string): string | undefined {
  return path === undefined ? undefined : readRequired(path, option);
}

function readRequired(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new QixflowError(
      'ERR_OPTIONS_INVALID',
      `options.${option}: cannot read ${path} (${(error as { code?: string }).code ?? 'error'})`,
    );
  }
}
