import type { SqlTable } from '../ast.js';
import type { LexToken } from './scanner.js';

/** Words that end a table reference (they cannot be an alias). */
const NOT_ALIAS = new Set([
  'WHERE',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'OUTER',
  'CROSS',
  'NATURAL',
  'ON',
  'USING',
  'GROUP',
  'ORDER',
  'HAVING',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'MINUS',
  'LIMIT',
  'OFFSET',
  'FETCH',
  'WINDOW',
  'FOR',
  'WITH',
  'AS',
  'SELECT',
  'FROM',
  'INTO',
  'VALUES',
  'SET',
  'RETURNING',
  'QUALIFY',
  'PIVOT',
  'UNPIVOT',
  'TABLESAMPLE',
  'LATERAL',
  'APPLY',
  'OPTION',
  'CONNECT',
  'START',
  'MODEL',
]);

/** Words that end a FROM clause. */
const CLAUSE_END = new Set([
  'WHERE',
  'GROUP',
  'ORDER',
  'HAVING',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'MINUS',
  'LIMIT',
  'OFFSET',
  'FETCH',
  'WINDOW',
  'QUALIFY',
  'SELECT',
  'SET',
  'VALUES',
  'RETURNING',
]);

function isOp(t: LexToken | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'operator' && t.text === text;
}

function word(t: LexToken | undefined): string {
  return t !== undefined && t.kind === 'identifier' ? t.upper : '';
}

function isNamePart(t: LexToken | undefined): t is LexToken {
  return (
    t !== undefined &&
    (t.kind === 'identifier' ||
      t.kind === 'quoted' ||
      t.kind === 'bracketed' ||
      t.kind === 'backtick' ||
      t.kind === 'dollar')
  );
}

/** Splits an unquoted `a.b.c` at dots outside `$(…)`. */
function splitDots(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === '.' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function partsOf(t: LexToken): string[] {
  if (t.kind === 'identifier') return splitDots(t.value);
  if (t.kind === 'dollar') return [`$(${t.value})`];
  return [t.value];
}

/**
 * Names the tables read by a SQL statement: every table after FROM / JOIN (including comma lists and
 * subqueries), schema-qualified and unquoted, without CTE names and table-valued functions. Best
 * effort: FROM inside function calls (`EXTRACT(YEAR FROM d)`) is ignored.
 */
export function sqlTables(tokens: readonly LexToken[]): SqlTable[] {
  const tables: SqlTable[] = [];
  const ctes = new Set<string>();
  // CTE names: WITH name AS ( … ), name AS ( … )
  if (word(tokens[0]) === 'WITH') {
    let i = 1;
    if (word(tokens[i]) === 'RECURSIVE') i++;
    while (i < tokens.length) {
      const name = tokens[i];
      if (!isNamePart(name)) break;
      let j = i + 1;
      if (isOp(tokens[j], '(')) j = skipParens(tokens, j);
      if (word(tokens[j]) !== 'AS' || !isOp(tokens[j + 1], '(')) break;
      ctes.add(name.value.toUpperCase());
      j = skipParens(tokens, j + 1);
      if (!isOp(tokens[j], ',')) break;
      i = j + 1;
    }
  }
  // Per paren level: does FROM count here (subquery or top level), and are we inside a FROM clause?
  const countable: boolean[] = [true];
  const inFrom: boolean[] = [false];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] as LexToken;
    const level = countable.length - 1;
    if (isOp(t, '(')) {
      const prev = tokens[i - 1];
      const next = word(tokens[i + 1]);
      const isCall =
        prev !== undefined && prev.kind === 'identifier' && !NOT_ALIAS.has(prev.upper) && prev.upper !== 'IN';
      countable.push(next === 'SELECT' || next === 'WITH' || !isCall);
      inFrom.push(false);
      i++;
      continue;
    }
    if (isOp(t, ')')) {
      if (countable.length > 1) {
        countable.pop();
        inFrom.pop();
      }
      i++;
      continue;
    }
    const w = word(t);
    if (countable[level] === true && (w === 'FROM' || w === 'JOIN' || (isOp(t, ',') && inFrom[level] === true))) {
      if (w === 'FROM') inFrom[level] = true;
      i = readTableList(tokens, i + 1, w !== 'JOIN', ctes, tables);
      continue;
    }
    if (CLAUSE_END.has(w)) inFrom[level] = false;
    i++;
  }
  return tables;
}

function skipParens(tokens: readonly LexToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isOp(tokens[i], '(')) depth++;
    else if (isOp(tokens[i], ')')) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return tokens.length;
}

/** Reads `table [alias] [, table [alias]]…` from `from`; returns the index after it. */
function readTableList(
  tokens: readonly LexToken[],
  from: number,
  allowList: boolean,
  ctes: ReadonlySet<string>,
  out: SqlTable[],
): number {
  let i = from;
  for (;;) {
    const first = tokens[i];
    if (first === undefined) return i;
    if (isOp(first, '(')) {
      // A derived table: its own FROM is found by the main scan. Skip it and its alias.
      i = skipParens(tokens, i);
    } else {
      if (!isNamePart(first) || NOT_ALIAS.has(word(first))) return i;
      const parts = partsOf(first);
      let last = first;
      i++;
      while (isOp(tokens[i], '.')) {
        const next = tokens[i + 1];
        if (isOp(next, '.')) {
          // `db..table` (T-SQL default schema)
          parts.push('');
          i++;
          continue;
        }
        if (!isNamePart(next)) break;
        parts.push(...partsOf(next));
        last = next;
        i += 2;
      }
      // A table-valued function or connector pseudo-SQL (`FROM JSON (wrap on) …`) is not a table.
      if (isOp(tokens[i], '(')) return i;
      let alias: string | null = null;
      if (word(tokens[i]) === 'AS' && isNamePart(tokens[i + 1])) {
        alias = (tokens[i + 1] as LexToken).value;
        i += 2;
      } else {
        const a = tokens[i];
        if (isNamePart(a) && !NOT_ALIAS.has(word(a))) {
          alias = a.value;
          i++;
        }
      }
      const name = parts.join('.');
      if (!(parts.length === 1 && ctes.has(name.toUpperCase()))) {
        out.push({ kind: 'SqlTable', name, parts, alias, span: { start: first.span.start, end: last.span.end } });
      }
    }
    if (!allowList || !isOp(tokens[i], ',')) return i;
    i++;
  }
}
