import type {
  Expression,
  LoadFieldItem,
  LoadPrefix,
  LoadQuery,
  LoadSource,
  LoadStatement,
  OrderByItem,
  SqlQuery,
} from '../ast.js';
import { dollarParts } from './dollar.js';
import { dollarNode, isNameToken, isOp, isWord } from './expression-parser.js';
import { parseInlineTable } from './inline-table.js';
import { ParseError } from './parse-error.js';
import type { ParserCore } from './parser-core.js';
import { joinTokens } from './parser-core.js';
import type { LexToken } from './scanner.js';
import { sqlTables } from './sql-tables.js';

/** Words that start (or continue) a LOAD statement's prefix list. */
export const PREFIX_WORDS: ReadonlySet<string> = new Set([
  'CONCATENATE',
  'NOCONCATENATE',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'OUTER',
  'KEEP',
  'MAPPING',
  'CROSSTABLE',
  'GENERIC',
  'FIRST',
  'SAMPLE',
  'BUFFER',
  'ADD',
  'REPLACE',
  'MERGE',
  'INTERVALMATCH',
  'HIERARCHY',
  'HIERARCHYBELONGSTO',
  'WHEN',
  'UNLESS',
  'SEMANTIC',
]);

/** The words a LOAD's source starts with (a LOAD without one reads the LOAD or SELECT after its `;`). */
export const SOURCE_WORDS: ReadonlySet<string> = new Set([
  'FROM',
  'FROM_FIELD',
  'RESIDENT',
  'INLINE',
  'AUTOGENERATE',
  'EXTENSION',
]);

/** Whether the token starts a table query (LOAD, SELECT or SQL). */
export function startsQuery(t: LexToken): boolean {
  return isWord(t, 'LOAD') || isWord(t, 'SELECT') || isWord(t, 'SQL');
}

/** `(table)` after CONCATENATE / JOIN / KEEP, if present. */
function optionalTable(p: ParserCore): string | null {
  if (!p.isOp('(')) return null;
  p.next();
  const table = p.parseName('a table name', true);
  p.expectOp(')');
  return table;
}

function parseArgs(p: ParserCore): Expression[] {
  p.expectOp('(');
  const args: Expression[] = [];
  if (!p.isOp(')')) {
    for (;;) {
      args.push(p.expr.parse());
      if (!p.acceptOp(',')) break;
    }
  }
  p.expectOp(')');
  return args;
}

function parsePrefix(p: ParserCore, t: LexToken): LoadPrefix {
  const start = t.span.start;
  p.next();
  switch (t.upper) {
    case 'CONCATENATE':
      return { kind: 'ConcatenatePrefix', table: optionalTable(p), span: p.span(start) };
    case 'NOCONCATENATE':
      return { kind: 'NoConcatenatePrefix', span: p.span(start) };
    case 'JOIN':
      return { kind: 'JoinPrefix', type: null, table: optionalTable(p), span: p.span(start) };
    case 'KEEP':
      return { kind: 'KeepPrefix', type: null, table: optionalTable(p), span: p.span(start) };
    case 'INNER':
    case 'LEFT':
    case 'RIGHT':
    case 'OUTER': {
      const type = t.upper.toLowerCase() as 'inner' | 'left' | 'right' | 'outer';
      const word = p.expectOneOf(type === 'outer' ? ['JOIN'] : ['JOIN', 'KEEP'], 'JOIN or KEEP');
      const table = optionalTable(p);
      if (word === 'KEEP')
        return { kind: 'KeepPrefix', type: type as 'inner' | 'left' | 'right', table, span: p.span(start) };
      return { kind: 'JoinPrefix', type, table, span: p.span(start) };
    }
    case 'MAPPING':
      return { kind: 'MappingPrefix', span: p.span(start) };
    case 'CROSSTABLE': {
      p.expectOp('(');
      const attributeField = p.parseName('the attribute field name', true);
      p.expectOp(',');
      const dataField = p.parseName('the data field name', true);
      const qualifierFields = p.acceptOp(',') ? p.expr.parse() : null;
      p.expectOp(')');
      return { kind: 'CrossTablePrefix', attributeField, dataField, qualifierFields, span: p.span(start) };
    }
    case 'GENERIC':
      return { kind: 'GenericPrefix', span: p.span(start) };
    case 'FIRST':
      return { kind: 'FirstPrefix', count: p.expr.parse(), span: p.span(start) };
    case 'SAMPLE':
      return { kind: 'SamplePrefix', probability: p.expr.parse(), span: p.span(start) };
    case 'BUFFER': {
      const options = p.isOp('(') ? p.parseParenthesizedRaw() : null;
      return { kind: 'BufferPrefix', options, span: p.span(start) };
    }
    case 'ADD':
    case 'REPLACE': {
      const only = p.acceptWord('ONLY') !== null;
      return t.upper === 'ADD'
        ? { kind: 'AddPrefix', only, span: p.span(start) }
        : { kind: 'ReplacePrefix', only, span: p.span(start) };
    }
    case 'MERGE': {
      const only = p.acceptWord('ONLY') !== null;
      let parameters: string[] = [];
      if (p.acceptOp('(')) {
        parameters = p.parseNameList('a field or variable name', true);
        p.expectOp(')');
      }
      p.expectWord('ON');
      const keys = p.parseNameList('a key field name');
      return { kind: 'MergePrefix', only, parameters, keys, span: p.span(start) };
    }
    case 'INTERVALMATCH':
      return { kind: 'IntervalMatchPrefix', args: parseArgs(p), span: p.span(start) };
    case 'HIERARCHY':
      return { kind: 'HierarchyPrefix', args: parseArgs(p), span: p.span(start) };
    case 'HIERARCHYBELONGSTO':
      return { kind: 'HierarchyBelongsToPrefix', args: parseArgs(p), span: p.span(start) };
    case 'WHEN':
    case 'UNLESS':
      return {
        kind: 'ConditionPrefix',
        type: t.upper === 'WHEN' ? 'when' : 'unless',
        condition: p.expr.parse(),
        span: p.span(start),
      };
    case 'SEMANTIC':
      return { kind: 'SemanticPrefix', span: p.span(start) };
    default:
      return p.fail('Expected a LOAD prefix', t);
  }
}

/**
 * `[Label:] [prefix …] (LOAD … | SELECT … | SQL …)` — the current token is the label, a prefix,
 * a `$(…)` standing for a prefix, or the query keyword.
 */
export function parseLoadStatement(p: ParserCore): LoadStatement {
  const start = p.peek().span.start;
  let label: string | null = null;
  const prefixes: LoadPrefix[] = [];
  for (;;) {
    const t = p.peek();
    if ((isNameToken(t) || t.kind === 'string') && p.isOp(':', 1)) {
      if (label !== null) p.fail('A statement can have only one label', t);
      p.next();
      p.next();
      label = t.kind === 'dollar' ? `$(${t.value})` : t.value;
      continue;
    }
    if (startsQuery(t)) break;
    if (t.kind === 'identifier' && PREFIX_WORDS.has(t.upper)) {
      prefixes.push(parsePrefix(p, t));
      continue;
    }
    if (t.kind === 'dollar' && dollarParts(t.value).form !== 'include') {
      p.next();
      prefixes.push({ kind: 'ExpansionPrefix', expansion: dollarNode(t), span: t.span });
      continue;
    }
    p.fail(label === null && prefixes.length === 0 ? 'Expected a statement' : 'Expected LOAD or SELECT', t);
  }
  const query = parseQuery(p);
  return { kind: 'LoadStatement', label, prefixes, query, span: p.span(start) };
}

/** LOAD … or SQL … / SELECT …, through to its `;`. */
function parseQuery(p: ParserCore): LoadQuery | SqlQuery {
  const t = p.peek();
  if (isWord(t, 'LOAD')) return parseLoadQuery(p);
  if (isWord(t, 'SQL')) {
    p.next();
    return parseSql(p, t);
  }
  if (isWord(t, 'SELECT')) return parseSql(p, t);
  return p.fail('Expected LOAD or SELECT', t);
}

/** Everything up to `;` is passed to the database; the tables it reads are extracted for lineage. */
function parseSql(p: ParserCore, startTok: LexToken): SqlQuery {
  const from = p.s.nextSignificantIndex();
  for (;;) {
    const t = p.peek();
    if (t.kind === 'eof' || isOp(t, ';')) break;
    p.next();
  }
  const to = p.s.lastConsumedIndex;
  const tokens = to >= from ? p.s.significantBetween(from, to) : [];
  const text = to >= from ? p.s.textBetween(from, to) : '';
  const span = p.span(startTok.span.start);
  p.expectStatementEnd();
  const first = tokens[0];
  const verb = first && first.kind === 'identifier' ? first.upper : '';
  return { kind: 'Sql', text, verb, tables: sqlTables(tokens), span };
}

/** A LOAD / STORE field list: `*` or `expression [AS alias]`, comma separated. */
export function parseFieldList(p: ParserCore): LoadFieldItem[] {
  const fields: LoadFieldItem[] = [];
  for (;;) {
    const t = p.peek();
    if (isOp(t, '*')) {
      p.next();
      fields.push({ kind: 'LoadStar', span: t.span });
    } else {
      const expression = p.expr.parse();
      let alias: string | null = null;
      if (p.acceptWord('AS')) alias = p.parseName('an alias', true);
      fields.push({ kind: 'LoadField', expression, alias, span: p.span(t.span.start) });
    }
    if (!p.acceptOp(',')) return fields;
  }
}

function parseSource(p: ParserCore): LoadSource | null {
  const t = p.peek();
  if (t.kind !== 'identifier' || !SOURCE_WORDS.has(t.upper)) return null;
  p.next();
  const start = t.span.start;
  switch (t.upper) {
    case 'FROM': {
      const path = p.parsePath();
      const format = p.parseFormatOpt();
      return { kind: 'FromSource', path, format, span: p.span(start) };
    }
    case 'FROM_FIELD': {
      p.expectOp('(');
      const table = p.parseName('a table name', true);
      p.expectOp(',');
      const field = p.parseName('a field name', true);
      p.expectOp(')');
      const format = p.parseFormatOpt();
      return { kind: 'FromFieldSource', table, field, format, span: p.span(start) };
    }
    case 'RESIDENT':
      return { kind: 'ResidentSource', table: p.parseName('a table name', true), span: p.span(start) };
    case 'INLINE': {
      const d = p.peek();
      if (d.kind !== 'bracketed' && d.kind !== 'quoted' && d.kind !== 'string') {
        p.fail('Expected inline data in "[…]" or "\\"…\\""', d);
      }
      p.next();
      const format = p.parseFormatOpt();
      const table = parseInlineTable(d.value, format);
      return {
        kind: 'InlineSource',
        data: d.value,
        format,
        fields: table.fields,
        rows: table.rows,
        span: p.span(start),
      };
    }
    case 'AUTOGENERATE':
      return { kind: 'AutogenerateSource', count: p.expr.parse(), span: p.span(start) };
    default: {
      // EXTENSION: the call is kept raw up to the end of the statement.
      const from = p.s.nextSignificantIndex();
      while (p.peek().kind !== 'eof' && !p.isOp(';')) p.next();
      const to = p.s.lastConsumedIndex;
      if (to < from) p.fail('Expected an extension function call');
      return { kind: 'ExtensionSource', text: joinTokens(p.s.significantBetween(from, to)), span: p.span(start) };
    }
  }
}

function parseOrderBy(p: ParserCore): OrderByItem[] {
  const items: OrderByItem[] = [];
  for (;;) {
    const start = p.peek().span.start;
    const expression = p.expr.parse();
    let direction: 'asc' | 'desc' | null = null;
    if (p.acceptWord('ASC')) direction = 'asc';
    else if (p.acceptWord('DESC')) direction = 'desc';
    items.push({ kind: 'OrderByItem', expression, direction, span: p.span(start) });
    if (!p.acceptOp(',')) return items;
  }
}

/** `LOAD [DISTINCT] fields [source] [clauses] ;` — with no source, the next LOAD/SELECT feeds it. */
function parseLoadQuery(p: ParserCore): LoadQuery {
  const loadTok = p.expectWord('LOAD');
  let distinct = false;
  if (p.isWord('DISTINCT')) {
    const after = p.peek(1);
    if (!isOp(after, ',') && !(after.kind === 'identifier' && SOURCE_WORDS.has(after.upper))) {
      p.next();
      distinct = true;
    }
  }
  const fields = parseFieldList(p);
  let source = parseSource(p);
  let where: Expression | null = null;
  let whileExpr: Expression | null = null;
  let groupBy: Expression[] = [];
  let orderBy: OrderByItem[] = [];
  for (;;) {
    const t = p.peek();
    if (where === null && isWord(t, 'WHERE')) {
      p.next();
      where = p.expr.parse();
    } else if (whileExpr === null && isWord(t, 'WHILE')) {
      p.next();
      whileExpr = p.expr.parse();
    } else if (groupBy.length === 0 && isWord(t, 'GROUP') && p.isWord('BY', 1)) {
      p.next();
      p.next();
      groupBy = [];
      for (;;) {
        groupBy.push(p.expr.parse());
        if (!p.acceptOp(',')) break;
      }
    } else if (orderBy.length === 0 && isWord(t, 'ORDER') && p.isWord('BY', 1)) {
      p.next();
      p.next();
      orderBy = parseOrderBy(p);
    } else break;
  }
  if (source === null) {
    const t = p.peek();
    if (!isOp(t, ';')) {
      if (t.kind === 'eof') {
        throw new ParseError(
          'preceding-load-without-source',
          'This LOAD has no source (FROM, RESIDENT, INLINE, AUTOGENERATE …) and no LOAD or SELECT follows it.',
          { start: loadTok.span.start, end: p.s.lastEnd() },
        );
      }
      p.fail('Expected a source (FROM, RESIDENT, INLINE, AUTOGENERATE …), a clause or ";"', t);
    }
    const endIndex = p.s.lastConsumedIndex;
    p.next();
    const n = p.peek();
    if (!startsQuery(n)) {
      throw new ParseError(
        'preceding-load-without-source',
        'This LOAD has no source (FROM, RESIDENT, INLINE, AUTOGENERATE …) and no LOAD or SELECT follows it.',
        { start: loadTok.span.start, end: p.s.lastEnd() },
        endIndex,
      );
    }
    const query = parseQuery(p);
    source = { kind: 'PrecedingSource', query, span: query.span };
  }
  const end = source.kind === 'PrecedingSource' ? source.span.end : p.s.lastEnd();
  if (source.kind !== 'PrecedingSource') p.expectStatementEnd();
  return {
    kind: 'Load',
    distinct,
    fields,
    source,
    where,
    while: whileExpr,
    groupBy,
    orderBy,
    span: { start: loadTok.span.start, end },
  };
}
