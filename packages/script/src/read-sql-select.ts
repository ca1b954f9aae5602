/** A column reference inside a SELECT item: `qualifier.name` or `name`. */
export interface SqlColumnRef {
  readonly qualifier: string | null;
  readonly name: string;
}

/** One item of a SELECT list. */
export interface SqlSelectItem {
  /** The output column name: the alias, else the column name of a plain reference, else the text. */
  readonly name: string;
  readonly text: string;
  /** `*` or `t.*` (qualifier in `starOf`). */
  readonly star: boolean;
  readonly starOf: string | null;
  /** A plain column reference (possibly qualified), no expression. */
  readonly plain: boolean;
  readonly aliased: boolean;
  readonly columns: readonly SqlColumnRef[];
  readonly aggregate: boolean;
}

const KEYWORDS = new Set(
  'SELECT DISTINCT ALL TOP PERCENT AS CASE WHEN THEN ELSE END AND OR NOT NULL IS IN LIKE BETWEEN EXISTS CAST CONVERT OVER PARTITION BY ORDER ASC DESC TRUE FALSE INTERVAL DATE TIMESTAMP TIME WITH TIES FROM WHERE GROUP HAVING LIMIT OFFSET UNION EXCEPT INTERSECT JOIN ON INNER LEFT RIGHT OUTER FULL CROSS INTO COLLATE ESCAPE FILTER WITHIN NULLS FETCH NEXT ROWS ONLY'.split(
    ' ',
  ),
);
const AGGREGATES = new Set([
  'SUM',
  'COUNT',
  'AVG',
  'MIN',
  'MAX',
  'STDEV',
  'STDDEV',
  'VAR',
  'VARIANCE',
  'LISTAGG',
  'STRING_AGG',
  'GROUP_CONCAT',
  'ARRAY_AGG',
]);

type Tok = { kind: 'ident' | 'quoted' | 'string' | 'number' | 'punct' | 'ws'; text: string; value: string };

function tokenize(sql: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j] ?? '')) j++;
      out.push({ kind: 'ws', text: sql.slice(i, j), value: ' ' });
      i = j;
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      i = j < 0 ? sql.length : j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      i = j < 0 ? sql.length : j + 2;
    } else if (c === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      out.push({ kind: 'string', text: sql.slice(i, j + 1), value: '' });
      i = j + 1;
    } else if (c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      const j = sql.indexOf(close, i + 1);
      const end = j < 0 ? sql.length : j;
      out.push({ kind: 'quoted', text: sql.slice(i, end + 1), value: sql.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z_@#$]/.test(c) || c.charCodeAt(0) > 127) {
      let j = i + 1;
      while (
        j < sql.length &&
        (/[A-Za-z0-9_@#$]/.test(sql[j] ?? '') || (sql.charCodeAt(j) > 127 && !/\s/.test(sql[j] ?? '')))
      )
        j++;
      out.push({ kind: 'ident', text: sql.slice(i, j), value: sql.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[0-9.eE]/.test(sql[j] ?? '')) j++;
      out.push({ kind: 'number', text: sql.slice(i, j), value: sql.slice(i, j) });
      i = j;
    } else {
      out.push({ kind: 'punct', text: c, value: c });
      i++;
    }
  }
  return out;
}

const isName = (t: Tok | undefined): t is Tok =>
  t !== undefined && (t.kind === 'quoted' || (t.kind === 'ident' && !KEYWORDS.has(t.value.toUpperCase())));

/** The column references in tokens (no keywords, literals or function names) and whether an aggregate is called. */
function columnRefs(body: readonly Tok[]): { columns: SqlColumnRef[]; aggregate: boolean } {
  const columns: SqlColumnRef[] = [];
  let aggregate = false;
  for (let k = 0; k < body.length; k++) {
    const t = body[k];
    if (!isName(t)) continue;
    const next = body[k + 1];
    if (next?.text === '(') {
      if (AGGREGATES.has(t.value.toUpperCase())) aggregate = true;
      continue;
    }
    if (body[k - 1]?.text === '.') continue;
    if (next?.text === '.' && isName(body[k + 2])) {
      // a.b or a.b.c: the last part is the column, the one before it the qualifier
      let j = k;
      const parts = [t.value];
      while (body[j + 1]?.text === '.' && isName(body[j + 2])) {
        parts.push((body[j + 2] as Tok).value);
        j += 2;
      }
      columns.push({ qualifier: parts[parts.length - 2] ?? null, name: parts[parts.length - 1] ?? '' });
      k = j;
      continue;
    }
    columns.push({ qualifier: null, name: t.value });
  }
  return { columns, aggregate };
}

function parseItem(tokens: Tok[]): SqlSelectItem | null {
  const toks = tokens.filter((t) => t.kind !== 'ws');
  const text = tokens
    .map((t) => t.text)
    .join('')
    .trim();
  if (toks.length === 0) return null;
  // star
  if (toks.length === 1 && toks[0]?.text === '*') {
    return { name: '*', text, star: true, starOf: null, plain: true, aliased: false, columns: [], aggregate: false };
  }
  if (toks.length === 3 && isName(toks[0]) && toks[1]?.text === '.' && toks[2]?.text === '*') {
    return {
      name: '*',
      text,
      star: true,
      starOf: toks[0].value,
      plain: true,
      aliased: false,
      columns: [],
      aggregate: false,
    };
  }
  // alias: `… AS name` or `… name` after an expression / a column
  let body = toks;
  let alias: string | null = null;
  const last = toks[toks.length - 1];
  const beforeLast = toks[toks.length - 2];
  if (
    beforeLast &&
    beforeLast.kind === 'ident' &&
    beforeLast.value.toUpperCase() === 'AS' &&
    last &&
    (last.kind === 'ident' || last.kind === 'quoted' || last.kind === 'string')
  ) {
    alias = last.kind === 'string' ? last.text.slice(1, -1) : last.value;
    body = toks.slice(0, -2);
  } else if (
    toks.length >= 2 &&
    isName(last) &&
    beforeLast &&
    beforeLast.text !== '.' &&
    !(beforeLast.kind === 'punct' && beforeLast.text !== ')')
  ) {
    alias = last.value;
    body = toks.slice(0, -1);
  }
  const { columns, aggregate } = columnRefs(body);
  const plainTokens = body.filter((t) => t.text !== '.');
  const plain = columns.length === 1 && plainTokens.every((t) => isName(t));
  const name = alias ?? (plain ? (columns[0]?.name ?? text) : text);
  return { name, text, star: false, starOf: null, plain, aliased: alias !== null, columns, aggregate };
}

/** The columns the clauses of a SELECT use (its outermost query; subqueries are not entered). */
export interface SqlClauseColumns {
  readonly where: readonly SqlColumnRef[];
  readonly groupBy: readonly SqlColumnRef[];
  readonly having: readonly SqlColumnRef[];
  readonly orderBy: readonly SqlColumnRef[];
  /** The columns of every `JOIN … ON` condition. */
  readonly joinOn: readonly SqlColumnRef[];
}

/** A SELECT read by {@link readSqlSelect}. */
export interface SqlSelect {
  /** The SELECT list, in order. */
  readonly items: readonly SqlSelectItem[];
  readonly clauses: SqlClauseColumns;
  /**
   * What the outermost query has besides `SELECT list FROM tables`, upper-cased, in order: the word
   * before SELECT (`WITH` …), the list's `DISTINCT` / `ALL` / `TOP`, a `(` or `,` in the FROM part
   * (a derived table or table function, a table list), then every clause word at the outermost
   * level (`INNER`, `JOIN`, `ON`, `USING`, `WHERE`, `GROUP BY`, `HAVING`, `ORDER BY`) and the set
   * operation or paging word where reading stops (`UNION`, `LIMIT` …). Empty for a plain projection
   * such as `SELECT a, b AS c FROM s.t x`.
   */
  readonly extras: readonly string[];
}

type Clause = keyof SqlClauseColumns;
/** Words after FROM that end the clauses read here (set operations, paging, locking). */
const END_OF_QUERY = new Set(['UNION', 'EXCEPT', 'INTERSECT', 'MINUS', 'LIMIT', 'OFFSET', 'FETCH', 'FOR']);

/**
 * Reads a SQL SELECT as far as lineage and the simulator need it: the SELECT list of the outermost
 * query (each item's output name, source columns, whether it aggregates; `*` and `t.*`) and the
 * columns its WHERE, GROUP BY, HAVING, ORDER BY and `JOIN … ON` clauses use. Best effort over any
 * dialect — no validation; null when the text has no SELECT. CTEs (`WITH x AS (…)`) are skipped to
 * the main query; subqueries in parentheses are not entered.
 *
 * @example
 * ```ts
 * import { readSqlSelect } from '@qixflow/script';
 *
 * const read = readSqlSelect('SELECT o.OrderID, Qty * Price AS Amount FROM dbo.Orders o WHERE o.Status = 1');
 * read?.items.map((i) => i.name); // ['OrderID', 'Amount']
 * read?.clauses.where; // [{ qualifier: 'o', name: 'Status' }]
 * ```
 */
export function readSqlSelect(sql: string): SqlSelect | null {
  if (typeof sql !== 'string') throw new TypeError(`readSqlSelect: sql must be a string, got ${typeof sql}`);
  const tokens = tokenize(sql);
  const bounds = selectListBounds(tokens);
  if (!bounds) return null;
  const extras: string[] = [];
  const lead = tokens.slice(0, bounds.start - 1).find((t) => t.kind !== 'ws');
  if (lead) extras.push(lead.kind === 'ident' ? lead.value.toUpperCase() : lead.text);
  const items = selectItems(tokens.slice(bounds.start, bounds.end), extras);
  return { items, clauses: clauseColumns(tokens, bounds.end, extras), extras };
}

/** Where the outermost SELECT list starts and ends (at its FROM, or the end). */
function selectListBounds(tokens: readonly Tok[]): { start: number; end: number } | null {
  let depth = 0;
  let start = -1;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Tok;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'ident') {
      const up = t.value.toUpperCase();
      if (up === 'SELECT' && start < 0) start = k + 1;
      else if (up === 'FROM' && start >= 0) return { start, end: k };
    }
  }
  return start < 0 ? null : { start, end: tokens.length };
}

/** The items of a SELECT list; its DISTINCT / ALL / TOP go to `extras`. */
function selectItems(tokens: readonly Tok[], extras: string[]): SqlSelectItem[] {
  let list = [...tokens];
  // DISTINCT / ALL / TOP n [PERCENT]
  for (;;) {
    const first = list.findIndex((t) => t.kind !== 'ws');
    const t = list[first];
    if (t?.kind !== 'ident') break;
    const up = t.value.toUpperCase();
    if (up === 'DISTINCT' || up === 'ALL' || up === 'TOP') extras.push(up);
    if (up === 'DISTINCT' || up === 'ALL') list = list.slice(first + 1);
    else if (up === 'TOP') {
      let k = first + 1;
      while (list[k]?.kind === 'ws') k++;
      if (list[k]?.text === '(') {
        while (k < list.length && list[k]?.text !== ')') k++;
      }
      k++;
      while (list[k]?.kind === 'ws') k++;
      if (list[k]?.kind === 'ident' && list[k]?.value.toUpperCase() === 'PERCENT') k++;
      list = list.slice(k);
    } else break;
  }
  const items: SqlSelectItem[] = [];
  let current: Tok[] = [];
  let depth = 0;
  for (const t of list) {
    if (t.text === '(') depth++;
    if (t.text === ')') depth--;
    if (depth === 0 && t.text === ',') {
      const item = parseItem(current);
      if (item) items.push(item);
      current = [];
    } else current.push(t);
  }
  const item = parseItem(current);
  if (item) items.push(item);
  return items;
}

/**
 * The columns of the clauses after FROM, at the outermost level (a `(SELECT …)` is skipped whole);
 * the clause words, and a `(` or `,` in the FROM part, go to `extras`.
 */
function clauseColumns(tokens: readonly Tok[], from: number, extras: string[]): SqlClauseColumns {
  const found: Record<Clause, Tok[]> = { where: [], groupBy: [], having: [], orderBy: [], joinOn: [] };
  let clause: Clause | null = null;
  let inFrom = true;
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k] as Tok;
    if (t.kind === 'ws') continue;
    if (inFrom && depth === 0 && (t.text === '(' || t.text === ',')) extras.push(t.text);
    if (t.text === '(' && nextWord(tokens, k + 1) === 'SELECT') {
      k = closing(tokens, k);
      continue;
    }
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    const up = t.kind === 'ident' ? t.value.toUpperCase() : '';
    if (up === 'NULLS') {
      // ORDER BY x NULLS FIRST|LAST: neither word is a column
      k += 1;
      while (tokens[k]?.kind === 'ws') k++;
      continue;
    }
    if (depth === 0 && up !== '') {
      if (END_OF_QUERY.has(up)) {
        extras.push(up);
        break;
      }
      const next = nextWord(tokens, k + 1);
      const started: Clause | null | undefined =
        up === 'WHERE'
          ? 'where'
          : up === 'HAVING'
            ? 'having'
            : up === 'ON'
              ? 'joinOn'
              : (up === 'GROUP' || up === 'ORDER') && next === 'BY'
                ? up === 'GROUP'
                  ? 'groupBy'
                  : 'orderBy'
                : ['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'USING'].includes(up)
                  ? null
                  : undefined;
      if (started !== undefined) {
        extras.push(up === 'GROUP' || up === 'ORDER' ? `${up} BY` : up);
        clause = started;
        inFrom = false;
        continue;
      }
    }
    if (clause !== null) found[clause].push(t);
  }
  const refs = (toks: Tok[]) => columnRefs(toks).columns;
  return {
    where: refs(found.where),
    groupBy: refs(found.groupBy),
    having: refs(found.having),
    orderBy: refs(found.orderBy),
    joinOn: refs(found.joinOn),
  };
}

/** The upper-cased word at or after `k` (spaces skipped), or '' when the next token is no word. */
function nextWord(tokens: readonly Tok[], k: number): string {
  let i = k;
  while (tokens[i]?.kind === 'ws') i++;
  const t = tokens[i];
  return t?.kind === 'ident' ? t.value.toUpperCase() : '';
}

/** The index of the `)` that closes the `(` at `open` (the last token when it is not closed). */
function closing(tokens: readonly Tok[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k]?.text === '(') depth++;
    else if (tokens[k]?.text === ')' && --depth === 0) return k;
  }
  return tokens.length - 1;
}
