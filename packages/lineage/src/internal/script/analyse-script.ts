import {
  type Expression,
  fileFormatOptions,
  findExpansions,
  type LoadStatement,
  parseScript,
  qualifyRule,
  type Statement,
  type StoreStatement,
} from '@qixflow/script';
import type { ScriptStatementAttributes } from '../../generated/lineage-graph.js';
import type { ConnectionRef } from '../datasets/dataset-identity.js';
import { fileDataset } from '../datasets/dataset-identity.js';
import { CONFIDENCE } from '../graph/confidence.js';
import type { GraphBuilder } from '../graph/graph-builder.js';
import { ids } from '../graph/node-ids.js';
import { sha256Hex } from '../util/hash.js';
import { truncate } from '../util/truncate.js';
import { evaluateConstant } from './evaluate-constant.js';
import { evaluateQuery } from './evaluate-query.js';
import { addIndirectEdges } from './indirect-edges.js';
import { placeTable } from './place-table.js';
import { SCRIPT, ScriptContext, type StatementContext } from './script-context.js';
import { runDrop, runRename } from './table-changes.js';

/** What the script analysis needs. */
export interface ScriptAnalysisInput {
  readonly appId: string;
  readonly script: string;
  readonly connections: readonly ConnectionRef[];
  /** Included files by path as written (after expansion); null when unavailable. */
  readonly includes: Readonly<Record<string, string | null>>;
}

/** A variable the script sets. */
interface ScriptVariable {
  readonly name: string;
  readonly definition: string;
}

/** The outcome of a script analysis (the graph parts are in the builder). */
export interface ScriptAnalysis {
  readonly context: ScriptContext;
  readonly variables: ReadonlyMap<string, ScriptVariable>;
  /** `$(name)` used by statements: statement id → variable names. */
  readonly expansions: ReadonlyMap<string, readonly string[]>;
}

/** Format and locale variables every script sets: not lineage. */
const SYSTEM_VARIABLES = new Set(
  'ThousandSep DecimalSep MoneyThousandSep MoneyDecimalSep MoneyFormat TimeFormat DateFormat TimestampFormat FirstWeekDay BrokenWeeks ReferenceDay FirstMonthOfYear CollationLocale MonthNames LongMonthNames DayNames LongDayNames NumericalAbbreviation HidePrefix HideSuffix Verbatim NullDisplay NullInterpret NullValue OtherSymbol StripComments ErrorMode ScriptErrorCount ScriptErrorList ScriptError CreateSearchIndexOnReload OpenUrlTimeout qvdCreateTime'
    .toLowerCase()
    .split(' '),
);

const MAX_ITERATIONS = 50;
const MAX_DEPTH = 8;

interface Flags {
  readonly conditional: boolean;
  readonly inLoop: boolean;
}

class ScriptWalker {
  readonly ctx: ScriptContext;
  readonly env = new Map<string, string>();
  readonly variables = new Map<string, ScriptVariable>();
  readonly expansions = new Map<string, string[]>();
  readonly #subs = new Map<
    string,
    { readonly body: readonly Statement[]; readonly params: readonly string[]; readonly text: string }
  >();
  readonly #occurrences = new Map<string, number>();
  readonly #includes: Readonly<Record<string, string | null>>;
  #ordinal = 0;
  #tab: string | undefined;
  #stopped = false;
  #depth = 0;

  constructor(ctx: ScriptContext, includes: Readonly<Record<string, string | null>>) {
    this.ctx = ctx;
    this.#includes = includes;
  }

  walk(body: readonly Statement[], text: string, flags: Flags): void {
    for (const statement of body) {
      if (this.#stopped) return;
      this.#statement(statement, text, flags);
    }
  }

  #statement(s: Statement, text: string, flags: Flags): void {
    switch (s.kind) {
      case 'If':
        for (const b of s.branches) this.walk(b.body, text, { ...flags, conditional: true });
        if (s.elseBody) this.walk(s.elseBody, text, { ...flags, conditional: true });
        return;
      case 'Switch':
        for (const c of s.cases) this.walk(c.body, text, { ...flags, conditional: true });
        if (s.defaultBody) this.walk(s.defaultBody, text, { ...flags, conditional: true });
        return;
      case 'DoLoop':
        this.walk(s.body, text, { ...flags, inLoop: true });
        return;
      case 'For':
        this.#for(s.variable, [s.from, s.to, s.step], s.body, text, flags);
        return;
      case 'ForEach':
        this.#forEach(s.variable, s.values, s.body, text, flags);
        return;
      case 'Sub':
        this.#subs.set(s.name.toLowerCase(), { body: s.body, params: s.params, text });
        return;
      case 'Call': {
        const sub = this.#subs.get(s.name.toLowerCase());
        if (!sub) {
          this.ctx.diagnose('unknown-sub', 'warning', `CALL ${s.name}: no SUB of that name before it`);
          return;
        }
        if (this.#depth >= MAX_DEPTH) return;
        for (const [i, p] of sub.params.entries()) this.#bind(p, evaluateConstant(s.args[i] ?? null));
        this.#depth++;
        this.walk(sub.body, sub.text, { ...flags, inLoop: true });
        this.#depth--;
        return;
      }
      case 'Exit':
        if (s.target === 'script' && !s.condition && !flags.conditional && !flags.inLoop) this.#stopped = true;
        return;
      default:
        this.#leaf(s, text, flags);
    }
  }

  #bind(name: string, value: string | undefined): void {
    if (value === undefined) this.env.delete(name);
    else this.env.set(name, value);
  }

  #for(
    variable: string,
    [from, to, step]: (Expression | null)[],
    body: readonly Statement[],
    text: string,
    flags: Flags,
  ): void {
    const a = Number(evaluateConstant(from ?? null));
    const b = Number(evaluateConstant(to ?? null));
    const st = step ? Number(evaluateConstant(step)) : 1;
    const inner = { ...flags, inLoop: true };
    if ([a, b, st].every(Number.isFinite) && st !== 0 && (b - a) / st >= 0 && (b - a) / st < MAX_ITERATIONS) {
      for (let v = a; st > 0 ? v <= b : v >= b; v += st) {
        this.env.set(variable, String(v));
        this.walk(body, text, inner);
      }
    } else {
      this.env.delete(variable);
      this.walk(body, text, inner);
    }
    this.env.delete(variable);
  }

  #forEach(
    variable: string,
    values: readonly Expression[],
    body: readonly Statement[],
    text: string,
    flags: Flags,
  ): void {
    const list: string[] = [];
    let known = true;
    for (const v of this.#expandedValues(variable, values, text)) {
      const c = evaluateConstant(v);
      if (c !== undefined) list.push(c);
      else if (v.kind === 'FunctionCall' && /^(filelist|dirlist)$/i.test(v.name) && v.args[0]) {
        // The mask (lib://x/*.qvd) stands for every file it matches: a pattern.
        const mask = evaluateConstant(v.args[0]);
        if (mask === undefined) known = false;
        else list.push(mask);
      } else known = false;
    }
    const inner = { ...flags, inLoop: true };
    if (known && list.length > 0 && list.length <= MAX_ITERATIONS) {
      for (const value of list) {
        this.env.set(variable, value);
        this.walk(body, text, inner);
      }
    } else {
      this.env.delete(variable);
      this.walk(body, text, inner);
    }
    this.env.delete(variable);
  }

  /**
   * The values of a FOR EACH as the engine reads them: a clause that uses `$(…)` (`FOR EACH y IN
   * $(vYears)` over `SET vYears = 2023, 2024`) is expanded with the variables of that moment and
   * read again, as the simulator does; as written when a variable is unknown.
   */
  #expandedValues(variable: string, values: readonly Expression[], text: string): readonly Expression[] {
    const first = values[0];
    const last = values.at(-1);
    if (!first || !last) return values;
    const written = text.slice(first.span.start.offset, last.span.end.offset);
    if (!written.includes('$(')) return values;
    const clause = `FOR EACH ${variable} IN ${written}\nNEXT ${variable}\n`;
    const { ast } = parseScript(clause, { variables: this.env, trackAssignments: false });
    const loop = ast.body.find((b) => b.kind === 'ForEach');
    if (loop?.kind !== 'ForEach' || loop.values.some((v) => v.kind === 'DollarExpansion')) return values;
    return loop.values;
  }

  /** Re-parses a statement with the live variable environment, as the engine expands before parsing. */
  #expanded(s: Statement, text: string): { statements: readonly Statement[]; slice: string } {
    const slice = text.slice(s.span.start.offset, s.span.end.offset);
    if (!slice.includes('$(')) return { statements: [s], slice };
    const { ast } = parseScript(slice, { variables: this.env, trackAssignments: false });
    const statements = ast.body.filter((b) => b.kind !== 'Comment');
    // An expansion to nothing leaves the statement as written (its placeholders say what is unknown).
    return { statements: statements.length > 0 ? statements : [s], slice };
  }

  #statementNode(
    kind: ScriptStatementAttributes['statementKind'],
    original: Statement,
    rawSlice: string,
    text: string,
    flags: Flags,
    label?: string | null,
  ): StatementContext {
    this.#ordinal++;
    const normalised = rawSlice.replace(/\s+/g, ' ').trim();
    const key = sha256Hex(normalised, 12);
    const n = (this.#occurrences.get(key) ?? 0) + 1;
    this.#occurrences.set(key, n);
    const id = ids.statement(this.ctx.appId, n === 1 ? key : `${key}~${n}`);
    const t = truncate(text.trim(), 1000);
    const node = this.ctx.graph.node(
      'ScriptStatement',
      id,
      label ? `${label}: ${kind.toUpperCase()}` : `${kind.toUpperCase()} (line ${original.span.start.line})`,
      {
        statementKind: kind,
        ordinal: this.#ordinal,
        line: original.span.start.line,
        ...(this.#tab !== undefined ? { tab: this.#tab } : {}),
        text: t.text,
        ...(t.truncated ? { textTruncated: true } : {}),
        ...(label ? { label } : {}),
        ...(flags.conditional ? { conditional: true } : {}),
        ...(flags.inLoop ? { inLoop: true } : {}),
      },
      SCRIPT,
    );
    const names = findExpansions(rawSlice)
      .map((m) => m.inner.trim())
      .filter((v) => /^[A-Za-z_][\w.]*$/.test(v));
    if (names.length > 0) this.expansions.set(id, [...new Set(names)]);
    return { id, node, text };
  }

  #leaf(original: Statement, text: string, flags: Flags): void {
    const { statements, slice } = this.#expanded(original, text);
    for (const s of statements) {
      // After expansion, offsets are relative to the slice.
      const sText = statements[0] === original ? text : slice;
      this.#one(s, original, slice, sText, flags);
    }
  }

  #one(s: Statement, original: Statement, rawSlice: string, text: string, flags: Flags): void {
    const ctx = this.ctx;
    const own = text.slice(s.span.start.offset, s.span.end.offset);
    switch (s.kind) {
      case 'Tab':
        this.#tab = s.name;
        return;
      case 'Set':
        this.env.set(s.name, s.value);
        if (!SYSTEM_VARIABLES.has(s.name.toLowerCase()))
          this.variables.set(s.name, { name: s.name, definition: s.raw });
        return;
      case 'Let': {
        const value = evaluateConstant(s.expression);
        this.#bind(s.name, value);
        if (!SYSTEM_VARIABLES.has(s.name.toLowerCase())) {
          const definition = s.expression
            ? own
                .replace(/^\s*(let\s+)?[^=]*=/i, '')
                .replace(/;\s*$/, '')
                .trim()
            : '';
          this.variables.set(s.name, { name: s.name, definition: value ?? definition });
        }
        return;
      }
      case 'LoadStatement':
        this.#load(s, original, rawSlice, text, own, flags);
        return;
      case 'Connect': {
        const stmt = this.#statementNode('connect', original, rawSlice, own, flags);
        const id = ctx.connectionNode(s.target);
        ctx.connection = { name: ctx.connectionName(s.target), id };
        ctx.graph.edge('USES_CONNECTION', stmt.id, id, {}, SCRIPT);
        return;
      }
      case 'Disconnect':
        ctx.connection = null;
        return;
      case 'Store':
        this.#store(s, original, rawSlice, own, flags);
        return;
      case 'Drop':
        runDrop(this.ctx, s, this.#statementNode('drop', original, rawSlice, own, flags), flags);
        return;
      case 'Rename':
        runRename(this.ctx, s, () => this.#statementNode('rename', original, rawSlice, own, flags), flags);
        return;
      case 'Alias':
        for (const p of s.pairs) ctx.aliases.set(p.from, p.to);
        return;
      case 'Qualify':
      case 'Unqualify':
        ctx.qualify.push(qualifyRule(s));
        return;
      case 'Binary': {
        const stmt = this.#statementNode('binary', original, rawSlice, own, flags);
        const identity = `app:${s.path.toLowerCase()}`;
        const dsId = ctx.dataset(
          { datasetType: 'app', identity, path: s.path, pattern: s.path.includes('$(') },
          s.path,
        );
        const reads = ctx.graph.edge('READS', stmt.id, dsId, { mode: 'binary' }, SCRIPT);
        ctx.binaryPaths.push(s.path);
        ctx.sources.push({
          statementId: stmt.id,
          kind: 'binary',
          datasetIds: [dsId],
          identities: [identity],
          pattern: false,
          edgeIds: [reads.id],
          matched: false,
        });
        ctx.diagnose(
          'binary',
          'info',
          `BINARY ${s.path}: the model of another app is loaded first; its tables are not analysed here`,
          stmt,
        );
        return;
      }
      case 'Include': {
        const content = this.#include(s.path);
        if (content === undefined) {
          ctx.diagnose(
            'include-unavailable',
            'warning',
            `$(${s.must ? 'Must_Include' : 'Include'}=${s.path}): the file could not be read; its statements are not analysed`,
          );
          return;
        }
        if (this.#depth >= MAX_DEPTH) return;
        const { ast } = parseScript(content);
        this.#depth++;
        this.walk(ast.body, content, flags);
        this.#depth--;
        return;
      }
      case 'Expansion':
        ctx.diagnose(
          'unresolved-variable',
          'warning',
          `$(${s.expansion.text}) stands for whole statements and could not be expanded`,
        );
        return;
      case 'RawStatement': {
        const stmt = this.#statementNode('unparsed', original, rawSlice, own, flags);
        ctx.diagnose('unparsed-statement', 'info', `${s.keyword ?? 'statement'} is not analysed (kept as text)`, stmt);
        return;
      }
      default:
        return;
    }
  }

  #include(path: string): string | undefined {
    const direct = this.#includes[path];
    if (typeof direct === 'string') return direct;
    const lower = path.toLowerCase();
    for (const [k, v] of Object.entries(this.#includes))
      if (k.toLowerCase() === lower && typeof v === 'string') return v;
    return undefined;
  }

  #load(s: LoadStatement, original: Statement, rawSlice: string, text: string, own: string, flags: Flags): void {
    let q = s.query;
    while (q.kind === 'Load' && q.source.kind === 'PrecedingSource') q = q.source.query;
    const stmt = this.#statementNode(q.kind === 'Sql' ? 'sql' : 'load', original, rawSlice, own, flags, s.label);
    // Offsets of expression nodes are relative to `text`: give the evaluator that text.
    const relation = evaluateQuery(this.ctx, s.query, { ...stmt, text }, s.label);
    if (relation.filterFields.length > 0) stmt.node.attributes.filterFields = [...new Set(relation.filterFields)];
    if (relation.groupByFields.length > 0) stmt.node.attributes.groupByFields = [...new Set(relation.groupByFields)];
    if (relation.orderByFields.length > 0) stmt.node.attributes.orderByFields = [...new Set(relation.orderByFields)];
    const table = placeTable(this.ctx, s, relation, stmt);
    addIndirectEdges(this.ctx, stmt, relation, table);
    if (s.label === null || s.prefixes.some((p) => p.kind === 'JoinPrefix' || p.kind === 'ConcatenatePrefix')) {
      const op = s.prefixes.some((p) => p.kind === 'JoinPrefix')
        ? 'JOIN '
        : s.prefixes.some((p) => p.kind === 'ConcatenatePrefix')
          ? 'CONCATENATE '
          : '';
      stmt.node.name = `${table.name}: ${op}${stmt.node.attributes.statementKind.toUpperCase()}`;
    }
    if (table.mapping && s.query.kind === 'Load' && s.query.source.kind === 'InlineSource')
      table.inlineRows = s.query.source.rows;
  }

  #store(s: StoreStatement, original: Statement, rawSlice: string, own: string, flags: Flags): void {
    const ctx = this.ctx;
    const stmt = this.#statementNode('store', original, rawSlice, own, flags, s.table);
    const table = ctx.table(s.table);
    const fmt = s.format ? (fileFormatOptions(s.format).fileType ?? undefined) : undefined;
    const ref = fileDataset(s.path, fmt ?? (/\.qvd\]?$/i.test(s.path.trim()) ? 'qvd' : fmt), ctx.connections);
    const stored = {
      ...ref,
      format: ref.format ?? 'qvd',
      datasetType: ref.datasetType === 'file' && !fmt && !ref.format ? ('qvd' as const) : ref.datasetType,
    };
    const dsId = ctx.dataset(stored, stored.path ?? s.path);
    const origin = ref.pattern ? { provenance: 'script' as const, confidence: CONFIDENCE.pattern } : SCRIPT;
    const writes = ctx.graph.edge('WRITES', stmt.id, dsId, { format: stored.format }, origin);
    if (ref.connection !== undefined)
      ctx.graph.edge('USES_CONNECTION', stmt.id, ctx.connectionNode(ref.connection), {}, SCRIPT);
    ctx.sinks.push({
      statementId: stmt.id,
      datasetId: dsId,
      identity: ref.identity,
      pattern: ref.pattern,
      edgeId: writes.id,
      matched: false,
    });
    if (ref.pattern)
      ctx.diagnose(
        'unresolved-path',
        'warning',
        `STORE path ${s.path} is not fully resolved; kept as the pattern ${ref.identity}`,
        stmt,
      );
    if (!table) {
      ctx.diagnose('unresolved-table', 'warning', `STORE ${s.table}: no such table at this point of the script`, stmt);
      return;
    }
    ctx.graph.edge('READS', stmt.id, table.id, { mode: 'resident' }, SCRIPT);
    const pairs: { from: string; to: string }[] = [];
    if (s.fields && !s.fields.some((f) => f.kind === 'LoadStar')) {
      for (const f of s.fields) {
        if (f.kind !== 'LoadField') continue;
        if (f.expression.kind === 'FieldRef') pairs.push({ from: f.expression.name, to: f.alias ?? f.expression.name });
      }
    } else {
      for (const f of table.fields) pairs.push({ from: f, to: f });
    }
    for (const p of pairs) {
      const from = table.fieldIds.get(p.from);
      if (!from) {
        ctx.diagnose('unresolved-field', 'warning', `STORE: field ${p.from} is not in ${table.name}`, stmt);
        continue;
      }
      ctx.derives(from, ctx.datasetField(dsId, p.to), p.from === p.to ? 'identity' : 'rename', 'store', stmt);
    }
    if (table.open && (!s.fields || s.fields.some((f) => f.kind === 'LoadStar'))) {
      ctx.derives(ctx.star(table), ctx.datasetField(dsId, '*'), 'identity', 'store', stmt);
    }
  }
}

/**
 * Analyses a load script statically, the way the engine would run it: variables are tracked and
 * expanded per statement, loops over literal lists and FileList masks are unrolled (masks become
 * patterns), SUBs are analysed where they are CALLed, IF/SWITCH branches are all followed (marked
 * conditional). Writes ScriptStatement/ScriptTable/ScriptField/ExternalDataset/DatasetField nodes
 * and READS/WRITES/PRODUCES/DERIVES/USES_CONNECTION edges into `graph`.
 */
export function analyseScript(graph: GraphBuilder, input: ScriptAnalysisInput): ScriptAnalysis {
  const ctx = new ScriptContext(graph, input.appId, input.connections);
  const { ast, diagnostics } = parseScript(input.script);
  for (const d of diagnostics) {
    if (d.severity === 'info') continue;
    ctx.diagnostics.push({
      code: `script-${d.code}`,
      severity: d.severity,
      message: d.message,
      line: d.span.start.line,
    });
  }
  const walker = new ScriptWalker(ctx, input.includes);
  walker.walk(ast.body, input.script, { conditional: false, inLoop: false });
  for (const table of ctx.tables) {
    const node = graph.getNode(table.id);
    if (node?.kind !== 'ScriptTable') continue;
    node.attributes.final = !table.dropped && !table.mapping;
    node.attributes.dropped = table.dropped || table.mapping;
    node.attributes.open = table.open;
  }
  return { context: ctx, variables: walker.variables, expansions: walker.expansions };
}
