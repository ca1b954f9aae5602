import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadQuery, LoadStatement, Script, SqlQuery, Statement } from '../src/index.js';
import { parseScript, printScript } from '../src/index.js';

/** A deep copy without `span` keys, for comparing trees regardless of positions. */
export function withoutSpans<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'span' ? undefined : v)));
}

/** The demo site's app scripts, by file name. */
export function demoScripts(): Record<string, string> {
  const dir = fileURLToPath(new URL('../../sense-sim/demo-site/apps/', import.meta.url));
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    out[f.replace(/\.json$/, '')] = (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { script: string }).script;
  }
  return out;
}

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
}

/** Statements of a given kind, in order. */
export function statementsOf<K extends Statement['kind']>(ast: Script, kind: K): Extract<Statement, { kind: K }>[] {
  return ast.body.filter((s): s is Extract<Statement, { kind: K }> => s.kind === kind);
}

/** The queries of a LOAD statement from top to the one that reads the real source. */
export function chainOf(st: LoadStatement): (LoadQuery | SqlQuery)[] {
  const chain: (LoadQuery | SqlQuery)[] = [];
  let q: LoadQuery | SqlQuery = st.query;
  for (;;) {
    chain.push(q);
    if (q.kind === 'Load' && q.source.kind === 'PrecedingSource') q = q.source.query;
    else return chain;
  }
}

/** One line per table-level statement: what it produces, from where, how. */
export function outline(ast: Script): string[] {
  const lines: string[] = [];
  for (const st of ast.body) {
    switch (st.kind) {
      case 'LoadStatement': {
        const prefixes = st.prefixes.map((p) => {
          switch (p.kind) {
            case 'JoinPrefix':
              return `${p.type ?? ''} JOIN(${p.table ?? ''})`.trim();
            case 'KeepPrefix':
              return `${p.type ?? ''} KEEP(${p.table ?? ''})`.trim();
            case 'ConcatenatePrefix':
              return `CONCATENATE(${p.table ?? ''})`;
            case 'CrossTablePrefix':
              return `CROSSTABLE(${p.attributeField},${p.dataField})`;
            default:
              return p.kind.replace(/Prefix$/, '').toUpperCase();
          }
        });
        const chain = chainOf(st).map((q) => {
          if (q.kind === 'Sql') return `SQL[${q.tables.map((t) => t.name).join(',')}]`;
          switch (q.source.kind) {
            case 'FromSource':
              return `LOAD FROM ${q.source.path}`;
            case 'ResidentSource':
              return `LOAD RESIDENT ${q.source.table}`;
            case 'InlineSource':
              return `LOAD INLINE(${q.source.rows.length} rows)`;
            case 'AutogenerateSource':
              return 'LOAD AUTOGENERATE';
            case 'PrecedingSource':
              return 'LOAD';
            default:
              return `LOAD ${q.source.kind}`;
          }
        });
        lines.push(`${[...prefixes, `${st.label ?? '-'}:`].join(' ')} ${chain.join(' <- ')}`);
        break;
      }
      case 'Store':
        lines.push(`STORE ${st.table} -> ${st.path}`);
        break;
      case 'Drop':
        lines.push(`DROP ${st.target} ${st.names.join(',')}`);
        break;
      case 'Rename':
        lines.push(`RENAME ${st.target} ${st.pairs.map((p) => `${p.from}>${p.to}`).join(',')}`);
        break;
      case 'Connect':
        lines.push(`CONNECT ${st.provider ?? ''} ${st.target}`);
        break;
      case 'Qualify':
        lines.push(`QUALIFY ${st.fields.join(',')}`);
        break;
      case 'Unqualify':
        lines.push(`UNQUALIFY ${st.fields.join(',')}`);
        break;
      default:
        break;
    }
  }
  return lines;
}

/** parse → print → parse gives the same tree, and printing is idempotent. */
export function expectRoundTrip(
  text: string,
  options?: Parameters<typeof parseScript>[1],
): {
  first: Script;
  printed: string;
} {
  const first = parseScript(text, options).ast;
  const printed = printScript(first);
  const second = parseScript(printed).ast;
  if (JSON.stringify(withoutSpans(first)) !== JSON.stringify(withoutSpans(second))) {
    throw new Error(`round trip changed the tree.\n--- printed ---\n${printed}`);
  }
  if (printScript(second) !== printed) throw new Error('printing is not idempotent');
  return { first, printed };
}
