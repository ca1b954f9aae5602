import fc from 'fast-check';
import type {
  ElementSet,
  Expression,
  FunctionCall,
  SetElement,
  SetExpression,
  SetFieldModifier,
  SetModifier,
  SetModifierItem,
  SetOperand,
  Span,
} from '../src/index.js';
import { printExpression } from '../src/index.js';
import { dollarParts } from '../src/internal/dollar.js';

/** Generated nodes get a dummy span: comparisons ignore spans. */
const span: Span = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

const plainName = fc.constantFrom(
  'a',
  'b',
  'Sales',
  'Order_Date',
  'T.F',
  '%Key',
  'x1',
  'Year',
  'Région',
  '$Field',
  '@1',
);
/** Any name, including ones that need quoting (spaces, brackets, quotes, keywords). */
const anyName = fc.oneof(
  { weight: 3, arbitrary: plainName },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('Total', 'and', 'Order Date', 'a]b', 'x"y', 'a]"b', ' ', 'From', '1st', 'LOAD'),
  },
);
const functionName = fc.constantFrom('Sum', 'Count', 'If', 'Date#', 'RangeSum', 'Pick', 'Now', 'ApplyMap', 'Max');
const dollarText = fc.constantFrom('v', 'vRate', 'vFn(a, 2)', '=Max(Year)', 'v$(i)');
const anyString = fc.string({ maxLength: 10, unit: 'grapheme' });

const number = fc
  .oneof(
    fc.nat(100000).map(String),
    fc.tuple(fc.nat(999), fc.nat(999)).map(([a, b]) => `${a}.${b}`),
  )
  .map((raw): Expression => ({ kind: 'NumberLiteral', value: Number(raw), raw, span }));

function dollar(text: string): Expression & { kind: 'DollarExpansion' } {
  const p = dollarParts(text);
  return { kind: 'DollarExpansion', text, form: p.form, name: p.name, args: p.args, span };
}

const element: fc.Arbitrary<SetElement> = fc.oneof(
  anyString.map((value) => ({ kind: 'SetElement', type: 'literal', value, span }) as const),
  anyString.map((value) => ({ kind: 'SetElement', type: 'search', value, span }) as const),
  fc
    .integer({ min: -50, max: 5000 })
    .map((n) => ({ kind: 'SetElement', type: 'number', value: String(n), span }) as const),
  fc.constantFrom('Sweden', 'x', '*').map((value) => ({ kind: 'SetElement', type: 'bare', value, span }) as const),
  fc.constant({ kind: 'SetElement', type: 'expansion', value: '$(vYear)', span } as const),
);

const setOperator = fc.constantFrom('+', '-', '*', '/') as fc.Arbitrary<'+' | '-' | '*' | '/'>;

/** Expression, set expression and element-set arbitraries, mutually recursive. */
export const trees = fc.letrec<{
  expression: Expression;
  call: FunctionCall;
  set: SetExpression;
  operand: SetOperand;
  modifier: SetModifier;
  elementSet: ElementSet;
}>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    number,
    anyString.map((value): Expression => ({ kind: 'StringLiteral', value, span })),
    anyName.map((name): Expression => ({ kind: 'FieldRef', name, span })),
    dollarText.map(dollar),
    fc
      .tuple(fc.constantFrom('-', '+', 'not', 'bitnot'), tie('expression'))
      .map(([operator, operand]): Expression => ({ kind: 'UnaryExpression', operator, operand, span }) as Expression),
    fc
      .tuple(
        fc.constantFrom(
          'or',
          'xor',
          'and',
          '=',
          '<>',
          '<',
          '<=',
          '>',
          '>=',
          'like',
          'precedes',
          'follows',
          '&',
          '+',
          '-',
          '*',
          '/',
          'bitand',
          'bitor',
          'bitxor',
          '>>',
          '<<',
        ),
        tie('expression'),
        tie('expression'),
      )
      .map(
        ([operator, left, right]): Expression =>
          ({ kind: 'BinaryExpression', operator, left, right, span }) as Expression,
      ),
    tie('call'),
  ),
  call: fc
    .record({
      name: functionName,
      set: fc.option(tie('set'), { nil: null, freq: 3 }),
      distinct: fc.constantFrom(null, null, 'distinct', 'nodistinct') as fc.Arbitrary<'distinct' | 'nodistinct' | null>,
      all: fc.boolean(),
      total: fc.option(
        fc.array(anyName, { maxLength: 2 }).map((fields) => ({ kind: 'TotalQualifier', fields, span }) as const),
        { nil: null, freq: 3 },
      ),
      args: fc.array(tie('expression'), { maxLength: 3 }),
    })
    .map((c): FunctionCall => {
      // A lone qualifier word would read as a field name: give qualified calls an argument.
      const needsArg = c.distinct !== null || c.all || (c.total !== null && c.total.fields.length === 0);
      const args = needsArg && c.args.length === 0 ? [{ kind: 'FieldRef', name: 'x', span } as Expression] : c.args;
      return { kind: 'FunctionCall', ...c, args, span };
    }),
  set: tie('operand').map((operand): SetExpression => ({ kind: 'SetExpression', operand, span })),
  operand: fc.oneof(
    { depthSize: 'small' },
    fc
      .tuple(
        fc.constantFrom(null, '$', '1', '0', '$1', '$_1', 'BM01', 'State 1'),
        fc.option(tie('modifier'), { nil: null }),
      )
      .map(
        ([identifier, modifier]): SetOperand => ({
          kind: 'SetEntity',
          identifier: identifier === null && modifier === null ? '$' : identifier,
          modifier,
          span,
        }),
      ),
    fc
      .tuple(setOperator, tie('operand'), tie('operand'))
      .map(([operator, left, right]): SetOperand => ({ kind: 'SetOperation', operator, left, right, span })),
  ),
  modifier: fc
    .array(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .record({
              field: anyName,
              operator: fc.constantFrom('=', '+=', '-=', '*=', '/=') as fc.Arbitrary<SetFieldModifier['operator']>,
              value: fc.option(tie('elementSet'), { nil: null, freq: 5 }),
            })
            .map((m): SetModifierItem => ({ kind: 'SetFieldModifier', ...m, span })),
        },
        { weight: 1, arbitrary: fc.constant(dollar('vFilter') as SetModifierItem) },
      ),
      { maxLength: 3 },
    )
    .map((items): SetModifier => ({ kind: 'SetModifier', items, span })),
  elementSet: fc.oneof(
    { depthSize: 'small' },
    fc.array(element, { maxLength: 3 }).map((elements): ElementSet => ({ kind: 'ElementList', elements, span })),
    anyName.map((name): ElementSet => ({ kind: 'FieldRef', name, span })),
    fc.constant(dollar('vSet') as ElementSet),
    fc
      .record({
        name: fc.constantFrom('P', 'E') as fc.Arbitrary<'P' | 'E'>,
        set: fc.option(tie('set'), { nil: null }),
        field: fc.option(anyName, { nil: null }),
      })
      .map((f): ElementSet => ({ kind: 'ElementFunction', ...f, span })),
    fc
      .tuple(setOperator, tie('elementSet'), tie('elementSet'))
      .map(([operator, left, right]): ElementSet => ({ kind: 'ElementSetOperation', operator, left, right, span })),
  ),
}));

// ── Script text from a grammar ────────────────────────────────────────────────────────────────

/** A keyword in random case. */
const kw = (word: string): fc.Arbitrary<string> =>
  fc.constantFrom(word.toUpperCase(), word.toLowerCase(), word[0]?.toUpperCase() + word.slice(1).toLowerCase());
/** Whitespace inside regular statements (which may span lines). */
const ws = fc.constantFrom(' ', '  ', '\n', '\t', ' \n    ');
const exprText = trees.expression.map(printExpression);
const nameText = anyName.map((n) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(n) && !/^(and|or|not|xor|from|load|total|as)$/i.test(n)
    ? n
    : `[${n.replaceAll(']', ']]')}]`,
);
const safeWords = fc
  .array(fc.constantFrom('done', "it's", 'x', '$(v)', 'a,b', '42'), { minLength: 1, maxLength: 4 })
  .map((w) => w.join(' '));
const path = fc.constantFrom(
  '[lib://QVDs/Sales.qvd]',
  'lib://Data/x.csv',
  "'C:\\data\\y.txt'",
  '[$(vPath)/x y.qvd]',
  '"a]b.qvd"',
);
const format = fc.option(
  fc
    .subarray(
      ['qvd', 'txt', 'utf8', 'embedded labels', "delimiter is ','", 'msq', 'header is 1 lines', 'table is [Sheet 1]'],
      {
        minLength: 1,
      },
    )
    .map((specs) => ` (${specs.join(', ')})`),
  { nil: '' },
);
const inlineData = fc
  .array(fc.array(fc.constantFrom('1', 'x', 'a b', "'q, r'", ''), { minLength: 2, maxLength: 2 }), {
    minLength: 1,
    maxLength: 3,
  })
  .map((rows) => `[\nA, B\n${rows.map((r) => r.join(', ')).join('\n')}\n]`);

const fieldList = fc
  .array(
    fc.oneof(
      fc.constant('*'),
      fc
        .tuple(exprText, fc.option(nameText, { nil: null }), kw('as'))
        .map(([e, a, as]) => (a === null ? e : `${e} ${as} ${a}`)),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((f) => f.join(',\n  '));

const clauses = fc
  .tuple(
    fc.option(
      exprText.map((e) => ` WHERE ${e}`),
      { nil: '' },
    ),
    fc.option(
      exprText.map((e) => ` WHILE ${e}`),
      { nil: '' },
    ),
    fc.option(
      fc.array(exprText, { minLength: 1, maxLength: 2 }).map((g) => ` GROUP BY ${g.join(', ')}`),
      { nil: '' },
    ),
    fc.option(
      fc.tuple(exprText, fc.constantFrom('', ' ASC', ' desc')).map(([e, d]) => ` ORDER BY ${e}${d}`),
      { nil: '' },
    ),
  )
  .map((c) => c.join(''));

const source = fc.oneof(
  fc.tuple(kw('from'), path, format).map(([k, p, f]) => `${k} ${p}${f}`),
  fc.tuple(kw('resident'), nameText).map(([k, n]) => `${k} ${n}`),
  fc.tuple(kw('inline'), inlineData).map(([k, d]) => `${k} ${d}`),
  fc.tuple(kw('autogenerate'), exprText).map(([k, e]) => `${k} ${e}`),
  fc.tuple(nameText, nameText).map(([t, f]) => `FROM_FIELD (${t}, ${f})`),
);

const sql = fc
  .tuple(
    kw('sql'),
    fc.constantFrom('a, b', '*', 'x AS y'),
    fc.constantFrom('dbo.Orders', '"s"."t" t1', '[dbo].[A] a JOIN B b ON a.id = b.id'),
  )
  .map(([k, cols, tables]) => `${k} SELECT ${cols} FROM ${tables}`);

const query: fc.Arbitrary<string> = fc.letrec<{ q: string }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc
      .tuple(kw('load'), fc.boolean(), fieldList, ws, source, clauses)
      .map(([k, d, f, w, s, c]) => `${k}${d ? ' DISTINCT' : ''} ${f}${w}${s}${c};`),
    sql.map((s) => `${s};`),
    fc.tuple(kw('load'), fieldList, clauses, tie('q')).map(([k, f, c, inner]) => `${k} ${f}${c};\n${inner}`),
  ),
})).q;

const prefix = fc.oneof(
  fc.constantFrom('NoConcatenate', 'MAPPING', 'Generic', 'add only', 'Replace', 'Semantic', 'buffer (incremental)'),
  fc
    .tuple(fc.constantFrom('', 'left ', 'Right ', 'inner ', 'OUTER '), fc.option(nameText, { nil: null }))
    .map(([t, n]) => `${t}join${n === null ? '' : ` (${n})`}`),
  fc.tuple(fc.constantFrom('left ', 'Right ', 'inner '), nameText).map(([t, n]) => `${t}KEEP (${n})`),
  fc.option(nameText, { nil: null }).map((n) => `Concatenate${n === null ? '' : `(${n})`}`),
  fc.tuple(nameText, nameText).map(([a, b]) => `CrossTable(${a}, ${b}, 2)`),
  exprText.map((e) => `First ${e}`),
  fc.constant('Sample 0.5'),
  fc.constant('Merge On Key'),
  fc.constant('IntervalMatch(Date)'),
  exprText.map((e) => `When ${e}`),
);

const loadStatement = fc
  .tuple(
    fc.option(
      nameText.map((n) => `${n}:\n`),
      { nil: '' },
    ),
    fc.array(prefix, { maxLength: 2 }),
    query,
  )
  .map(([label, prefixes, q]) => `${label}${prefixes.map((p) => `${p}\n`).join('')}${q}`);

const simple = fc.oneof(
  { weight: 12, arbitrary: loadStatement },
  fc
    .tuple(kw('set'), nameText, fc.constantFrom("'a;b'", '1', 'a b', 'lib://x/y', "'$(v)'", '', '[x]'))
    .map(([k, n, v]) => `${k} ${n} = ${v};`),
  fc.tuple(kw('let'), nameText, exprText).map(([k, n, e]) => `${k} ${n} = ${e};`),
  fc.tuple(nameText, path, format).map(([t, p, f]) => `STORE ${t} INTO ${p}${f};`),
  fc
    .tuple(fieldList, nameText, path)
    .map(([fl, t, p]) => `Store ${fl.replaceAll('\n', ' ')} FROM ${t} INTO ${p} (txt);`),
  fc.array(nameText, { minLength: 1, maxLength: 3 }).map((n) => `DROP TABLES ${n.join(', ')};`),
  fc.tuple(nameText, nameText).map(([a, t]) => `drop field ${a} from ${t};`),
  fc.tuple(nameText, nameText).map(([a, b]) => `RENAME FIELD ${a} TO ${b};`),
  nameText.map((m) => `Rename Tables Using ${m};`),
  fc.tuple(nameText, nameText).map(([a, b]) => `ALIAS ${a} AS ${b};`),
  fc.constantFrom('QUALIFY *;', "Qualify a, 'b*';", 'UNQUALIFY *ID;'),
  fc.tuple(nameText, anyString).map(([n, c]) => `COMMENT FIELD ${n} WITH '${c.replaceAll("'", "''")}';`),
  nameText.map((n) => `TAG FIELD ${n} WITH '$key';`),
  fc.constantFrom("LIB CONNECT TO 'Sales DB';", 'ODBC CONNECT TO [dsn] (XUserId is a);', 'DISCONNECT;'),
  path.map((p) => `BINARY ${p};`),
  safeWords.map((t) => `TRACE ${t};`),
  exprText.map((e) => `SLEEP ${e};`),
  fc.constantFrom('SECTION ACCESS;', 'Section Application;', 'DIRECTORY;', 'Directory lib://Data;'),
  fc.constantFrom('$(Include=lib://s/a.qvs);', '$(Must_Include=[lib://s/b c.qvs])', '$(vStatement);'),
  safeWords.map((t) => `// ${t}`),
  safeWords.map((t) => `/* ${t}\n */`),
  safeWords.map((t) => `REM ${t};`),
  fc.constantFrom('///$tab Main', '///$tab Other tab'),
  fc
    .tuple(nameText, fc.array(exprText, { maxLength: 2 }))
    .map(([n, a]) => `CALL ${n}${a.length ? `(${a.join(', ')})` : ''}`),
  fc.constantFrom('EXIT SCRIPT;', 'Exit Script When a = 1', 'EXIT DO;', 'exit for unless x;', 'EXIT SUB;'),
);

/** Single-line headers: control statements end at the end of their line. */
const oneLine = (e: string): string => e.replaceAll('\n', ' ');

/** A whole script: statements (control statements nesting up to depth 2), one or more per line. */
export const scriptText: fc.Arbitrary<string> = fc.letrec<{ statements: string; statement: string }>((tie) => ({
  statements: fc.array(tie('statement'), { maxLength: 5 }).map((s) => s.join('\n')),
  statement: fc.oneof(
    { depthSize: 'small', maxDepth: 2 },
    { weight: 6, arbitrary: simple },
    fc
      .tuple(
        exprText,
        tie('statements'),
        fc.array(fc.tuple(exprText, tie('statements')), { maxLength: 2 }),
        fc.option(tie('statements'), { nil: null }),
      )
      .map(([c, b, elifs, e]) =>
        [
          `IF ${oneLine(c)} THEN`,
          b,
          ...elifs.flatMap(([c2, b2]) => [`ELSEIF ${oneLine(c2)} THEN`, b2]),
          ...(e === null ? [] : ['ELSE', e]),
          'END IF',
        ].join('\n'),
      ),
    fc
      .tuple(nameText, exprText, exprText, tie('statements'))
      .map(([v, a, b, body]) => `FOR ${v} = ${oneLine(a)} TO ${oneLine(b)}\n${body}\nNEXT ${v}`),
    fc
      .tuple(nameText, fc.array(exprText, { minLength: 1, maxLength: 2 }), tie('statements'))
      .map(([v, vals, body]) => `For Each ${v} in ${oneLine(vals.join(', '))}\n${body}\nNext`),
    fc
      .tuple(
        fc.constantFrom('', ' WHILE i < 3', ' until x'),
        tie('statements'),
        fc.constantFrom('', ' while a', ' UNTIL b = 1'),
      )
      .map(([d, body, l]) => `DO${d}\n${body}\nLOOP${l}`),
    fc
      .tuple(
        exprText,
        fc.array(fc.tuple(exprText, tie('statements')), { maxLength: 2 }),
        fc.option(tie('statements'), { nil: null }),
      )
      .map(([e, cases, d]) =>
        [
          `SWITCH ${oneLine(e)}`,
          ...cases.flatMap(([v, b]) => [`CASE ${oneLine(v)}`, b]),
          ...(d === null ? [] : ['DEFAULT', d]),
          'END SWITCH',
        ].join('\n'),
      ),
    fc
      .tuple(nameText, fc.array(nameText, { maxLength: 2 }), tie('statements'))
      .map(([n, params, body]) => `SUB ${n}${params.length ? `(${params.join(', ')})` : ''}\n${body}\nEND SUB`),
  ),
})).statements;
