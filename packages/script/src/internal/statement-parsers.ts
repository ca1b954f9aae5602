import type {
  AliasStatement,
  BinaryStatement,
  CallStatement,
  CommentStatement,
  ConnectStatement,
  DeclareField,
  DeclareParameter,
  DeclareStatement,
  DeriveStatement,
  DirectoryStatement,
  DropStatement,
  ExitStatement,
  ExpansionStatement,
  Expression,
  IncludeStatement,
  LetStatement,
  QualifyStatement,
  RenamePair,
  RenameStatement,
  SectionStatement,
  SetStatement,
  SleepStatement,
  StoreStatement,
  TagStatement,
  TraceStatement,
  UnqualifyStatement,
} from '../ast.js';
import { printExpression } from '../print-expression.js';
import { dollarParts, unquotePath } from './dollar.js';
import { expandWith } from './expansion.js';
import { dollarNode, isNameToken, isOp } from './expression-parser.js';
import { parseFieldList } from './load-parser.js';
import type { ParserCore } from './parser-core.js';
import { Scanner } from './scanner.js';

const ignore = (): void => {};

/** What SET stores: the content of a single quoted value, else the text itself. */
function setValueOf(raw: string): string {
  const scanner = new Scanner(raw, ignore);
  const t = scanner.scan();
  if ((t.kind === 'string' || t.kind === 'quoted' || t.kind === 'bracketed') && scanner.scan().kind === 'eof') {
    return t.value;
  }
  return raw;
}

/** Evaluates constant LET right-hand sides (literals, `&`, arithmetic); undefined otherwise. */
function evaluateStatic(
  e: Expression,
  evaluate: ((expression: string) => string | undefined) | undefined,
): string | undefined {
  const fold = (x: Expression): string | undefined => {
    switch (x.kind) {
      case 'StringLiteral':
        return x.value;
      case 'NumberLiteral':
        return x.raw;
      case 'UnaryExpression': {
        const v = fold(x.operand);
        if (v === undefined || x.operator !== '-') return undefined;
        const n = Number(v);
        return v.trim() !== '' && Number.isFinite(n) ? String(-n) : undefined;
      }
      case 'BinaryExpression': {
        const l = fold(x.left);
        const r = fold(x.right);
        if (l === undefined || r === undefined) return undefined;
        if (x.operator === '&') return l + r;
        const a = Number(l);
        const b = Number(r);
        if (l.trim() === '' || r.trim() === '' || !Number.isFinite(a) || !Number.isFinite(b)) return undefined;
        switch (x.operator) {
          case '+':
            return String(a + b);
          case '-':
            return String(a - b);
          case '*':
            return String(a * b);
          case '/':
            return b === 0 ? undefined : String(a / b);
          default:
            return undefined;
        }
      }
      default:
        return undefined;
    }
  };
  const folded = fold(e);
  if (folded !== undefined) return folded;
  return evaluate ? evaluate(printExpression(e)) : undefined;
}

export function parseSet(p: ParserCore): SetStatement {
  const start = p.next().span.start;
  const name = p.parseName('a variable name');
  p.expectOp('=');
  const from = p.s.nextSignificantIndex();
  while (p.peek().kind !== 'eof' && !p.isOp(';')) p.next();
  const to = p.s.lastConsumedIndex;
  const raw = to >= from ? p.s.textBetween(from, to).trim() : '';
  const value = setValueOf(raw);
  const tracking = p.tracking;
  // Update before the `;` is consumed: the next statement is lexed with the new value.
  if (tracking?.trackAssignments) tracking.variables.set(name, value);
  p.expectStatementEnd();
  return { kind: 'Set', name, raw, value, span: p.span(start) };
}

export function parseLet(p: ParserCore, implicit: boolean): LetStatement {
  const start = p.peek().span.start;
  if (!implicit) p.next();
  const name = p.parseName('a variable name');
  p.expectOp('=');
  const t = p.peek();
  const expression =
    isOp(t, ';') || t.kind === 'eof' || (implicit && t.newlineBefore)
      ? null
      : p.expr.parse({ stopAtNewline: implicit });
  const tracking = p.tracking;
  if (tracking?.trackAssignments) {
    const value = expression ? evaluateStatic(expression, tracking.evaluate) : '';
    if (value === undefined) tracking.variables.delete(name);
    else tracking.variables.set(name, value);
  }
  if (implicit) p.endControl();
  else p.expectStatementEnd();
  return { kind: 'Let', name, expression, span: p.span(start) };
}

export function parseConnect(p: ParserCore): ConnectStatement {
  const first = p.next();
  const providers: Record<string, ConnectStatement['provider']> = {
    LIB: 'lib',
    ODBC: 'odbc',
    OLEDB: 'oledb',
    CUSTOM: 'custom',
  };
  const provider = providers[first.upper] ?? null;
  const word = provider === null ? first.upper : p.expectOneOf(['CONNECT', 'CONNECT32', 'CONNECT64'], 'CONNECT');
  const bitness = word === 'CONNECT32' ? '32' : word === 'CONNECT64' ? '64' : null;
  p.expectWord('TO');
  const target = p.parsePath('a connection name');
  const options = p.isOp('(') ? p.parseParenthesizedRaw() : null;
  p.expectStatementEnd();
  return { kind: 'Connect', provider, bitness, target, options, span: p.span(first.span.start) };
}

export function parseStore(p: ParserCore): StoreStatement {
  const start = p.next().span.start;
  let fields: StoreStatement['fields'] = null;
  let table: string;
  const first = p.peek();
  if ((isNameToken(first) || first.kind === 'string') && p.isWord('INTO', 1)) table = p.parseName('a table name', true);
  else {
    fields = parseFieldList(p);
    p.expectWord('FROM');
    table = p.parseName('a table name', true);
  }
  p.expectWord('INTO');
  const path = p.parsePath();
  const format = p.parseFormatOpt();
  p.expectStatementEnd();
  return { kind: 'Store', fields, table, path, format, span: p.span(start) };
}

function tableOrField(p: ParserCore): 'table' | 'field' {
  const w = p.expectOneOf(['TABLE', 'TABLES', 'FIELD', 'FIELDS'], 'TABLE(S) or FIELD(S)');
  return w.startsWith('TABLE') ? 'table' : 'field';
}

export function parseDrop(p: ParserCore): DropStatement {
  const start = p.next().span.start;
  const target = tableOrField(p);
  const names = p.parseNameList(`a ${target} name`, true);
  let from: string[] = [];
  if (target === 'field' && p.acceptWord('FROM')) from = p.parseNameList('a table name', true);
  p.expectStatementEnd();
  return { kind: 'Drop', target, names, from, span: p.span(start) };
}

function parsePairs(p: ParserCore, separator: 'TO' | 'AS'): RenamePair[] {
  const pairs: RenamePair[] = [];
  for (;;) {
    const s = p.peek().span.start;
    const from = p.parseName('a name', true);
    p.expectWord(separator);
    const to = p.parseName('a new name', true);
    pairs.push({ kind: 'RenamePair', from, to, span: p.span(s) });
    if (!p.acceptOp(',')) return pairs;
  }
}

export function parseRename(p: ParserCore): RenameStatement {
  const start = p.next().span.start;
  const target = tableOrField(p);
  let using: string | null = null;
  let pairs: RenamePair[] = [];
  if (p.acceptWord('USING')) using = p.parseName('a mapping table name', true);
  else pairs = parsePairs(p, 'TO');
  p.expectStatementEnd();
  return { kind: 'Rename', target, pairs, using, span: p.span(start) };
}

export function parseAlias(p: ParserCore): AliasStatement {
  const start = p.next().span.start;
  const pairs = parsePairs(p, 'AS');
  p.expectStatementEnd();
  return { kind: 'Alias', pairs, span: p.span(start) };
}

/** QUALIFY / UNQUALIFY items: names, `*`, or wildcard patterns such as `*ID` or `'Key*'`. */
function parsePatterns(p: ParserCore): string[] {
  const items: string[] = [];
  for (;;) {
    const t = p.peek();
    if (t.kind === 'string' || t.kind === 'quoted' || t.kind === 'bracketed' || t.kind === 'backtick') {
      p.next();
      items.push(t.value);
    } else if (t.kind === 'eof' || isOp(t, ';') || isOp(t, ',')) p.fail('Expected a field name or pattern', t);
    else items.push(p.parseAdjacentText([';', ',']));
    if (!p.acceptOp(',')) return items;
  }
}

export function parseQualify(p: ParserCore): QualifyStatement | UnqualifyStatement {
  const t = p.next();
  const fields = parsePatterns(p);
  p.expectStatementEnd();
  return t.upper === 'QUALIFY'
    ? { kind: 'Qualify', fields, span: p.span(t.span.start) }
    : { kind: 'Unqualify', fields, span: p.span(t.span.start) };
}

function quotedText(p: ParserCore, what: string): string {
  const t = p.peek();
  if (t.kind === 'string' || t.kind === 'quoted' || t.kind === 'bracketed' || t.kind === 'backtick') {
    p.next();
    return t.value;
  }
  if (t.kind === 'dollar') {
    p.next();
    return `$(${t.value})`;
  }
  return p.fail(`Expected ${what}`, t);
}

export function parseCommentStatement(p: ParserCore): CommentStatement {
  const start = p.next().span.start;
  let target: 'table' | 'field' = 'field';
  const w = p.peek();
  if (w.kind === 'identifier' && ['TABLE', 'TABLES', 'FIELD', 'FIELDS'].includes(w.upper)) target = tableOrField(p);
  let names: string[] = [];
  let comment: string | null = null;
  let using: string | null = null;
  if (p.acceptWord('USING')) using = p.parseName('a mapping table name', true);
  else {
    names = p.parseNameList(`a ${target} name`);
    p.expectWord('WITH');
    comment = quotedText(p, 'the comment text');
  }
  p.expectStatementEnd();
  return { kind: 'CommentStatement', target, names, comment, using, span: p.span(start) };
}

export function parseTag(p: ParserCore): TagStatement {
  const t = p.next();
  if (p.isWord('FIELD') || p.isWord('FIELDS')) p.next();
  let names: string[] = [];
  let tags: string[] = [];
  let using: string | null = null;
  if (p.acceptWord('USING')) using = p.parseName('a mapping table name', true);
  else {
    names = p.parseNameList('a field name');
    p.expectWord('WITH');
    tags = [quotedText(p, 'a tag')];
    while (p.acceptOp(',')) tags.push(quotedText(p, 'a tag'));
  }
  p.expectStatementEnd();
  return { kind: 'Tag', untag: t.upper === 'UNTAG', names, tags, using, span: p.span(t.span.start) };
}

/** `TAGGED ('t1', 't2')` or `TAGGED 't1', 't2'` (the parentheses are optional), when present. */
function parseTagged(p: ParserCore): string[] {
  if (!p.acceptWord('TAGGED')) return [];
  return parseTagList(p);
}

/** `('t1', …)` or `'t1', …`. */
function parseTagList(p: ParserCore): string[] {
  const parenthesized = p.acceptOp('(') !== null;
  const tags = [quotedText(p, 'a tag')];
  while (p.acceptOp(',')) tags.push(quotedText(p, 'a tag'));
  if (parenthesized) p.expectOp(')');
  return tags;
}

/** `name = value, …` of PARAMETERS / WITH. */
function parseParameters(p: ParserCore): DeclareParameter[] {
  const parameters: DeclareParameter[] = [];
  for (;;) {
    const start = p.peek().span.start;
    const name = p.parseName('a parameter name');
    p.expectOp('=');
    const value = p.expr.parse();
    parameters.push({ kind: 'DeclareParameter', name, value, span: p.span(start) });
    if (!p.acceptOp(',')) return parameters;
  }
}

/**
 * `DECLARE [FIELD[S]] DEFINITION …` (see {@link DeclareStatement}); the current token is DECLARE,
 * `label` the definition's name written before it (`[autoCalendar]:`).
 */
export function parseDeclare(p: ParserCore, label: string | null, start = p.peek().span.start): DeclareStatement {
  p.expectWord('DECLARE');
  if (!p.acceptWord('FIELD')) p.acceptWord('FIELDS');
  p.expectWord('DEFINITION');
  let tags: string[] = [];
  let parameters: DeclareParameter[] = [];
  const fields: DeclareField[] = [];
  let using: string | null = null;
  if (p.acceptWord('USING')) {
    using = p.parseName('a field definition name');
    if (p.acceptWord('WITH')) parameters = parseParameters(p);
  } else {
    tags = parseTagged(p);
    if (p.acceptWord('PARAMETERS')) parameters = parseParameters(p);
    p.expectWord('FIELDS');
    for (;;) {
      const fieldStart = p.peek().span.start;
      const expression = p.expr.parse();
      p.expectWord('AS');
      const name = p.parseName('a field name', true);
      const fieldTags = parseTagged(p);
      fields.push({ kind: 'DeclareField', expression, name, tags: fieldTags, span: p.span(fieldStart) });
      if (!p.acceptOp(',')) break;
    }
  }
  p.expectStatementEnd();
  return { kind: 'Declare', name: label, tags, parameters, fields, using, span: p.span(start) };
}

/** `DERIVE [FIELD[S]] FROM …  USING definition` (see {@link DeriveStatement}). */
export function parseDerive(p: ParserCore): DeriveStatement {
  const start = p.next().span.start;
  if (!p.acceptWord('FIELD')) p.acceptWord('FIELDS');
  p.expectWord('FROM');
  let from: DeriveStatement['from'] = 'fields';
  let fields: string[] = [];
  let tags: string[] = [];
  if (p.acceptWord('EXPLICIT')) {
    from = 'explicit-tags';
    if (!p.acceptWord('TAG')) p.acceptWord('TAGS');
    tags = parseTagList(p);
  } else if (p.acceptWord('IMPLICIT')) {
    from = 'implicit-tags';
    if (!p.acceptWord('TAG')) p.acceptWord('TAGS');
  } else {
    if (!p.acceptWord('FIELD')) p.acceptWord('FIELDS');
    fields = p.parseNameList('a field name');
  }
  p.expectWord('USING');
  const definition = p.parseName('a field definition name');
  p.expectStatementEnd();
  return { kind: 'Derive', from, fields, tags, definition, span: p.span(start) };
}

export function parseBinary(p: ParserCore): BinaryStatement {
  const start = p.next().span.start;
  const path = p.parsePath('the path of an app');
  p.expectStatementEnd();
  return { kind: 'Binary', path, span: p.span(start) };
}

/** TRACE takes everything up to the first `;` verbatim (expanded when variables are tracked). */
export function parseTrace(p: ParserCore): TraceStatement {
  const traceTok = p.next();
  const start = traceTok.span.start;
  const raw = p.s.readRawUntilSemicolon();
  p.dropLexicalDiagnostics(traceTok.span.end.offset, raw.span.end.offset + 1);
  let text = raw.text.trim();
  const tracking = p.tracking;
  if (tracking && text.includes('$(')) {
    const variables = tracking.variables;
    text = expandWith(text, {
      lookup: (n) => variables.get(n),
      keepUnknown: true,
      evaluate: tracking.evaluate,
      maxDepth: 32,
      budget: { left: 10_000 },
    });
  }
  if (!raw.terminated) {
    p.report('missing-semicolon', 'warning', 'The statement has no terminating ";".', {
      start: raw.span.end,
      end: raw.span.end,
    });
  }
  return { kind: 'Trace', text, span: { start, end: raw.span.end } };
}

export function parseSleep(p: ParserCore): SleepStatement {
  const start = p.next().span.start;
  const duration = p.expr.parse();
  p.expectStatementEnd();
  return { kind: 'Sleep', duration, span: p.span(start) };
}

export function parseSection(p: ParserCore): SectionStatement {
  const start = p.next().span.start;
  const w = p.expectOneOf(['ACCESS', 'APPLICATION'], 'ACCESS or APPLICATION');
  p.expectStatementEnd();
  return { kind: 'Section', section: w === 'ACCESS' ? 'access' : 'application', span: p.span(start) };
}

export function parseDirectory(p: ParserCore): DirectoryStatement {
  const start = p.next().span.start;
  const t = p.peek();
  const path = isOp(t, ';') || t.kind === 'eof' ? null : p.parsePath('a directory');
  p.expectStatementEnd();
  return { kind: 'Directory', path, span: p.span(start) };
}

export function parseExit(p: ParserCore): ExitStatement {
  const start = p.next().span.start;
  const w = p.expectOneOf(['SCRIPT', 'DO', 'FOR', 'SUB'], 'SCRIPT, DO, FOR or SUB');
  const target = w.toLowerCase() as ExitStatement['target'];
  let condition: ExitStatement['condition'] = null;
  const c = p.peek();
  if ((p.isWord('WHEN') || p.isWord('UNLESS')) && !c.newlineBefore) {
    p.next();
    const expression = p.expr.parse({ stopAtNewline: true });
    condition = {
      kind: 'ExitCondition',
      type: c.upper === 'WHEN' ? 'when' : 'unless',
      expression,
      span: p.span(c.span.start),
    };
  }
  p.endControl();
  return { kind: 'Exit', target, condition, span: p.span(start) };
}

export function parseCall(p: ParserCore): CallStatement {
  const start = p.next().span.start;
  const name = p.parseName('a subroutine name');
  const args: Expression[] = [];
  if (p.isOp('(') && !p.peek().newlineBefore) {
    p.next();
    if (!p.isOp(')')) {
      for (;;) {
        args.push(p.expr.parse());
        if (!p.acceptOp(',')) break;
      }
    }
    p.expectOp(')');
  }
  p.endControl();
  return { kind: 'Call', name, args, span: p.span(start) };
}

/** `$(Include=path)` / `$(Must_Include=path)`, with an optional `;`. */
export function parseInclude(p: ParserCore): IncludeStatement {
  const t = p.next();
  const parts = dollarParts(t.value);
  let path = unquotePath(parts.args[0] ?? '');
  const tracking = p.tracking;
  if (tracking && path.includes('$(')) {
    const variables = tracking.variables;
    path = expandWith(path, {
      lookup: (n) => variables.get(n),
      keepUnknown: true,
      evaluate: tracking.evaluate,
      maxDepth: 32,
      budget: { left: 10_000 },
    });
  }
  p.acceptOp(';');
  return { kind: 'Include', path, must: parts.name === 'Must_Include', span: p.span(t.span.start) };
}

/** A `$(…)` standing alone as a statement. */
export function parseExpansionStatement(p: ParserCore): ExpansionStatement {
  const t = p.next();
  p.expectStatementEnd();
  return { kind: 'Expansion', expansion: dollarNode(t), span: p.span(t.span.start) };
}
