import { type KeyObject, randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { SimSiteFixture, SimulatorConfig, Tenant, VirtualProxy } from './generated/schemas.js';
import { schemaProblems } from './internal/validate-schema.js';

export type { SimAppFixture, SimSiteFixture, SimulatorConfig, Tenant, VirtualProxy } from './generated/schemas.js';

/**
 * Options of {@link createSimulator}: everything of the JSON config (`schemas/sim-config.schema.json`)
 * plus what only code can pass.
 */
export interface SimulatorOptions extends Omit<SimulatorConfig, 'site'> {
  /** A site: `'demo'`, a path to a site file, or a site fixture object. Default: no apps. */
  site?: string | SimSiteFixture;
  /** Time source for timeouts, cool-downs and token checks. Default: the system clock. */
  clock?: Clock;
  /**
   * The key pair the default JWT certificate and the tenant's key come from. Default: a new
   * RSA-2048 pair generated at start, returned in {@link Simulator.keys}.
   */
  signingKey?: { privateKey: KeyObject | string; publicKey: KeyObject | string };
  /** TLS certificate and key to serve instead of a generated self-signed pair. */
  tls?: { cert: string; key: string };
}

/** @internal A virtual proxy with every default applied. */
export interface ResolvedVirtualProxy {
  prefix: string;
  description: string;
  /** Cookie name before the '-HTTP' suffix. */
  cookieBaseName: string;
  inactivityMs: number;
  sameSite: 'None' | 'Lax' | 'Strict' | undefined;
  secureOverHttp: boolean;
  /** Lower-case host names. */
  hostAllowList: string[];
  csrf: 'strict' | 'legacy' | 'off';
  licence: { kind: 'professional' | 'core-based'; maxParallelSessions: number; cooldownMs: number };
  jwt: {
    certificate: string | undefined;
    userIdAttribute: string;
    userDirectoryAttribute: string;
    attributeMap: { jwtAttribute: string; senseAttribute: string }[];
    algorithms: ('RS256' | 'RS384' | 'RS512')[];
    audience: string | undefined;
    clockSkewSeconds: number;
    maxTokenBytes: number;
  };
}

/** @internal The tenant with every default applied. */
export interface ResolvedTenant {
  issuer: string;
  keyId: string;
  publicKey: string | undefined;
  clockToleranceSeconds: number;
  inactivityMs: number;
  webIntegrations: { id: string; origins: string[] }[];
}

/** @internal */
export interface ResolvedOptions {
  host: string;
  port: number;
  https: boolean;
  hostname: string;
  site: string | SimSiteFixture | undefined;
  workDir: string | undefined;
  reloadOnStart: boolean;
  engineVersion: string;
  directEngine: boolean;
  directEnginePort: number;
  controlToken: string;
  sweepIntervalMs: number;
  fatalCloseCode: number;
  virtualProxies: ResolvedVirtualProxy[];
  tenant: ResolvedTenant | undefined;
  clock: Clock;
  signingKey: SimulatorOptions['signingKey'];
  tls: SimulatorOptions['tls'];
}

const MINUTE = 60_000;

/**
 * Validates the caller's options once (JSON parts against the schema) and returns one fully
 * defaulted object. Never mutates `options`. Throws `TypeError` naming the bad option.
 */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createSimulator: options must be an object');
  }
  const { clock, signingKey, tls, site, ...json } = options;
  const problems = schemaProblems('sim-config.schema.json', typeof site === 'string' ? { ...json, site } : json);
  if (problems.length > 0) {
    throw new TypeError(`createSimulator: invalid options: ${problems.map((p) => `options${p}`).join('; ')}`);
  }
  if (clock !== undefined && typeof clock?.now !== 'function') {
    throw new TypeError('createSimulator: options.clock must have a now() method');
  }
  if (tls !== undefined && (typeof tls.cert !== 'string' || typeof tls.key !== 'string')) {
    throw new TypeError('createSimulator: options.tls must be { cert: string, key: string } (PEM)');
  }
  const hostname = (json.hostname ?? 'localhost').toLowerCase();
  const proxies = (json.virtualProxies ?? [{ prefix: 'jwt' }]).map((vp) => resolveProxy(vp, hostname));
  const prefixes = new Set<string>();
  for (const vp of proxies) {
    if (vp.prefix === '__sim')
      throw new TypeError("createSimulator: the prefix '__sim' is reserved for the control API");
    if (prefixes.has(vp.prefix)) throw new TypeError(`createSimulator: duplicate virtual proxy prefix '${vp.prefix}'`);
    prefixes.add(vp.prefix);
  }
  const tenant = json.tenant ? resolveTenant(json.tenant) : undefined;
  if (tenant && prefixes.has('')) {
    throw new TypeError("createSimulator: a tenant cannot share the root with a virtual proxy whose prefix is ''");
  }
  return {
    host: json.host ?? '127.0.0.1',
    port: json.port ?? 0,
    https: json.https ?? true,
    hostname,
    site,
    workDir: json.workDir,
    reloadOnStart: json.reloadOnStart ?? true,
    engineVersion: json.engineVersion ?? '12.2027.0',
    directEngine: json.directEngine ?? true,
    directEnginePort: json.directEnginePort ?? 0,
    controlToken: json.controlToken ?? randomBytes(18).toString('base64url'),
    sweepIntervalMs: json.sweepIntervalMs ?? 1000,
    fatalCloseCode: json.fatalCloseCode ?? 1000,
    virtualProxies: proxies,
    tenant,
    clock: clock ?? systemClock,
    signingKey,
    tls,
  };
}

function resolveProxy(vp: VirtualProxy, hostname: string): ResolvedVirtualProxy {
  const jwt = vp.jwt ?? {};
  return {
    prefix: vp.prefix,
    description: vp.description ?? `JWT virtual proxy /${vp.prefix}`,
    cookieBaseName: vp.sessionCookieHeaderName ?? (vp.prefix === '' ? 'X-Qlik-Session' : `X-Qlik-Session-${vp.prefix}`),
    inactivityMs: (vp.sessionInactivityTimeoutMinutes ?? 30) * MINUTE,
    sameSite: vp.sameSite,
    secureOverHttp: vp.secureAttributeOverHttp ?? false,
    hostAllowList: [...new Set((vp.hostAllowList ?? [hostname, 'localhost', '127.0.0.1']).map((h) => h.toLowerCase()))],
    csrf: vp.csrf ?? 'strict',
    licence: {
      kind: vp.licence ?? 'professional',
      maxParallelSessions: vp.maxParallelSessions ?? 5,
      cooldownMs: (vp.sessionCooldownMinutes ?? 5) * MINUTE,
    },
    jwt: {
      certificate: jwt.certificate,
      userIdAttribute: jwt.userIdAttribute ?? 'userId',
      userDirectoryAttribute: jwt.userDirectoryAttribute ?? 'userDirectory',
      attributeMap: jwt.attributeMap ?? [],
      algorithms: jwt.algorithms ?? ['RS256', 'RS384', 'RS512'],
      audience: jwt.audience,
      clockSkewSeconds: jwt.clockSkewSeconds ?? 0,
      maxTokenBytes: jwt.maxTokenBytes ?? 8192,
    },
  };
}

function resolveTenant(t: Tenant): ResolvedTenant {
  return {
    issuer: t.issuer ?? 'qixflow-sim',
    keyId: t.keyId ?? 'sim-key',
    publicKey: t.publicKey,
    clockToleranceSeconds: t.clockToleranceSeconds ?? 5,
    inactivityMs: (t.sessionInactivityTimeoutMinutes ?? 60) * MINUTE,
    webIntegrations: t.webIntegrations ?? [],
  };
}
