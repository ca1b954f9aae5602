import { type KeyObject, randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { SimSiteFixture, SimulatorConfig, Tenant, VirtualProxy } from './generated/schemas.js';
import { DEFAULT_RELOAD_BUDGETS, type ReloadBudgets } from './internal/reload/reload-budget.js';
import { schemaProblems } from './internal/validate-schema.js';

export type { SimAppFixture, SimSiteFixture, SimulatorConfig, Tenant, VirtualProxy } from './generated/schemas.js';
export type { ReloadBudgets } from './internal/reload/reload-budget.js';

/**
 * How the engine schedules calculations (GetLayout, GetAppLayout, Get…Data).
 * - `inline` (default): every request is handled as soon as it is read, in order — simple and
 *   deterministic; a calculation is over before the next request is read, so there is nothing
 *   to cancel (a change read right behind it is listed with its answer).
 * - `queued`: calculations take turns in one calculation slot while every other request (a
 *   selection, `CancelRequest`) is answered at once. A calculation request counts as the client's
 *   look at the object from the moment it is accepted: a change while it waits or runs lists the
 *   handle (the client cannot know whether the answer will include it). A turn computes the
 *   answer from the state at its start, then lasts as long again — the time a real engine's
 *   calculation thread keeps working while its socket thread answers others. A `CancelRequest`
 *   ends a turn early or removes a waiting calculation, which is then never computed; either is
 *   answered `LOCERR_GENERIC_ABORTED`. A calculation still waiting when the selections change
 *   computes the new state: work the client asked for before the change is not wasted.
 * - `concurrent`: as `queued`, but a calculation answers for the selections of the moment it was
 *   read, as a real engine's, which starts every request when it reads it (requests on one socket
 *   are processed concurrently, sharing the engine's threads). The simulator, with one thread,
 *   still computes them one at a time in arrival order, so a calculation the client no longer
 *   needs costs the engine — and delays the ones behind it — until it is cancelled. This is the
 *   model in which cancelling superseded requests pays off (benchmarks: `pnpm bench`, rx paced
 *   selections).
 *
 * Whether a real engine also aborts a calculation by itself when a change makes it outdated is
 * not documented ("the QIX Engine may abort calls at any moment depending on other calls (like
 * selections)", enigma.js's retry-aborted example): {@link CalculationOptions.abortOnChange}.
 */
export type CalculationModel = 'inline' | 'queued' | 'concurrent';

/** A {@link CalculationModel} with its knobs. */
export interface CalculationOptions {
  model: CalculationModel;
  /**
   * A change that lists a handle (a selection, a property change) also aborts the calculations
   * on that handle still waiting or running: they answer `LOCERR_GENERIC_ABORTED`, and the client
   * retries (enigma.js's retry-aborted interceptor, core's getter retries). Default false. Has
   * no effect in the `inline` model, where no calculation is running when a change is made.
   */
  abortOnChange?: boolean;
}

const CALCULATION_MODELS: readonly unknown[] = ['inline', 'queued', 'concurrent'] satisfies CalculationModel[];

function resolveCalculations(
  calculations: CalculationModel | CalculationOptions | undefined,
): Required<CalculationOptions> {
  const given =
    typeof calculations === 'object' && calculations !== null ? calculations : { model: calculations ?? 'inline' };
  // An object must name its model: `{ abortOnChange: true }` alone would silently mean `inline`.
  const model = given.model;
  if (!CALCULATION_MODELS.includes(model)) {
    throw new TypeError(
      `createSimulator: options.calculations must be 'inline', 'queued' or 'concurrent' (or { model, abortOnChange }), got ${JSON.stringify(calculations)}`,
    );
  }
  const abortOnChange = 'abortOnChange' in given ? given.abortOnChange : undefined;
  if (abortOnChange !== undefined && typeof abortOnChange !== 'boolean') {
    throw new TypeError('createSimulator: options.calculations.abortOnChange must be a boolean');
  }
  return { model, abortOnChange: abortOnChange ?? false };
}

/**
 * Options of {@link createSimulator}: everything of the JSON config (`schemas/sim-config.schema.json`)
 * plus what only code can pass.
 */
export interface SimulatorOptions extends Omit<SimulatorConfig, 'site'> {
  /** A site: `'demo'`, a path to a site file, or a site fixture object. Default: no apps. */
  site?: string | SimSiteFixture;
  /**
   * Time source for timeouts (proxy inactivity, engine sessions' `/ttl` and session-app grace),
   * cool-downs and token checks. Default: the system clock.
   */
  clock?: Clock;
  /**
   * The key pair the default JWT certificate and the tenant's key come from. Default: a new
   * RSA-2048 pair generated at start, returned in {@link Simulator.keys}.
   */
  signingKey?: { privateKey: KeyObject | string; publicKey: KeyObject | string };
  /** TLS certificate and key to serve instead of a generated self-signed pair. */
  tls?: { cert: string; key: string };
  /**
   * Limits of every reload (DoReload, reload on start); each one given replaces its default. A
   * reload that exceeds one ends with a script error naming it and the line; the app keeps its
   * previous data. See the README's "Budgets and limits".
   *
   * @example
   * ```ts
   * await createSimulator({ reloadBudgets: { wallTimeMs: 30_000, loopIterations: 1_000_000 } });
   * ```
   */
  reloadBudgets?: Partial<ReloadBudgets>;
  /**
   * How the engine schedules calculations (GetLayout, GetAppLayout, Get…Data); see
   * {@link CalculationModel} and {@link CalculationOptions}.
   *
   * @example
   * ```ts
   * await createSimulator({ calculations: { model: 'concurrent', abortOnChange: true } });
   * ```
   */
  calculations?: CalculationModel | CalculationOptions;
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
    /** Claim whose values become the session attribute `group` (section access GROUP). */
    groupAttribute: string;
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
  /** Whether `/api/v1/audits` is readable (false: 403). */
  auditsReadable: boolean;
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
  /** Lower-case host names, IPv6 without brackets (as `originHost` returns them). */
  directEngineHostAllowList: string[];
  maxPayload: number;
  controlToken: string;
  sweepIntervalMs: number;
  fatalCloseCode: number;
  virtualProxies: ResolvedVirtualProxy[];
  tenant: ResolvedTenant | undefined;
  clock: Clock;
  signingKey: SimulatorOptions['signingKey'];
  tls: SimulatorOptions['tls'];
  reloadBudgets: Readonly<ReloadBudgets>;
  /** The budgets the caller set itself (they win over a site fixture's `reloadBudgets`). */
  reloadBudgetOverrides: Readonly<Partial<ReloadBudgets>>;
  calculations: Required<CalculationOptions>;
  sessionAppGraceSeconds: number;
}

const MINUTE = 60_000;

/**
 * Default grace of a session on a `/app/SessionApp_<id>` URL after its last socket: a minute, long
 * enough for enigma.js's suspend/resume or a network blip. Real engines keep such sessions for a
 * deployment-specific time; this default is the simulator's choice (`sessionAppGraceSeconds`).
 */
const DEFAULT_SESSION_APP_GRACE_SECONDS = 60;

/**
 * Default largest websocket message: 16 MiB. A real client's biggest frames are a `SetScript` of a
 * long script or a large property tree, a few MiB at most; ws's own default (100 MiB) or the 256 MiB
 * the simulator once used let one unauthenticated frame cost that much memory.
 */
const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/**
 * Validates the caller's options once (JSON parts against the schema) and returns one fully
 * defaulted object. Never mutates `options`. Throws `TypeError` naming the bad option.
 */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createSimulator: options must be an object');
  }
  const { clock, signingKey, tls, site, reloadBudgets, calculations, ...json } = options;
  const problems = schemaProblems('sim-config.schema.json', typeof site === 'string' ? { ...json, site } : json);
  if (problems.length > 0) {
    throw new TypeError(`createSimulator: invalid options: ${problems.map((p) => `options${p}`).join('; ')}`);
  }
  if (clock !== undefined && typeof clock?.now !== 'function') {
    throw new TypeError('createSimulator: options.clock must have a now() method');
  }
  const calculationOptions = resolveCalculations(calculations);
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
    directEngineHostAllowList: [
      ...new Set(
        (json.directEngineHostAllowList ?? [hostname, 'localhost', '127.0.0.1', '::1']).map((h) =>
          h.toLowerCase().replace(/^\[|\]$/g, ''),
        ),
      ),
    ],
    maxPayload: json.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    controlToken: json.controlToken ?? randomBytes(18).toString('base64url'),
    sweepIntervalMs: json.sweepIntervalMs ?? 1000,
    fatalCloseCode: json.fatalCloseCode ?? 1000,
    virtualProxies: proxies,
    tenant,
    clock: clock ?? systemClock,
    signingKey,
    tls,
    reloadBudgets: resolveReloadBudgets(reloadBudgets),
    reloadBudgetOverrides: Object.freeze({ ...reloadBudgets }),
    calculations: calculationOptions,
    sessionAppGraceSeconds: json.sessionAppGraceSeconds ?? DEFAULT_SESSION_APP_GRACE_SECONDS,
  };
}

/**
 * The budgets a simulator runs its site's reloads with: the defaults, then the site fixture's
 * `reloadBudgets`, then what the simulator's caller set (options or `--config`).
 */
export function siteReloadBudgets(
  site: Partial<ReloadBudgets> | undefined,
  config: Pick<ResolvedOptions, 'reloadBudgets' | 'reloadBudgetOverrides'>,
): Readonly<ReloadBudgets> {
  if (site === undefined) return config.reloadBudgets;
  return resolveReloadBudgets({ ...site, ...config.reloadBudgetOverrides });
}

/** Each budget must be a positive whole number; unknown names are refused (a typo must not pass silently). */
function resolveReloadBudgets(given: Partial<ReloadBudgets> | undefined): Readonly<ReloadBudgets> {
  if (given === undefined) return DEFAULT_RELOAD_BUDGETS;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError('createSimulator: options.reloadBudgets must be an object');
  }
  const names = Object.keys(DEFAULT_RELOAD_BUDGETS);
  for (const [name, value] of Object.entries(given)) {
    if (!names.includes(name)) {
      throw new TypeError(
        `createSimulator: unknown reload budget options.reloadBudgets.${name} (known: ${names.join(', ')})`,
      );
    }
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)) {
      throw new TypeError(
        `createSimulator: options.reloadBudgets.${name} must be a positive whole number, got ${JSON.stringify(value)}`,
      );
    }
  }
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return Object.freeze({ ...DEFAULT_RELOAD_BUDGETS, ...defined });
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
      groupAttribute: jwt.groupAttribute ?? 'groups',
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
    auditsReadable: t.auditsReadable ?? true,
  };
}
