import type {
  DeclareParameter,
  DeclareStatement,
  FileFormat,
  LoadFieldItem,
  LoadPrefix,
  LoadQuery,
  LoadSource,
  LoadStatement,
  Script,
  SqlQuery,
  Statement,
} from './ast.js';
import { quoteName, quoteString, quoteText } from './internal/names.js';
import { printExpression } from './print-expression.js';

const INDENT = '    ';

function names(list: readonly string[]): string {
  return list.map(quoteName).join(', ');
}

function printFormat(f: FileFormat | null): string {
  if (!f) return '';
  return ` (${f.specs.map((s) => (s.value === null ? s.name : `${s.name} ${s.value}`)).join(', ')})`;
}

function printFields(fields: readonly LoadFieldItem[], ind: string): string {
  return fields
    .map((f) =>
      f.kind === 'LoadStar'
        ? `${ind}${INDENT}*`
        : `${ind}${INDENT}${printExpression(f.expression)}${f.alias === null ? '' : ` AS ${quoteName(f.alias)}`}`,
    )
    .join(',\n');
}

function printPrefix(p: LoadPrefix): string {
  const table = (t: string | null): string => (t === null ? '' : ` (${quoteName(t)})`);
  switch (p.kind) {
    case 'ConcatenatePrefix':
      return `CONCATENATE${table(p.table)}`;
    case 'NoConcatenatePrefix':
      return 'NOCONCATENATE';
    case 'JoinPrefix':
      return `${p.type === null ? '' : `${p.type.toUpperCase()} `}JOIN${table(p.table)}`;
    case 'KeepPrefix':
      return `${p.type === null ? '' : `${p.type.toUpperCase()} `}KEEP${table(p.table)}`;
    case 'MappingPrefix':
      return 'MAPPING';
    case 'CrossTablePrefix': {
      const n = p.qualifierFields === null ? '' : `, ${printExpression(p.qualifierFields)}`;
      return `CROSSTABLE(${quoteName(p.attributeField)}, ${quoteName(p.dataField)}${n})`;
    }
    case 'GenericPrefix':
      return 'GENERIC';
    case 'FirstPrefix':
      return `FIRST ${printExpression(p.count)}`;
    case 'SamplePrefix':
      return `SAMPLE ${printExpression(p.probability)}`;
    case 'BufferPrefix':
      return p.options === null ? 'BUFFER' : `BUFFER (${p.options})`;
    case 'AddPrefix':
      return p.only ? 'ADD ONLY' : 'ADD';
    case 'ReplacePrefix':
      return p.only ? 'REPLACE ONLY' : 'REPLACE';
    case 'MergePrefix': {
      const params = p.parameters.length === 0 ? '' : ` (${names(p.parameters)})`;
      return `MERGE${p.only ? ' ONLY' : ''}${params} ON ${names(p.keys)}`;
    }
    case 'IntervalMatchPrefix':
      return `INTERVALMATCH(${p.args.map(printExpression).join(', ')})`;
    case 'HierarchyPrefix':
      return `HIERARCHY(${p.args.map(printExpression).join(', ')})`;
    case 'HierarchyBelongsToPrefix':
      return `HIERARCHYBELONGSTO(${p.args.map(printExpression).join(', ')})`;
    case 'ConditionPrefix':
      return `${p.type.toUpperCase()} ${printExpression(p.condition)}`;
    case 'SemanticPrefix':
      return 'SEMANTIC';
    case 'ExpansionPrefix':
      return `$(${p.expansion.text})`;
  }
}

function printInlineData(data: string): string {
  if (!data.includes(']')) return `[${data}]`;
  if (!data.includes('"')) return `"${data}"`;
  return `[${data.replaceAll(']', ']]')}]`;
}

function printSource(s: Exclude<LoadSource, { kind: 'PrecedingSource' }>): string {
  switch (s.kind) {
    case 'FromSource':
      return `FROM ${quoteText(s.path)}${printFormat(s.format)}`;
    case 'ResidentSource':
      return `RESIDENT ${quoteName(s.table)}`;
    case 'InlineSource':
      return `INLINE ${printInlineData(s.data)}${printFormat(s.format)}`;
    case 'AutogenerateSource':
      return `AUTOGENERATE ${printExpression(s.count)}`;
    case 'FromFieldSource':
      return `FROM_FIELD (${quoteName(s.table)}, ${quoteName(s.field)})${printFormat(s.format)}`;
    case 'ExtensionSource':
      return `EXTENSION ${s.text}`;
  }
}

function printSql(q: SqlQuery, ind: string): string {
  return `${ind}SQL ${q.text};`;
}

function printLoad(q: LoadQuery, ind: string): string {
  const lines = [`${ind}LOAD${q.distinct ? ' DISTINCT' : ''}`, printFields(q.fields, ind)];
  const clauses: string[] = [];
  if (q.source.kind !== 'PrecedingSource') clauses.push(printSource(q.source));
  if (q.where) clauses.push(`WHERE ${printExpression(q.where)}`);
  if (q.while) clauses.push(`WHILE ${printExpression(q.while)}`);
  if (q.groupBy.length > 0) clauses.push(`GROUP BY ${q.groupBy.map(printExpression).join(', ')}`);
  if (q.orderBy.length > 0) {
    const items = q.orderBy.map(
      (o) => `${printExpression(o.expression)}${o.direction ? ` ${o.direction.toUpperCase()}` : ''}`,
    );
    clauses.push(`ORDER BY ${items.join(', ')}`);
  }
  let text = lines.join('\n');
  for (const c of clauses) text += `\n${ind}${c}`;
  text += ';';
  if (q.source.kind === 'PrecedingSource') text += `\n${printQuery(q.source.query, ind)}`;
  return text;
}

function printQuery(q: LoadQuery | SqlQuery, ind: string): string {
  return q.kind === 'Load' ? printLoad(q, ind) : printSql(q, ind);
}

function printLoadStatement(s: LoadStatement, ind: string): string {
  const lines: string[] = [];
  if (s.label !== null) lines.push(`${ind}${quoteName(s.label)}:`);
  for (const p of s.prefixes) lines.push(`${ind}${printPrefix(p)}`);
  lines.push(printQuery(s.query, ind));
  return lines.join('\n');
}

function printTags(tags: readonly string[]): string {
  return tags.length === 0 ? '' : ` TAGGED (${tags.map(quoteString).join(', ')})`;
}

function printParameters(parameters: readonly DeclareParameter[]): string {
  return parameters.map((p) => `${quoteName(p.name)} = ${printExpression(p.value)}`).join(', ');
}

function printDeclare(st: DeclareStatement, ind: string): string {
  const label = st.name === null ? '' : `${ind}${quoteName(st.name)}:\n`;
  if (st.using !== null) {
    const assignments = st.parameters.length === 0 ? '' : ` WITH ${printParameters(st.parameters)}`;
    return `${label}${ind}DECLARE FIELD DEFINITION USING ${quoteName(st.using)}${assignments};`;
  }
  const lines = [`${label}${ind}DECLARE FIELD DEFINITION${printTags(st.tags)}`];
  if (st.parameters.length > 0) lines.push(`${ind}PARAMETERS ${printParameters(st.parameters)}`);
  lines.push(`${ind}FIELDS`);
  const fields = st.fields.map(
    (f) => `${ind}${INDENT}${printExpression(f.expression)} AS ${quoteName(f.name)}${printTags(f.tags)}`,
  );
  return `${lines.join('\n')}\n${fields.join(',\n')};`;
}

function printBody(body: readonly Statement[], ind: string): string {
  return body.map((st) => `${printStatement(st, ind)}\n`).join('');
}

function printStatement(st: Statement, ind: string): string {
  const inner = ind + INDENT;
  switch (st.kind) {
    case 'Tab':
      return `${ind}///$tab ${st.name}`;
    case 'Comment':
      if (st.style === 'line') return `${ind}//${st.text}`;
      if (st.style === 'block') return `${ind}/*${st.text}*/`;
      return `${ind}REM ${st.text};`;
    case 'Set':
      return `${ind}SET ${quoteName(st.name)} = ${st.raw};`;
    case 'Let':
      return `${ind}LET ${quoteName(st.name)} = ${st.expression ? printExpression(st.expression) : ''};`;
    case 'LoadStatement':
      return printLoadStatement(st, ind);
    case 'Connect': {
      const provider = st.provider === null ? '' : `${st.provider.toUpperCase()} `;
      const target = st.provider === 'lib' ? quoteString(st.target) : quoteText(st.target);
      const options = st.options === null ? '' : ` (${st.options})`;
      return `${ind}${provider}CONNECT${st.bitness ?? ''} TO ${target}${options};`;
    }
    case 'Disconnect':
      return `${ind}DISCONNECT;`;
    case 'Store': {
      const fields =
        st.fields === null
          ? ''
          : `${st.fields
              .map((f) =>
                f.kind === 'LoadStar'
                  ? '*'
                  : `${printExpression(f.expression)}${f.alias === null ? '' : ` AS ${quoteName(f.alias)}`}`,
              )
              .join(', ')} FROM `;
      return `${ind}STORE ${fields}${quoteName(st.table)} INTO ${quoteText(st.path)}${printFormat(st.format)};`;
    }
    case 'Drop': {
      const word = st.target === 'table' ? 'TABLE' : 'FIELD';
      const plural = st.names.length > 1 ? 'S' : '';
      const from = st.from.length > 0 ? ` FROM ${names(st.from)}` : '';
      return `${ind}DROP ${word}${plural} ${names(st.names)}${from};`;
    }
    case 'Rename': {
      const word = st.target === 'table' ? 'TABLE' : 'FIELD';
      if (st.using !== null) return `${ind}RENAME ${word}S USING ${quoteName(st.using)};`;
      const plural = st.pairs.length > 1 ? 'S' : '';
      const pairs = st.pairs.map((p) => `${quoteName(p.from)} TO ${quoteName(p.to)}`).join(', ');
      return `${ind}RENAME ${word}${plural} ${pairs};`;
    }
    case 'Alias':
      return `${ind}ALIAS ${st.pairs.map((p) => `${quoteName(p.from)} AS ${quoteName(p.to)}`).join(', ')};`;
    case 'Qualify':
    case 'Unqualify': {
      const items = st.fields.map((f) => (f === '*' ? '*' : quoteName(f))).join(', ');
      return `${ind}${st.kind === 'Qualify' ? 'QUALIFY' : 'UNQUALIFY'} ${items};`;
    }
    case 'CommentStatement': {
      const word = st.target === 'table' ? 'TABLE' : 'FIELD';
      if (st.using !== null) return `${ind}COMMENT ${word}S USING ${quoteName(st.using)};`;
      const plural = st.names.length > 1 ? 'S' : '';
      return `${ind}COMMENT ${word}${plural} ${names(st.names)} WITH ${quoteString(st.comment ?? '')};`;
    }
    case 'Tag': {
      const word = st.untag ? 'UNTAG' : 'TAG';
      if (st.using !== null) return `${ind}${word} FIELDS USING ${quoteName(st.using)};`;
      const plural = st.names.length > 1 ? 'S' : '';
      return `${ind}${word} FIELD${plural} ${names(st.names)} WITH ${st.tags.map(quoteString).join(', ')};`;
    }
    case 'Declare':
      return printDeclare(st, ind);
    case 'Derive': {
      const source =
        st.from === 'fields'
          ? `FIELDS ${names(st.fields)}`
          : st.from === 'explicit-tags'
            ? `EXPLICIT TAGS (${st.tags.map(quoteString).join(', ')})`
            : 'IMPLICIT TAG';
      return `${ind}DERIVE FIELDS FROM ${source} USING ${quoteName(st.definition)};`;
    }
    case 'Binary':
      return `${ind}BINARY ${quoteText(st.path)};`;
    case 'Sub': {
      const params = st.params.length > 0 ? `(${names(st.params)})` : '';
      return `${ind}SUB ${quoteName(st.name)}${params}\n${printBody(st.body, inner)}${ind}END SUB`;
    }
    case 'Call': {
      const args = st.args.length > 0 ? `(${st.args.map(printExpression).join(', ')})` : '';
      return `${ind}CALL ${quoteName(st.name)}${args};`;
    }
    case 'If': {
      let text = '';
      st.branches.forEach((b, i) => {
        text += `${ind}${i === 0 ? 'IF' : 'ELSEIF'} ${printExpression(b.condition)} THEN\n${printBody(b.body, inner)}`;
      });
      if (st.elseBody !== null) text += `${ind}ELSE\n${printBody(st.elseBody, inner)}`;
      return `${text}${ind}END IF`;
    }
    case 'For': {
      const step = st.step === null ? '' : ` STEP ${printExpression(st.step)}`;
      const v = quoteName(st.variable);
      return `${ind}FOR ${v} = ${printExpression(st.from)} TO ${printExpression(st.to)}${step}\n${printBody(st.body, inner)}${ind}NEXT ${v}`;
    }
    case 'ForEach': {
      const v = quoteName(st.variable);
      const values = st.values.map(printExpression).join(', ');
      return `${ind}FOR EACH ${v} IN ${values}\n${printBody(st.body, inner)}${ind}NEXT ${v}`;
    }
    case 'DoLoop': {
      const cond = (c: typeof st.condition): string =>
        c === null ? '' : ` ${c.type.toUpperCase()} ${printExpression(c.expression)}`;
      return `${ind}DO${cond(st.condition)}\n${printBody(st.body, inner)}${ind}LOOP${cond(st.loopCondition)}`;
    }
    case 'Switch': {
      let text = `${ind}SWITCH ${printExpression(st.expression)}\n`;
      for (const c of st.cases) {
        text += `${ind}CASE ${c.values.map(printExpression).join(', ')}\n${printBody(c.body, inner)}`;
      }
      if (st.defaultBody !== null) text += `${ind}DEFAULT\n${printBody(st.defaultBody, inner)}`;
      return `${text}${ind}END SWITCH`;
    }
    case 'Exit': {
      const c =
        st.condition === null ? '' : ` ${st.condition.type.toUpperCase()} ${printExpression(st.condition.expression)}`;
      return `${ind}EXIT ${st.target.toUpperCase()}${c};`;
    }
    case 'Trace':
      return `${ind}TRACE ${st.text};`;
    case 'Sleep':
      return `${ind}SLEEP ${printExpression(st.duration)};`;
    case 'Section':
      return `${ind}SECTION ${st.section.toUpperCase()};`;
    case 'Directory':
      return st.path === null ? `${ind}DIRECTORY;` : `${ind}DIRECTORY ${quoteText(st.path)};`;
    case 'Include':
      return `${ind}$(${st.must ? 'Must_Include' : 'Include'}=${st.path});`;
    case 'Expansion':
      return `${ind}$(${st.expansion.text});`;
    case 'RawStatement':
      return `${ind}${st.text};`;
  }
}

/**
 * Prints a script in canonical form: upper-case keywords, one statement per line (LOAD fields one
 * per line), bodies of control statements indented by four spaces. Raw parts (SQL text, SET values,
 * inline data, comments, raw statements) are printed verbatim. The result re-parses to an equal AST
 * (ignoring spans).
 *
 * @example
 * ```ts
 * const { ast } = parseScript('t: load a as b resident x where a>1;');
 * printScript(ast);
 * // 't:\nLOAD\n    a AS b\nRESIDENT x\nWHERE a > 1;\n'
 * ```
 */
export function printScript(script: Script): string {
  return printBody(script.body, '');
}
