/**
 * The QRS `filter=` and `orderby=` query parameters, evaluated over entities already shaped as JSON.
 *
 * Grammar (precedence `not` > `and` > `or`, keywords and operators case-insensitive):
 *
 * ```
 * filter     := or EOF
 * or         := and ('or' and)*
 * and        := unary ('and' unary)*
 * unary      := 'not' unary | '(' or ')' | comparison
 * comparison := path op value
 * path       := name ('.' name)*
 * op         := eq | ne | gt | ge | lt | le | so | sw | ew
 * value      := 'single-quoted' ('' escapes a quote) | number | true | false | null | bare GUID
 * orderby    := path [asc|desc] (',' path [asc|desc])*
 * ```
 */

/** Malformed `filter=` or `orderby=`; the message names the offending token and its position. */
export class QrsQueryError extends Error {
  override readonly name = 'QrsQueryError';
  /** Zero-based character offset in the query text, when one can be named. */
  readonly position: number | undefined;

  constructor(message: string, position?: number) {
    super(message);
    this.position = position;
  }
}

type Operator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'so' | 'sw' | 'ew';
type Literal = string | number | boolean | null;

type Node =
  // n-ary, so a long chain of `and`s never becomes a deep tree to recurse through
  | { kind: 'or' | 'and'; operands: Node[] }
  | { kind: 'not'; operand: Node }
  | { kind: 'compare'; path: readonly string[]; op: Operator; value: Literal };

type Token =
  | { kind: '(' | ')' | 'end'; pos: number }
  | { kind: 'string'; value: string; pos: number; raw: string }
  | { kind: 'word'; text: string; pos: number };

interface SortKey {
  path: readonly string[];
  descending: boolean;
}

const OPERATORS: readonly Operator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'so', 'sw', 'ew'];
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORD_CHAR = /[A-Za-z0-9_.-]/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]|$)/;
// Deep enough for any hand-written filter; shallow enough that recursion can never overflow the stack.
const MAX_DEPTH = 64;

/**
 * Applies a QRS `filter` and `orderby` to a list of entities, as `/qrs/<type>?filter=…&orderby=…` does.
 *
 * String comparisons ignore case, as QRS does. A path that crosses a null (the `stream.name` of an
 * unpublished app) or a missing property yields null, so `eq null` matches it. A path that crosses an
 * array (`tags.name`) matches when any element matches; `ne` matches when none is equal. Empty or
 * null query text means "no filter" / "no ordering". The input array is not modified.
 *
 * @throws {QrsQueryError} for malformed query text — never any other error.
 * @example
 * queryEntities(apps, "stream.name eq 'Sales' and not (name sw 'test')", 'name desc');
 */
export function queryEntities<T extends Record<string, unknown>>(
  entities: T[],
  filter: string | null,
  orderby: string | null,
): T[] {
  const predicate = filter !== null && filter.trim() !== '' ? parseFilter(filter) : undefined;
  const keys = orderby !== null && orderby.trim() !== '' ? parseOrderBy(orderby) : [];
  const kept = predicate ? entities.filter((entity) => evaluate(predicate, entity)) : [...entities];
  return keys.length > 0 ? sortEntities(kept, keys) : kept;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch, pos: i });
      i++;
    } else if (ch === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new QrsQueryError(`unterminated string starting at position ${start}`, start);
        const c = text.charAt(i);
        if (c === "'") {
          if (text.charAt(i + 1) === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'string', value, pos: start, raw: text.slice(start, i) });
    } else if (WORD_CHAR.test(ch)) {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text.charAt(i))) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), pos: start });
    } else {
      // codePointAt keeps a surrogate pair whole in the message
      const shown = String.fromCodePoint(text.codePointAt(i) ?? 0xfffd);
      throw new QrsQueryError(`unexpected character '${shown}' at position ${i}`, i);
    }
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of filter';
    case 'string':
      return shorten(token.raw);
    case 'word':
      return `'${shorten(token.text)}'`;
    default:
      return `'${token.kind}'`;
  }
}

function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 21)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Parser

function parseFilter(text: string): Node {
  const tokens = tokenize(text);
  let index = 0;
  let depth = 0;

  const peek = (): Token => tokens[index] ?? { kind: 'end', pos: text.length };
  const next = (): Token => {
    const token = peek();
    if (index < tokens.length) index++;
    return token;
  };
  const isKeyword = (token: Token, keyword: string): boolean =>
    token.kind === 'word' && token.text.toLowerCase() === keyword;

  const parseOr = (): Node => {
    const operands = [parseAnd()];
    while (isKeyword(peek(), 'or')) {
      next();
      operands.push(parseAnd());
    }
    return operands.length === 1 && operands[0] ? operands[0] : { kind: 'or', operands };
  };

  const parseAnd = (): Node => {
    const operands = [parseUnary()];
    while (isKeyword(peek(), 'and')) {
      next();
      operands.push(parseUnary());
    }
    return operands.length === 1 && operands[0] ? operands[0] : { kind: 'and', operands };
  };

  const parseUnary = (): Node => {
    const token = peek();
    if (++depth > MAX_DEPTH) throw new QrsQueryError(`filter is nested too deeply at position ${token.pos}`, token.pos);
    try {
      if (isKeyword(token, 'not')) {
        next();
        return { kind: 'not', operand: parseUnary() };
      }
      if (token.kind === '(') {
        next();
        const inner = parseOr();
        const close = next();
        if (close.kind !== ')') {
          throw new QrsQueryError(`expected ')' at position ${close.pos} but found ${describe(close)}`, close.pos);
        }
        return inner;
      }
      return parseComparison();
    } finally {
      depth--;
    }
  };

  const parseComparison = (): Node => {
    const subject = next();
    if (subject.kind !== 'word' || !PATH.test(subject.text)) {
      throw new QrsQueryError(
        `expected a property path at position ${subject.pos} but found ${describe(subject)}`,
        subject.pos,
      );
    }
    const opToken = next();
    const op = opToken.kind === 'word' ? OPERATORS.find((o) => o === opToken.text.toLowerCase()) : undefined;
    if (!op) {
      throw new QrsQueryError(
        `expected an operator (${OPERATORS.join(' ')}) after '${shorten(subject.text)}' at position ${opToken.pos} but found ${describe(opToken)}`,
        opToken.pos,
      );
    }
    const valueToken = next();
    const value = literal(valueToken);
    if (value === undefined) {
      throw new QrsQueryError(
        `expected a value after '${op}' at position ${valueToken.pos} but found ${describe(valueToken)}`,
        valueToken.pos,
      );
    }
    return { kind: 'compare', path: subject.text.split('.'), op, value: value.value };
  };

  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') throw new QrsQueryError(`unexpected ${describe(rest)} at position ${rest.pos}`, rest.pos);
  return tree;
}

/** A value token's meaning, or undefined when the token is not a value (wrapped so null is a value). */
function literal(token: Token): { value: Literal } | undefined {
  if (token.kind === 'string') return { value: token.value };
  if (token.kind !== 'word') return undefined;
  const lower = token.text.toLowerCase();
  if (lower === 'null') return { value: null };
  if (lower === 'true') return { value: true };
  if (lower === 'false') return { value: false };
  // GUIDs before numbers: an all-digit first group must not be mistaken for a number
  if (GUID.test(token.text)) return { value: token.text };
  if (NUMBER.test(token.text)) return { value: Number(token.text) };
  return undefined;
}

function parseOrderBy(text: string): SortKey[] {
  const keys: SortKey[] = [];
  let offset = 0;
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    const pos = offset + (part.length - part.trimStart().length);
    offset += part.length + 1;
    const [path, direction, ...extra] = trimmed.split(/\s+/);
    const lowerDirection = direction?.toLowerCase();
    if (
      path === undefined ||
      !PATH.test(path) ||
      extra.length > 0 ||
      (lowerDirection !== undefined && lowerDirection !== 'asc' && lowerDirection !== 'desc')
    ) {
      const shown = trimmed === '' ? 'an empty sort key' : `'${shorten(trimmed)}'`;
      throw new QrsQueryError(`orderby: expected '<property> [asc|desc]' at position ${pos} but found ${shown}`, pos);
    }
    keys.push({ path: path.split('.'), descending: lowerDirection === 'desc' });
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function evaluate(node: Node, entity: unknown): boolean {
  switch (node.kind) {
    case 'or':
      return node.operands.some((operand) => evaluate(operand, entity));
    case 'and':
      return node.operands.every((operand) => evaluate(operand, entity));
    case 'not':
      return !evaluate(node.operand, entity);
    case 'compare': {
      const { op, value } = node;
      const candidates = resolve(entity, node.path);
      if (op === 'ne') return !candidates.some((c) => equals(c, value));
      return candidates.some((c) => compare(c, op, value));
    }
  }
}

/**
 * Every value a dotted path reaches. Arrays fan out (QRS filters on `tags.name` match any tag);
 * nulls, primitives and missing properties along the way give null.
 */
function resolve(root: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [root];
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of spread(current)) next.push(property(value, key));
    current = next;
  }
  const values = spread(current);
  return values.length > 0 ? values : [null];
}

function spread(values: unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v]));
}

function property(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  // Own properties only, so `constructor` or `__proto__` never reach the prototype
  if (Object.hasOwn(record, key)) return record[key] ?? null;
  // QRS property names are matched without regard to case (`Name eq 'x'` works)
  const lower = key.toLowerCase();
  for (const name of Object.keys(record)) if (name.toLowerCase() === lower) return record[name] ?? null;
  return null;
}

function compare(actual: unknown, op: Exclude<Operator, 'ne'>, expected: Literal): boolean {
  switch (op) {
    case 'eq':
      return equals(actual, expected);
    case 'so':
    case 'sw':
    case 'ew': {
      if (expected === null || !isPrimitive(actual) || actual === null) return false;
      const haystack = String(actual).toLowerCase();
      const needle = String(expected).toLowerCase();
      if (op === 'so') return haystack.includes(needle);
      return op === 'sw' ? haystack.startsWith(needle) : haystack.endsWith(needle);
    }
    default: {
      const order = ordering(actual, expected);
      if (order === undefined) return false;
      if (op === 'gt') return order > 0;
      if (op === 'ge') return order >= 0;
      if (op === 'lt') return order < 0;
      return order <= 0;
    }
  }
}

function equals(actual: unknown, expected: Literal): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  return ordering(actual, expected) === 0;
}

/** Sign of actual − expected, or undefined when they cannot be ordered (null, object, mixed kinds). */
function ordering(actual: unknown, expected: Literal): number | undefined {
  if (expected === null || !isPrimitive(actual) || actual === null) return undefined;
  if (typeof actual === 'number' && typeof expected === 'number') return Math.sign(actual - expected);
  if (typeof actual === 'boolean' && typeof expected === 'boolean') return Number(actual) - Number(expected);
  // A number against a numeric string (`fileSize gt '100'`, `'42' eq 42`) compares as numbers
  if (typeof actual === 'number' && typeof expected === 'string' && NUMBER.test(expected.trim())) {
    return Math.sign(actual - Number(expected));
  }
  if (typeof actual === 'string' && typeof expected === 'number' && NUMBER.test(actual.trim())) {
    return Math.sign(Number(actual) - expected);
  }
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    // `published eq 'true'` still works; a boolean never orders against a number
    if (typeof actual === 'number' || typeof expected === 'number') return undefined;
  }
  return textOrder(String(actual), String(expected));
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Case-insensitive order; ISO timestamps are compared as instants, so `.000Z` and `Z` forms agree. */
function textOrder(a: string, b: string): number {
  if (ISO_DATE.test(a) && ISO_DATE.test(b)) {
    const ta = Date.parse(a);
    const tb = Date.parse(b);
    if (Number.isFinite(ta) && Number.isFinite(tb)) return Math.sign(ta - tb);
  }
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Sorting

function sortEntities<T>(entities: T[], keys: readonly SortKey[]): T[] {
  const rows = entities.map((entity, index) => ({
    entity,
    index,
    values: keys.map((key) => resolve(entity, key.path)[0] ?? null),
  }));
  rows.sort((a, b) => {
    for (const [k, key] of keys.entries()) {
      const order = sortOrder(a.values[k], b.values[k]);
      if (order !== 0) return key.descending ? -order : order;
    }
    // Array.prototype.sort is stable, but an explicit tie-break keeps that obvious
    return a.index - b.index;
  });
  return rows.map((row) => row.entity);
}

/** Ascending order with nulls last (PostgreSQL's default, which the repository database uses). */
function sortOrder(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (isPrimitive(a) && isPrimitive(b)) {
    const order = textOrder(String(a), String(b));
    if (order !== 0) return order;
    // Same letters in different case: still a deterministic order
    const sa = String(a);
    const sb = String(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  // Objects and arrays sort after primitives and among themselves keep their order
  return isPrimitive(a) ? -1 : isPrimitive(b) ? 1 : 0;
}
