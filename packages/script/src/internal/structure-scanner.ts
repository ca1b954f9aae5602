import type { Position, Span } from '../ast.js';
import type { Diagnostic, DiagnosticCode } from '../diagnostic.js';
import type {
  ScanNode,
  ScannedBranch,
  ScannedDo,
  ScannedFor,
  ScannedIf,
  ScannedStatement,
  ScannedSub,
  ScannedSwitch,
  ScannedText,
} from '../scan-node.js';
import { ACCEPTS, type BlockKind, CLOSERS, MAX_BLOCK_DEPTH, type Terminator, terminatorOf } from './blocks.js';
import { isNameToken, isOp, isWord } from './expression-parser.js';
import { PREFIX_WORDS, SOURCE_WORDS, startsQuery } from './load-parser.js';
import { type LexToken, Scanner } from './scanner.js';

const OPENERS: Readonly<Record<string, BlockKind>> = { IF: 'if', FOR: 'for', DO: 'do', SWITCH: 'switch', SUB: 'sub' };

/**
 * Reads a script's control structure from its tokens without parsing statements: the first
 * token(s) of each statement say whether it opens, continues or closes a block, and where it ends
 * (its `;`, or the end of its line for control clauses). Lexical problems inside statements
 * (an unclosed quote …) are left for the statement's own parse.
 */
export class StructureScanner {
  readonly diagnostics: Diagnostic[] = [];
  private readonly text: string;
  private readonly scanner: Scanner;
  /** Significant tokens read ahead (comments are dropped: their line breaks show in `newlineBefore`). */
  private readonly ahead: LexToken[] = [];
  private readonly blocks: BlockKind[] = [];
  /** End of the last consumed token (or raw text). */
  private lastEnd: Position | null = null;

  constructor(text: string) {
    this.text = text;
    this.scanner = new Scanner(text, () => {});
  }

  scan(): ScanNode[] {
    const { body, terminator } = this.block(null);
    if (terminator !== null) throw new Error(`unexpected terminator ${terminator} at top level`);
    return body;
  }

  // ── Tokens ──────────────────────────────────────────────────────────────────────────────────

  private peek(k = 0): LexToken {
    while (this.ahead.length <= k) {
      const t = this.scanner.scan();
      if (t.kind === 'comment') continue;
      this.ahead.push(t);
      if (t.kind === 'eof') break;
    }
    return this.ahead[Math.min(k, this.ahead.length - 1)] as LexToken;
  }

  private next(): LexToken {
    const t = this.peek();
    if (t.kind !== 'eof') {
      this.ahead.shift();
      this.lastEnd = t.span.end;
    }
    return t;
  }

  private acceptSemicolon(): void {
    if (isOp(this.peek(), ';')) this.next();
  }

  /** Text from `start` to the end of the last consumed token. */
  private textFrom(start: Position): ScannedText {
    const end = this.lastEnd && this.lastEnd.offset >= start.offset ? this.lastEnd : start;
    return { text: this.text.slice(start.offset, end.offset), span: { start, end } };
  }

  private spanFrom(start: Position): Span {
    return { start, end: this.lastEnd ?? start };
  }

  private report(code: DiagnosticCode, message: string, span: Span): void {
    this.diagnostics.push({ code, severity: 'error', message, span });
  }

  // ── Statement lists ─────────────────────────────────────────────────────────────────────────

  private terminatorAt(): Terminator | null {
    return terminatorOf(this.peek(), this.peek(1));
  }

  private closesOpenBlock(term: Terminator): boolean {
    return this.blocks.some((b) => ACCEPTS[b].has(term));
  }

  /** Statements up to the end or a terminator this or an enclosing block accepts (not consumed). */
  private block(kind: BlockKind | null): { body: ScanNode[]; terminator: Terminator | null } {
    const body: ScanNode[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return { body, terminator: null };
      if (isOp(t, ';')) {
        this.next();
        continue;
      }
      const term = this.terminatorAt();
      if (term !== null) {
        if ((kind !== null && ACCEPTS[kind].has(term)) || this.closesOpenBlock(term)) return { body, terminator: term };
        this.stray(t);
        continue;
      }
      const node = this.statement(t);
      if (node) body.push(node);
    }
  }

  private statement(t: LexToken): ScanNode | null {
    const t1 = this.peek(1);
    if (t.kind === 'identifier' && !isOp(t1, ':')) {
      if (t.upper === 'REM') {
        this.raw();
        return null;
      }
      if (t.upper === 'TRACE') return { kind: 'Statement', ...this.raw() };
      const opener = OPENERS[t.upper];
      if (opener !== undefined) {
        if (this.blocks.length < MAX_BLOCK_DEPTH) return this.openBlock(opener);
        this.report('nesting-too-deep', 'Control statements are nested too deeply.', t.span);
        return { kind: 'Statement', ...this.lineClause('statement') };
      }
      if (t.upper === 'CALL' || t.upper === 'EXIT' || isOp(t1, '=')) {
        return { kind: 'Statement', ...this.lineClause('statement') };
      }
    }
    if (t.kind === 'dollar' && isOp(t1, '=')) return { kind: 'Statement', ...this.lineClause('statement') };
    return this.leaf(t);
  }

  /**
   * A regular statement: up to and including its `;` — or through the next LOAD/SELECT when it is
   * a preceding LOAD (a LOAD with no source: FROM, RESIDENT, INLINE, … after it at the top level).
   */
  private leaf(first: LexToken): ScannedStatement {
    // Only a statement that can be a LOAD is one (`SET v = LOAD x;` is not).
    const loadable =
      (first.kind === 'identifier' && (first.upper === 'LOAD' || PREFIX_WORDS.has(first.upper))) ||
      first.kind === 'dollar' ||
      ((isNameToken(first) || first.kind === 'string') && isOp(this.peek(1), ':'));
    let depth = 0;
    let load = false;
    let source = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (isOp(t, ';')) {
        this.next();
        if (load && !source && startsQuery(this.peek())) {
          load = false;
          continue;
        }
        break;
      }
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')')) depth = Math.max(0, depth - 1);
      else if (depth === 0 && t.kind === 'identifier') {
        if (t.upper === 'LOAD' && loadable) {
          load = true;
          source = false;
        } else if (load && SOURCE_WORDS.has(t.upper)) source = true;
      }
      // A missing `;` before END IF / NEXT / … of an open block: the statement ends there.
      if (t.newlineBefore) {
        const term = this.terminatorAt();
        if (term !== null && this.closesOpenBlock(term)) break;
      }
      this.next();
    }
    return { kind: 'Statement', ...this.textFrom(first.span.start) };
  }

  /** REM and TRACE: raw text up to and including the first `;`, quotes and all. */
  private raw(): ScannedText {
    const first = this.next();
    this.ahead.length = 0;
    this.scanner.rewind(first.span.end);
    const part = this.scanner.readRawUntilSemicolon();
    const before = part.span.end;
    // The `;` is one character on the same line.
    const end = part.terminated ? { ...before, column: before.column + 1, offset: before.offset + 1 } : before;
    this.lastEnd = end;
    return { text: this.text.slice(first.span.start.offset, end.offset), span: { start: first.span.start, end } };
  }

  /** A clause (or CALL / EXIT / an assignment without LET) up to its `;` or the end of its line. */
  private lineClause(end: 'line' | 'then' | 'statement' = 'line'): ScannedText {
    const first = this.next();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || t.newlineBefore || isOp(t, ';')) break;
      this.next();
      if (end === 'then' && isWord(t, 'THEN')) break;
    }
    // A statement keeps its `;` (as a regular one does); a clause is the clause alone.
    if (end === 'statement') this.acceptSemicolon();
    const clause = this.textFrom(first.span.start);
    this.acceptSemicolon();
    return clause;
  }

  /** A keyword clause (ELSE, END IF, DEFAULT, …): its words and an optional `;`. */
  private keywords(count: number): void {
    for (let i = 0; i < count; i++) this.next();
    this.acceptSemicolon();
  }

  /** END IF / ENDIF, END SUB / ENDSUB, END SWITCH / ENDSWITCH. */
  private end(): void {
    this.keywords(isWord(this.peek(), 'END') ? 2 : 1);
  }

  private stray(t: LexToken): void {
    this.next();
    for (;;) {
      const n = this.peek();
      if (n.kind === 'eof' || n.newlineBefore || isOp(n, ';')) break;
      this.next();
    }
    this.acceptSemicolon();
    this.report('unmatched-block-end', `"${t.text}" has no matching block.`, this.spanFrom(t.span.start));
  }

  private unclosed(kind: BlockKind, opener: LexToken): void {
    this.report('unclosed-block', `${opener.text} has no matching ${CLOSERS[kind]}.`, opener.span);
  }

  // ── Blocks ──────────────────────────────────────────────────────────────────────────────────

  private openBlock(kind: BlockKind): ScanNode {
    const opener = this.peek();
    this.blocks.push(kind);
    try {
      switch (kind) {
        case 'if':
          return this.ifBlock(opener);
        case 'for':
          return this.forBlock(opener);
        case 'do':
          return this.doBlock(opener);
        case 'switch':
          return this.switchBlock(opener);
        case 'sub':
          return this.subBlock(opener);
      }
    } finally {
      this.blocks.pop();
    }
  }

  private ifBlock(opener: LexToken): ScannedIf {
    const branches: ScannedBranch[] = [];
    let elseBody: ScanNode[] | null = null;
    let clause = this.lineClause('then');
    let result = this.block('if');
    branches.push({ clause, body: result.body });
    for (;;) {
      const term = result.terminator;
      if (term === 'elseif' && elseBody === null) {
        clause = this.lineClause('then');
        result = this.block('if');
        branches.push({ clause, body: result.body });
        continue;
      }
      if (term === 'else' || term === 'elseif') {
        const t = this.peek();
        if (elseBody !== null) {
          this.report('unexpected-token', `"${t.text}" after ELSE in the same IF.`, t.span);
          this.lineClause('then');
        } else this.keywords(1);
        result = this.block('if');
        elseBody = [...(elseBody ?? []), ...result.body];
        continue;
      }
      if (term === 'endif') this.end();
      else this.unclosed('if', opener);
      return { kind: 'If', branches, elseBody, span: this.spanFrom(opener.span.start) };
    }
  }

  private forBlock(opener: LexToken): ScannedFor {
    const clause = this.lineClause();
    const { body, terminator } = this.block('for');
    if (terminator === 'next') {
      this.next();
      const t = this.peek();
      if (isNameToken(t) && !t.newlineBefore) this.next();
      this.acceptSemicolon();
    } else this.unclosed('for', opener);
    return { kind: 'For', clause, body, span: this.spanFrom(opener.span.start) };
  }

  private doBlock(opener: LexToken): ScannedDo {
    const clause = this.lineClause();
    const { body, terminator } = this.block('do');
    let loop: ScannedText | null = null;
    if (terminator === 'loop') loop = this.lineClause();
    else this.unclosed('do', opener);
    return { kind: 'Do', clause, body, loop, span: this.spanFrom(opener.span.start) };
  }

  private switchBlock(opener: LexToken): ScannedSwitch {
    const clause = this.lineClause();
    const cases: ScannedBranch[] = [];
    let defaultBody: ScanNode[] | null = null;
    let result = this.block('switch');
    const stray = result.body[0];
    if (stray)
      this.report('unexpected-token', 'Statements between SWITCH and the first CASE are not allowed.', stray.span);
    for (;;) {
      const term = result.terminator;
      if (term === 'case') {
        const caseClause = this.lineClause();
        result = this.block('switch');
        cases.push({ clause: caseClause, body: result.body });
        continue;
      }
      if (term === 'default') {
        this.keywords(1);
        result = this.block('switch');
        defaultBody = [...(defaultBody ?? []), ...result.body];
        continue;
      }
      if (term === 'endswitch') this.end();
      else this.unclosed('switch', opener);
      return { kind: 'Switch', clause, cases, defaultBody, span: this.spanFrom(opener.span.start) };
    }
  }

  private subBlock(opener: LexToken): ScannedSub {
    const clause = this.lineClause();
    const { body, terminator } = this.block('sub');
    if (terminator === 'endsub') this.end();
    else this.unclosed('sub', opener);
    return { kind: 'Sub', clause, body, span: this.spanFrom(opener.span.start) };
  }
}
