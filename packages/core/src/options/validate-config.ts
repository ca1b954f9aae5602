import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import { type QixflowConfig, qixflowConfigSchema } from '../generated/config-schema.js';

/** The `auth.kind` values, in the order the schema lists them. */
const AUTH_KINDS = ['jwt', 'cloud-jwt', 'cookie', 'none'] as const;
type AuthKind = (typeof AUTH_KINDS)[number];

/** Where the definitions of each auth kind live in the config schema. */
const AUTH_DEFINITIONS: Record<AuthKind, string> = {
  jwt: 'jwtAuth',
  'cloud-jwt': 'cloudJwtAuth',
  cookie: 'cookieAuth',
  none: 'noAuth',
};

/** One problem found in a config object. Never contains a secret value. */
export interface ConfigIssue {
  /** The option, e.g. `['auth', 'userId']`; `[]` for the config itself. Array indexes are numbers. */
  path: readonly (string | number)[];
  /**
   * `required`: missing; `unknown`: not an option here (the last path segment is the unknown key);
   * `conflict`: set together with `conflictsWith`; `invalid`: anything else.
   */
  kind: 'required' | 'unknown' | 'conflict' | 'invalid';
  /** What is wrong, after the path: `is required`, `must be boolean (got "yes")`. */
  message: string;
  /** For `conflict`: the option it cannot be combined with. */
  conflictsWith?: readonly (string | number)[];
}

// Values of these options are never quoted back, only their type: they are credentials, or PEM
// text too long to be useful in a message.
const SENSITIVE = new Set(['privateKey', 'passphrase', 'cookie', 'csrfToken', 'key', 'cert', 'ca']);

// Raw patterns mean nothing to a reader; say what is expected instead.
const PATTERN_MESSAGES: Record<string, string> = {
  host: 'must be the site URL with scheme and host only, like https://sense.example.com',
  origin: 'must be an origin (scheme and host), like https://sense.example.com',
  prefix: 'must be a virtual proxy prefix: letters, digits, ".", "_", "~" or "-", without slashes',
};

// Options that name the same thing two ways; accepting both would leave one silently ignored.
const CONFLICTS: readonly [string, string, string][] = [
  ['auth', 'privateKey', 'privateKeyFile'],
  ['tls', 'ca', 'caFile'],
  ['tls', 'cert', 'certFile'],
  ['tls', 'key', 'keyFile'],
];

const TOP_LEVEL_ORDER: readonly string[] = Object.keys(qixflowConfigSchema.properties);

interface Validators {
  config: ValidateFunction;
  auth: Record<AuthKind, ValidateFunction>;
}

let validators: Validators | undefined;

// Compiled on first use, once per process: compiling costs milliseconds that importing core should not.
function compiled(): Validators {
  if (validators === undefined) {
    // verbose: the messages need the offending value and the schema (allowed keys, oneOf branches).
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    ajv.addSchema(qixflowConfigSchema as AnySchemaObject);
    const id = qixflowConfigSchema.$id;
    const branch = (kind: AuthKind): ValidateFunction =>
      ajv.compile({ $ref: `${id}#/definitions/${AUTH_DEFINITIONS[kind]}` });
    const config = ajv.getSchema(id);
    if (config === undefined) throw new Error(`config schema ${id} did not compile`);
    validators = {
      config,
      auth: { jwt: branch('jwt'), 'cloud-jwt': branch('cloud-jwt'), cookie: branch('cookie'), none: branch('none') },
    };
  }
  return validators;
}

/**
 * Checks a JSON-able config against `schemas/qixflow.config.schema.json` and returns every problem.
 * The `auth` union is checked against the branch its `kind` selects, so the problems are those of
 * that kind only.
 *
 * @example
 * ```ts
 * configIssues({ host: 'https://sense.example.com', auth: { kind: 'jwt' } });
 * // [{ path: ['auth', 'userId'], kind: 'required', message: 'is required' }, …]
 * ```
 */
export function configIssues(value: unknown): ConfigIssue[] {
  const { config, auth: authValidators } = compiled();
  const issues: ConfigIssue[] = [];
  if (!config(value)) {
    // The oneOf over the auth kinds reports every branch's failures; those are replaced below.
    const errors = (config.errors ?? []).filter(
      (e) => e.instancePath !== '/auth' && !e.instancePath.startsWith('/auth/'),
    );
    issues.push(...toIssues(errors, value, []));
  }
  if (isRecord(value) && value.auth !== undefined) issues.push(...authIssues(value.auth, authValidators));
  if (isRecord(value)) issues.push(...conflictIssues(value));
  return sortIssues(issues);
}

/**
 * Validates JSON-able options (a config file, the environment, `createSite()` options) and returns
 * them typed. Call it once, at the public boundary.
 *
 * @param where - What to call the value in messages (`options`, `environment`, a file name).
 * @throws TypeError listing every problem, e.g. `options.auth.userId is required; options.csrf must
 * be one of auto, strict, legacy (got "lax")`. Secret values are never quoted.
 *
 * @example
 * ```ts
 * const config = validateConfig(JSON.parse(await readFile('qixflow.json', 'utf8')), 'qixflow.json');
 * ```
 */
export function validateConfig(value: unknown, where = 'options'): QixflowConfig {
  const issues = configIssues(value);
  if (issues.length > 0) throw new TypeError(issues.map((issue) => formatConfigIssue(issue, where)).join('; '));
  return value as QixflowConfig;
}

/**
 * One issue as a sentence: `options.tls.rejectUnauthorized must be boolean (got "false")`.
 *
 * @example
 * ```ts
 * formatConfigIssue({ path: ['auth', 'userId'], kind: 'required', message: 'is required' }, 'options');
 * // 'options.auth.userId is required'
 * ```
 */
export function formatConfigIssue(issue: ConfigIssue, where = 'options'): string {
  if (issue.kind === 'conflict' && issue.conflictsWith !== undefined) {
    return `${formatConfigPath(issue.path, where)} cannot be combined with ${formatConfigPath(issue.conflictsWith, where)}`;
  }
  return `${formatConfigPath(issue.path, where)} ${issue.message}`;
}

/**
 * A readable option path: `options.auth.userId`, `options.auth.groups[1]`,
 * `options.auth.attributes["my group"]`; without `where`, `auth.userId`.
 *
 * @example
 * ```ts
 * formatConfigPath(['auth', 'groups', 1], 'options'); // 'options.auth.groups[1]'
 * ```
 */
export function formatConfigPath(path: readonly (string | number)[], where = ''): string {
  let out = where;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function authIssues(auth: unknown, branches: Record<AuthKind, ValidateFunction>): ConfigIssue[] {
  if (!isRecord(auth)) return [{ path: ['auth'], kind: 'invalid', message: `must be object${got(['auth'], auth)}` }];
  const kind = auth.kind;
  if (kind === undefined) {
    return [{ path: ['auth', 'kind'], kind: 'required', message: `is required: one of ${AUTH_KINDS.join(', ')}` }];
  }
  if (!isAuthKind(kind)) {
    return [
      {
        path: ['auth', 'kind'],
        kind: 'invalid',
        message: `must be one of ${AUTH_KINDS.join(', ')}${got(['auth', 'kind'], kind)}`,
      },
    ];
  }
  const validate = branches[kind];
  if (validate(auth)) return [];
  return toIssues(validate.errors ?? [], auth, ['auth']).map((issue) =>
    // "is not allowed" alone would puzzle someone who switched kinds: the key is valid for another one.
    issue.kind === 'unknown' && issue.path.length === 2
      ? { ...issue, message: issue.message.replace('is not allowed', `is not allowed for auth kind ${kind}`) }
      : issue,
  );
}

function conflictIssues(config: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [section, inline, file] of CONFLICTS) {
    const part = config[section];
    if (isRecord(part) && part[inline] !== undefined && part[file] !== undefined) {
      issues.push({
        path: [section, file],
        kind: 'conflict',
        message: `cannot be combined with ${inline}`,
        conflictsWith: [section, inline],
      });
    }
  }
  return issues;
}

function isAuthKind(value: unknown): value is AuthKind {
  return typeof value === 'string' && (AUTH_KINDS as readonly string[]).includes(value);
}

/** Turns ajv errors (JSON pointers, keywords) into issues with readable paths and messages. */
function toIssues(errors: readonly ErrorObject[], root: unknown, prefix: readonly (string | number)[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const reported = collapseOneOf(errors);
  // A value of the wrong type also fails its enum or pattern: the type error alone says it.
  const wrongType = new Set(reported.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const error of reported) {
    if (error.keyword !== 'type' && wrongType.has(error.instancePath)) continue;
    const at = [...prefix, ...pointerToPath(error.instancePath, root)];
    const issue = describe(error, at);
    if (!issues.some((i) => i.message === issue.message && samePath(i.path, issue.path))) issues.push(issue);
  }
  return issues;
}

type Reported = ErrorObject | (ErrorObject & { keyword: 'oneOfSummary'; params: { alternatives: string[] } });

/**
 * ajv reports a failed `oneOf` as the failures of every branch plus "must match exactly one
 * schema". When exactly one branch fits the value's type, its own failures are the useful ones;
 * otherwise one summary ("must be false or object") replaces them all.
 */
function collapseOneOf(errors: readonly ErrorObject[]): Reported[] {
  let remaining: Reported[] = [...errors];
  const oneOfs = errors
    .filter((e) => e.keyword === 'oneOf')
    // Innermost first, so an outer oneOf sees its inner ones already collapsed.
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const oneOf of oneOfs) {
    const branchPrefix = `${oneOf.schemaPath}/`;
    // The same oneOf can fail at several places (one per attribute, say): own only this place's errors.
    const here = oneOf.instancePath;
    const owned = remaining.filter(
      (e) =>
        e.schemaPath.startsWith(branchPrefix) && (e.instancePath === here || e.instancePath.startsWith(`${here}/`)),
    );
    const branches = new Map<string, Reported[]>();
    for (const e of owned) {
      const index = e.schemaPath.slice(branchPrefix.length).split('/')[0] ?? '';
      branches.set(index, [...(branches.get(index) ?? []), e]);
    }
    const alternatives = (Array.isArray(oneOf.parentSchema?.oneOf) ? oneOf.parentSchema.oneOf : []) as unknown[];
    // A branch "fits" when the value passed its type/const checks and only failed deeper.
    const fitting = alternatives
      .map((_, i) => String(i))
      .filter((i) => {
        const failures = branches.get(i) ?? [];
        return !failures.some(
          (e) => e.instancePath === oneOf.instancePath && ['type', 'const', 'enum'].includes(e.keyword),
        );
      });
    const fittingFailures = fitting.length === 1 ? (branches.get(fitting[0] ?? '') ?? []) : [];
    const replacement: Reported[] =
      fittingFailures.length > 0
        ? fittingFailures
        : [{ ...oneOf, keyword: 'oneOfSummary', params: { alternatives: alternatives.map(describeSchema) } }];
    remaining = remaining.flatMap((e) => {
      if (e === oneOf) return replacement;
      return owned.includes(e) ? [] : [e];
    });
  }
  return remaining;
}

function describeSchema(schema: unknown): string {
  if (!isRecord(schema)) return 'a valid value';
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.type === 'array' && isRecord(schema.items) && typeof schema.items.type === 'string') {
    return `array of ${schema.items.type}`;
  }
  if (typeof schema.type === 'string') return schema.type;
  return 'a valid value';
}

function describe(error: Reported, at: (string | number)[]): ConfigIssue {
  const params = error.params as Record<string, unknown>;
  const last = at[at.length - 1];
  switch (error.keyword) {
    case 'required':
      return { path: [...at, String(params.missingProperty)], kind: 'required', message: 'is required' };
    case 'additionalProperties': {
      const allowed = isRecord(error.parentSchema?.properties) ? Object.keys(error.parentSchema.properties) : [];
      return {
        path: [...at, String(params.additionalProperty)],
        kind: 'unknown',
        message: `is not allowed${allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''}`,
      };
    }
    case 'type':
      return invalid(at, `must be ${[params.type].flat().join(' or ')}${got(at, error.data)}`);
    case 'enum':
      return invalid(at, `must be one of ${(params.allowedValues as unknown[]).join(', ')}${got(at, error.data)}`);
    case 'const':
      return invalid(at, `must be ${JSON.stringify(params.allowedValue)}${got(at, error.data)}`);
    case 'oneOfSummary':
      return invalid(at, `must be ${(params.alternatives as string[]).join(' or ')}${got(at, error.data)}`);
    case 'pattern': {
      const friendly = typeof last === 'string' && at.length === 1 ? PATTERN_MESSAGES[last] : undefined;
      return invalid(at, `${friendly ?? `must match ${String(params.pattern)}`}${got(at, error.data)}`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return invalid(at, `must be ${String(params.comparison)} ${String(params.limit)}${got(at, error.data)}`);
    case 'minLength':
      return invalid(
        at,
        params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`,
      );
    default:
      return invalid(at, error.message ?? `fails ${error.keyword}`);
  }
}

function invalid(path: (string | number)[], message: string): ConfigIssue {
  return { path, kind: 'invalid', message };
}

/** ` (got "lax")`; only the type for sensitive options, objects and arrays. */
function got(path: readonly (string | number)[], value: unknown): string {
  if (value === null) return ' (got null)';
  if (Array.isArray(value)) return ' (got array)';
  if (typeof value === 'object') return ' (got object)';
  const last = path[path.length - 1];
  if (typeof last === 'string' && SENSITIVE.has(last)) return ` (got ${typeof value})`;
  // A URL may carry credentials (https://user:password@host): quote it without them.
  const shown = typeof value === 'string' ? value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@') : value;
  const text = typeof shown === 'string' ? JSON.stringify(shown) : String(shown);
  return ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/** `/auth/groups/0` → `['auth', 'groups', 0]`: a segment is a number where the value is an array. */
function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node = isRecord(node) ? node[segment] : undefined;
    }
  }
  return path;
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const rank = (issue: ConfigIssue): number => {
    const index = TOP_LEVEL_ORDER.indexOf(String(issue.path[0]));
    return index === -1 ? TOP_LEVEL_ORDER.length : index;
  };
  // Array.prototype.sort is stable: within one option, schema order is kept.
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || a.i - b.i)
    .map((x) => x.issue);
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
