import type {
  Comment,
  ControlClause,
  DoLoopStatement,
  ForEachStatement,
  ForStatement,
  IfBranch,
  IfStatement,
  LoopCondition,
  Position,
  RawStatement,
  Script,
  Statement,
  SubStatement,
  SwitchCase,
  SwitchStatement,
  Tab,
} from '../ast.js';
import { ACCEPTS, type BlockKind, CLOSERS, MAX_BLOCK_DEPTH, type Terminator, terminatorOf } from './blocks.js';
import { ClauseHeaders } from './clause-headers.js';
import { dollarParts } from './dollar.js';
import { isNameToken, isOp, isWord } from './expression-parser.js';
import { PREFIX_WORDS, parseLoadStatement } from './load-parser.js';
import { ParseError } from './parse-error.js';
import { ParserCore, type VariableTracking } from './parser-core.js';
import type { LexToken } from './scanner.js';
import {
  parseAlias,
  parseBinary,
  parseCall,
  parseCommentStatement,
  parseConnect,
  parseDeclare,
  parseDerive,
  parseDirectory,
  parseDrop,
  parseExit,
  parseExpansionStatement,
  parseInclude,
  parseLet,
  parseQualify,
  parseRename,
  parseSection,
  parseSet,
  parseSleep,
  parseStore,
  parseTag,
  parseTrace,
} from './statement-parsers.js';

/** Statements that end at the end of their line (control statements), for error recovery. */
const LINE_STATEMENTS = new Set(['IF', 'FOR', 'DO', 'SUB', 'SWITCH', 'EXIT', 'CALL']);

/** Parses a whole script into statements, recovering from errors statement by statement. */
export class ScriptParser {
  private readonly p: ParserCore;
  private readonly blocks: BlockKind[] = [];
  /** The clause headers (IF cond THEN, FOR …, FOR EACH …, SUB …, WHILE/UNTIL), shared with parseClause. */
  private readonly h: ClauseHeaders;

  constructor(text: string, tracking: VariableTracking | null) {
    this.p = new ParserCore(text, tracking);
    this.h = new ClauseHeaders(this.p);
  }

  get diagnostics(): ParserCore['diagnostics'] {
    return this.p.diagnostics;
  }

  parseScript(): Script {
    const start: Position = { line: 1, column: 1, offset: 0 };
    const { body, terminator } = this.parseStatements(null);
    if (terminator !== null) throw new Error(`unexpected terminator ${terminator} at top level`);
    const end = this.p.peek().span.end;
    return { kind: 'Script', body, span: { start, end } };
  }

  // ── Statement lists and block terminators ───────────────────────────────────────────────────

  private terminatorAt(): Terminator | null {
    return terminatorOf(this.p.peek(), this.p.peek(1));
  }

  /** Consumes END IF / ENDIF / END SUB / END SWITCH (the words only). */
  private consumeEnd(): void {
    const t = this.p.next();
    if (t.upper === 'END') this.p.next();
  }

  /**
   * Parses statements until EOF or a block terminator that this or an enclosing block accepts (not
   * consumed). Stray terminators become RawStatements with a diagnostic.
   */
  private parseStatements(block: BlockKind | null): { body: Statement[]; terminator: Terminator | null } {
    const body: Statement[] = [];
    const s = this.p.s;
    for (;;) {
      const raw = s.peekRaw();
      if (raw.kind === 'comment') {
        s.nextRaw();
        body.push(commentNode(raw));
        continue;
      }
      const t = this.p.peek();
      if (t.kind === 'eof') return { body, terminator: null };
      if (isOp(t, ';')) {
        this.p.next();
        continue;
      }
      const term = this.terminatorAt();
      if (term !== null) {
        if (block !== null && ACCEPTS[block].has(term)) return { body, terminator: term };
        if (this.blocks.some((b) => ACCEPTS[b].has(term))) return { body, terminator: term };
        body.push(this.strayTerminator());
        continue;
      }
      const before = s.lastConsumedIndex;
      body.push(this.parseStatementSafely());
      if (s.lastConsumedIndex === before && s.peek().kind !== 'eof') s.next();
    }
  }

  private strayTerminator(): RawStatement {
    const s = this.p.s;
    const from = s.nextSignificantIndex();
    const first = this.p.next();
    for (;;) {
      const t = this.p.peek();
      if (t.kind === 'eof' || t.newlineBefore || isOp(t, ';')) break;
      this.p.next();
    }
    const to = s.lastConsumedIndex;
    const span = s.spanBetween(from, to);
    this.p.acceptOp(';');
    this.p.report('unmatched-block-end', 'error', `"${first.text}" has no matching block.`, span);
    return { kind: 'RawStatement', text: s.textBetween(from, to), keyword: first.upper || null, span };
  }

  /** Parses one statement; any error turns it into a RawStatement reaching to its `;` (or line end). */
  private parseStatementSafely(): Statement {
    const s = this.p.s;
    const from = s.nextSignificantIndex();
    const first = this.p.peek();
    const lineMode =
      (first.kind === 'identifier' && (LINE_STATEMENTS.has(first.upper) || isOp(this.p.peek(1), '='))) || false;
    try {
      return this.parseStatement();
    } catch (e) {
      let endIndex: number;
      if (e instanceof ParseError) {
        this.p.report(e.code, 'error', e.message, e.span);
      } else {
        const message = e instanceof Error ? e.message : String(e);
        this.p.report('internal-error', 'error', `Internal parser error: ${message}`, first.span);
      }
      if (e instanceof ParseError && e.semicolonIndex !== null) endIndex = e.semicolonIndex;
      else {
        this.skipRest(from, lineMode);
        endIndex = s.lastConsumedIndex;
        this.p.acceptOp(';');
      }
      const text = endIndex >= from ? s.textBetween(from, endIndex) : '';
      const span = endIndex >= from ? s.spanBetween(from, endIndex) : first.span;
      return { kind: 'RawStatement', text, keyword: first.kind === 'identifier' ? first.upper : null, span };
    }
  }

  /** Skips to the statement's `;` (not consumed), stopping early at block ends that start a line. */
  private skipRest(from: number, lineMode: boolean): void {
    const s = this.p.s;
    for (;;) {
      const t = this.p.peek();
      if (t.kind === 'eof' || isOp(t, ';')) return;
      if (t.newlineBefore && s.lastConsumedIndex >= from) {
        if (lineMode) return;
        const term = this.terminatorAt();
        if (term !== null && this.blocks.some((b) => ACCEPTS[b].has(term))) return;
      }
      this.p.next();
    }
  }

  private unknownStatement(): RawStatement {
    const s = this.p.s;
    const from = s.nextSignificantIndex();
    const first = this.p.peek();
    this.skipRest(from, false);
    const to = Math.max(s.lastConsumedIndex, from);
    if (s.lastConsumedIndex < from) this.p.next();
    const span = s.spanBetween(from, to);
    const text = s.textBetween(from, to);
    this.p.acceptOp(';');
    const keyword = first.kind === 'identifier' ? first.upper : null;
    this.p.report(
      'unknown-statement',
      'warning',
      keyword
        ? `Statement "${first.text}" is not modelled; kept as raw text.`
        : 'Unrecognised statement; kept as raw text.',
      span,
    );
    return { kind: 'RawStatement', text, keyword, span };
  }

  private parseStatement(): Statement {
    const p = this.p;
    const t = p.peek();
    const t1 = p.peek(1);
    if (t.kind === 'identifier' && !isOp(t1, ':')) {
      switch (t.upper) {
        case 'REM':
          return this.parseRem();
        case 'TRACE':
          return parseTrace(p);
        case 'SET':
          return parseSet(p);
        case 'LET':
          return parseLet(p, false);
        case 'LOAD':
        case 'SELECT':
        case 'SQL':
          return parseLoadStatement(p);
        case 'LIB':
        case 'ODBC':
        case 'OLEDB':
        case 'CUSTOM':
          if (isWord(t1, 'CONNECT') || isWord(t1, 'CONNECT32') || isWord(t1, 'CONNECT64')) return parseConnect(p);
          break;
        case 'CONNECT':
        case 'CONNECT32':
        case 'CONNECT64':
          if (isWord(t1, 'TO')) return parseConnect(p);
          break;
        case 'DISCONNECT': {
          p.next();
          p.expectStatementEnd();
          return { kind: 'Disconnect', span: p.span(t.span.start) };
        }
        case 'STORE':
          return parseStore(p);
        case 'DROP':
          return parseDrop(p);
        case 'RENAME':
          return parseRename(p);
        case 'ALIAS':
          return parseAlias(p);
        case 'QUALIFY':
        case 'UNQUALIFY':
          return parseQualify(p);
        case 'COMMENT':
          return parseCommentStatement(p);
        case 'TAG':
        case 'UNTAG':
          return parseTag(p);
        case 'DECLARE':
          return parseDeclare(p, null);
        case 'DERIVE':
          return parseDerive(p);
        case 'BINARY':
          return parseBinary(p);
        case 'SLEEP':
          return parseSleep(p);
        case 'SECTION':
          return parseSection(p);
        case 'DIRECTORY':
          return parseDirectory(p);
        case 'EXIT':
          return parseExit(p);
        case 'CALL':
          return parseCall(p);
        case 'SUB':
          return this.parseSub();
        case 'IF':
          return this.parseIf();
        case 'FOR':
          return this.parseFor();
        case 'DO':
          return this.parseDo();
        case 'SWITCH':
          return this.parseSwitch();
        default:
          break;
      }
      if (PREFIX_WORDS.has(t.upper)) return parseLoadStatement(p);
      if (isOp(t1, '=')) return parseLet(p, true);
    }
    if (isNameToken(t) && isOp(t1, ':') && isWord(p.peek(2), 'DECLARE')) {
      // A field definition is named by a label, as a table is: `[autoCalendar]: DECLARE …`.
      p.next();
      p.next();
      return parseDeclare(p, t.kind === 'dollar' ? `$(${t.value})` : t.value, t.span.start);
    }
    // Labels may also be written as '…' (Qlik accepts single quotes for table names).
    if ((isNameToken(t) || t.kind === 'string') && isOp(t1, ':')) return parseLoadStatement(p);
    if (t.kind === 'dollar') {
      if (dollarParts(t.value).form === 'include') return parseInclude(p);
      if (isOp(t1, ';') || t1.kind === 'eof') return parseExpansionStatement(p);
      if (isOp(t1, '=')) return parseLet(p, true);
      return parseLoadStatement(p);
    }
    return this.unknownStatement();
  }

  private parseRem(): Comment {
    const remTok = this.p.next();
    const start = remTok.span.start;
    const raw = this.p.s.readRawUntilSemicolon();
    this.p.dropLexicalDiagnostics(remTok.span.end.offset, raw.span.end.offset + 1);
    if (!raw.terminated) {
      this.p.report('missing-semicolon', 'warning', 'REM comment has no terminating ";".', {
        start: raw.span.end,
        end: raw.span.end,
      });
    }
    return { kind: 'Comment', style: 'rem', text: raw.text.trim(), span: { start, end: raw.span.end } };
  }

  // ── Control statements ──────────────────────────────────────────────────────────────────────

  private enterBlock(kind: BlockKind, t: LexToken): void {
    if (this.blocks.length >= MAX_BLOCK_DEPTH) {
      throw new ParseError('nesting-too-deep', 'Control statements are nested too deeply.', t.span);
    }
    this.blocks.push(kind);
  }

  private unclosed(kind: BlockKind, opener: LexToken): void {
    this.p.report('unclosed-block', 'error', `${opener.text} has no matching ${CLOSERS[kind]}.`, opener.span);
  }

  /**
   * Parses the whole text as one control clause (the opening line of a block, or LOOP / ELSEIF /
   * CASE): the node it opens, with an empty body. Null, with a diagnostic, when it is not one.
   */
  parseClause(): ControlClause | null {
    const p = this.p;
    try {
      const clause = this.clause(p.peek());
      p.endControl();
      if (p.peek().kind !== 'eof') p.fail('Expected the end of the control statement');
      return clause;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      p.report(e.code, 'error', e.message, e.span);
      return null;
    }
  }

  private clause(t: LexToken): ControlClause {
    const p = this.p;
    const word = t.kind === 'identifier' ? t.upper : '';
    const start = t.span.start;
    if (word === 'IF' || word === 'ELSEIF') {
      p.next();
      const condition = this.h.ifCondition();
      return { kind: 'IfBranch', condition, body: [], span: p.span(start) };
    }
    if (word === 'FOR') {
      p.next();
      if (this.h.sameLineWord('EACH')) {
        p.next();
        return { kind: 'ForEach', ...this.h.forEachHeader(), body: [], span: p.span(start) };
      }
      return { kind: 'For', ...this.h.forHeader(), body: [], span: p.span(start) };
    }
    if (word === 'DO' || word === 'LOOP') {
      p.next();
      const condition = this.h.loopCondition();
      return word === 'DO'
        ? { kind: 'DoLoop', condition, loopCondition: null, body: [], span: p.span(start) }
        : { kind: 'DoLoop', condition: null, loopCondition: condition, body: [], span: p.span(start) };
    }
    if (word === 'SWITCH') {
      p.next();
      const expression = p.expr.parse({ stopAtNewline: true });
      return { kind: 'Switch', expression, cases: [], defaultBody: null, span: p.span(start) };
    }
    if (word === 'CASE') {
      p.next();
      return { kind: 'SwitchCase', values: this.h.headerExpressionList(), body: [], span: p.span(start) };
    }
    if (word === 'SUB') {
      p.next();
      return { kind: 'Sub', ...this.h.subHeader(), body: [], span: p.span(start) };
    }
    return p.fail('Expected IF, ELSEIF, FOR, DO, LOOP, SWITCH, CASE or SUB');
  }

  private parseIf(): IfStatement {
    const p = this.p;
    const ifTok = p.next();
    this.enterBlock('if', ifTok);
    try {
      const branches: IfBranch[] = [];
      let elseBody: Statement[] | null = null;
      let branchStart = ifTok.span.start;
      let condition = this.h.header(
        () => this.h.ifCondition(),
        (invalid) => invalid,
      );
      let result = this.parseStatements('if');
      branches.push({ kind: 'IfBranch', condition, body: result.body, span: p.span(branchStart) });
      for (;;) {
        const term = result.terminator;
        if (term === 'elseif' && elseBody === null) {
          const tok = p.next();
          branchStart = tok.span.start;
          condition = this.h.header(
            () => this.h.ifCondition(),
            (invalid) => invalid,
          );
          result = this.parseStatements('if');
          branches.push({ kind: 'IfBranch', condition, body: result.body, span: p.span(branchStart) });
          continue;
        }
        if (term === 'else' || term === 'elseif') {
          const tok = p.next();
          if (elseBody !== null) {
            p.report('unexpected-token', 'error', `"${tok.text}" after ELSE in the same IF.`, tok.span);
            if (term === 'elseif') {
              this.h.header(
                () => this.h.ifCondition(),
                () => undefined,
              );
            } else p.endControl();
          } else p.endControl();
          result = this.parseStatements('if');
          elseBody = [...(elseBody ?? []), ...result.body];
          continue;
        }
        if (term === 'endif') {
          this.consumeEnd();
          p.endControl();
        } else this.unclosed('if', ifTok);
        break;
      }
      return { kind: 'If', branches, elseBody, span: p.span(ifTok.span.start) };
    } finally {
      this.blocks.pop();
    }
  }

  /** NEXT [variable] */
  private consumeNext(): void {
    const p = this.p;
    p.next();
    const t = p.peek();
    if (isNameToken(t) && !t.newlineBefore) p.next();
    p.endControl();
  }

  private parseFor(): ForStatement | ForEachStatement {
    const p = this.p;
    const forTok = p.next();
    this.enterBlock('for', forTok);
    try {
      if (this.h.sameLineWord('EACH')) {
        p.next();
        const h = this.h.header(
          () => this.h.forEachHeader(),
          (invalid) => ({ variable: '', values: [invalid] }),
        );
        const { body, terminator } = this.parseStatements('for');
        if (terminator === 'next') this.consumeNext();
        else this.unclosed('for', forTok);
        return { kind: 'ForEach', variable: h.variable, values: h.values, body, span: p.span(forTok.span.start) };
      }
      const h = this.h.header(
        () => this.h.forHeader(),
        (invalid) => ({ variable: '', from: invalid, to: invalid, step: null }),
      );
      const { body, terminator } = this.parseStatements('for');
      if (terminator === 'next') this.consumeNext();
      else this.unclosed('for', forTok);
      return { kind: 'For', ...h, body, span: p.span(forTok.span.start) };
    } finally {
      this.blocks.pop();
    }
  }

  private parseDo(): DoLoopStatement {
    const p = this.p;
    const doTok = p.next();
    this.enterBlock('do', doTok);
    try {
      const condition = this.h.header(
        () => this.h.loopCondition(),
        (invalid) => ({ kind: 'LoopCondition', type: 'while', expression: invalid, span: invalid.span }) as const,
      );
      const { body, terminator } = this.parseStatements('do');
      let loopCondition: LoopCondition | null = null;
      if (terminator === 'loop') {
        p.next();
        loopCondition = this.h.header(
          () => this.h.loopCondition(),
          (invalid) => ({ kind: 'LoopCondition', type: 'while', expression: invalid, span: invalid.span }) as const,
        );
      } else this.unclosed('do', doTok);
      return { kind: 'DoLoop', condition, loopCondition, body, span: p.span(doTok.span.start) };
    } finally {
      this.blocks.pop();
    }
  }

  private parseSub(): SubStatement {
    const p = this.p;
    const subTok = p.next();
    this.enterBlock('sub', subTok);
    try {
      const h = this.h.header(
        () => this.h.subHeader(),
        () => ({ name: '', params: [] as string[] }),
      );
      const { body, terminator } = this.parseStatements('sub');
      if (terminator === 'endsub') {
        this.consumeEnd();
        p.endControl();
      } else this.unclosed('sub', subTok);
      return { kind: 'Sub', name: h.name, params: h.params, body, span: p.span(subTok.span.start) };
    } finally {
      this.blocks.pop();
    }
  }

  private parseSwitch(): SwitchStatement {
    const p = this.p;
    const switchTok = p.next();
    this.enterBlock('switch', switchTok);
    try {
      const expression = this.h.header(
        () => p.expr.parse({ stopAtNewline: true }),
        (invalid) => invalid,
      );
      const cases: SwitchCase[] = [];
      let defaultBody: Statement[] | null = null;
      let result = this.parseStatements('switch');
      const stray = result.body.filter((st) => st.kind !== 'Comment' && st.kind !== 'Tab');
      if (stray.length > 0) {
        p.report(
          'unexpected-token',
          'error',
          'Statements between SWITCH and the first CASE are ignored.',
          (stray[0] as Statement).span,
        );
      }
      for (;;) {
        const term = result.terminator;
        if (term === 'case') {
          const caseTok = p.next();
          const values = this.h.header(
            () => this.h.headerExpressionList(),
            (invalid) => [invalid],
          );
          result = this.parseStatements('switch');
          cases.push({ kind: 'SwitchCase', values, body: result.body, span: p.span(caseTok.span.start) });
          continue;
        }
        if (term === 'default') {
          p.next();
          p.endControl();
          result = this.parseStatements('switch');
          defaultBody = [...(defaultBody ?? []), ...result.body];
          continue;
        }
        if (term === 'endswitch') {
          this.consumeEnd();
          p.endControl();
        } else this.unclosed('switch', switchTok);
        break;
      }
      return { kind: 'Switch', expression, cases, defaultBody, span: p.span(switchTok.span.start) };
    } finally {
      this.blocks.pop();
    }
  }
}

/** A comment token between statements: a `///$tab` marker or a Comment node. */
function commentNode(t: LexToken): Tab | Comment {
  if (t.text.startsWith('//')) {
    const m = /^\/\$tab\b(.*)$/i.exec(t.value);
    if (m) return { kind: 'Tab', name: (m[1] ?? '').trim(), span: t.span };
    return { kind: 'Comment', style: 'line', text: t.value, span: t.span };
  }
  return { kind: 'Comment', style: 'block', text: t.value, span: t.span };
}
