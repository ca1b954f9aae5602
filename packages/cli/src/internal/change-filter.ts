import { CliError } from '../cli-error.js';

/** The fields a `--filter` condition may name (those of the site change events). */
const FILTER_FIELDS = [
  'type',
  'appId',
  'appName',
  'stream',
  'at',
  'taskId',
  'taskName',
  'error',
  'durationMs',
  'changed',
  'logTail',
] as const;

type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

interface Condition {
  readonly field: string;
  readonly operator: Operator;
  /** `=` / `!=`: any of these (lower case, `*` as a wildcard); comparisons: one number. */
  readonly patterns: readonly RegExp[];
  readonly number: number;
}

/** Decides whether an event passes every `--filter` condition. */
export type ChangeFilter = (event: object) => boolean;

const CONDITION = /^\s*([A-Za-z]+)\s*(!=|<=|>=|=|<|>)\s*(.*?)\s*$/;

function pattern(value: string): RegExp {
  const escaped = value
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'is');
}

function usage(message: string): CliError {
  return new CliError('ERR_USAGE', message, {
    fix: `e.g. --filter 'type=app.reloaded,reload.failed;stream=Sales' (fields: ${FILTER_FIELDS.join(', ')})`,
  });
}

function parseCondition(text: string): Condition {
  const match = CONDITION.exec(text);
  if (match === null) throw usage(`--filter: cannot read the condition ${JSON.stringify(text.trim())}`);
  const [, field = '', operator = '=', value = ''] = match;
  const known = FILTER_FIELDS.find((f) => f.toLowerCase() === field.toLowerCase());
  if (known === undefined) throw usage(`--filter: no event field ${JSON.stringify(field)}`);
  const op = operator as Operator;
  if (op === '=' || op === '!=') {
    return { field: known, operator: op, patterns: value.split(',').map((v) => pattern(v.trim())), number: Number.NaN };
  }
  const number = Number(value);
  if (value === '' || !Number.isFinite(number)) {
    throw usage(`--filter: ${known}${op} needs a number (got ${JSON.stringify(value)})`);
  }
  return { field: known, operator: op, patterns: [], number };
}

/** The texts a field stands for: none when absent, each element of an array, the value as text. */
function texts(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v) => String(v));
  return [String(value)];
}

function holds(condition: Condition, event: object): boolean {
  const value = (event as Record<string, unknown>)[condition.field];
  switch (condition.operator) {
    case '=':
    case '!=': {
      const values = texts(value);
      // An empty value stands for "absent": `stream=` is an app in no stream.
      const matches = condition.patterns.some((p) =>
        values.length === 0 ? p.test('') : values.some((v) => p.test(v)),
      );
      return condition.operator === '=' ? matches : !matches;
    }
    default: {
      if (typeof value !== 'number') return false;
      const n = condition.number;
      if (condition.operator === '<') return value < n;
      if (condition.operator === '<=') return value <= n;
      if (condition.operator === '>') return value > n;
      return value >= n;
    }
  }
}

/**
 * Parses the `--filter` expressions of `watch --site`: each is one or more conditions separated by
 * `;`, and every condition of every expression must hold. A condition is `field=v1,v2` (any of the
 * values; case-insensitive; `*` matches any text; an empty value matches an absent field, so
 * `stream=` is "in no stream"), `field!=v1,v2` (none of them; an absent field passes), or a number
 * comparison `field>n` (`<`, `<=`, `>`, `>=`; fails when the field is no number). An array field
 * (`changed`, `logTail`) matches when one of its elements does.
 *
 * @throws CliError `ERR_USAGE` for a condition it cannot read or a field events do not have.
 *
 * @example
 * ```ts
 * const pass = parseChangeFilter(['type=app.reloaded,reload.failed;stream=Sales', 'durationMs>5000']);
 * pass({ type: 'app.reloaded', stream: 'Sales', durationMs: 9000 }); // true
 * ```
 */
export function parseChangeFilter(expressions: readonly string[]): ChangeFilter {
  const conditions = expressions.flatMap((expression) =>
    expression
      .split(';')
      .filter((part) => part.trim() !== '')
      .map(parseCondition),
  );
  return (event) => conditions.every((c) => holds(c, event));
}
