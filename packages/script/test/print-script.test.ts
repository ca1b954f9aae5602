import { describe, expect, it } from 'vitest';
import { parseScript, printScript } from '../src/index.js';
import { expectRoundTrip } from './helpers.js';

describe('printScript', () => {
  it('prints a LOAD chain canonically', () => {
    const { ast } = parseScript(
      "t: left join (x) load distinct a, b+1 as [c d] ; sql select * from dbo.T where a='x';",
    );
    expect(printScript(ast)).toBe(
      [
        't:',
        'LEFT JOIN (x)',
        'LOAD DISTINCT',
        '    a,',
        '    b + 1 AS [c d];',
        "SQL select * from dbo.T where a='x';",
        '',
      ].join('\n'),
    );
  });

  it('indents control-statement bodies and keeps raw text verbatim', () => {
    const text = 'if a then\nsql select 1\n  from t;\nload * inline [\nx\n1\n];\nend if';
    expect(printScript(parseScript(text).ast)).toBe(
      [
        'IF a THEN',
        '    SQL select 1\n  from t;',
        '    LOAD',
        '        *',
        '    INLINE [\nx\n1\n];',
        'END IF',
        '',
      ].join('\n'),
    );
    expectRoundTrip(text);
  });

  it('quotes names, paths and strings only when needed', () => {
    const { printed } = expectRoundTrip(
      "[Order Lines]: LOAD [a b] AS [x]]y], \"q\" AS [Total], 'it''s' AS s FROM [lib://D/a]]b.qvd] (qvd);",
    );
    expect(printed).toContain('[Order Lines]:');
    expect(printed).toContain('[a b] AS "x]y"');
    expect(printed).toContain('q AS [Total]');
    expect(printed).toContain("'it''s' AS s");
    expect(printed).toContain('FROM "lib://D/a]b.qvd" (qvd)');
  });

  it('prints comments, tabs, raw statements and expansions so they read back the same', () => {
    expectRoundTrip(
      "///$tab One\n// c\n/* b */\nREM r;\nForce Case Upper;\n$(vX);\n$(Include=a.qvs);\nTRACE $(v) it's;",
    );
  });

  it('round-trips a variety of statements', () => {
    expectRoundTrip(
      [
        "SET v = 'a;b';",
        'LET w = Now() - 1;',
        'ODBC CONNECT32 TO [dsn] (XUserId is a);',
        "STORE a, b AS c FROM T INTO [x.csv] (txt, delimiter is '|');",
        'DROP FIELDS a, b FROM T;',
        'RENAME FIELDS USING M;',
        "QUALIFY '*ID', a;",
        "TAG FIELDS a, b WITH '$key', 'x';",
        'SUB s(a, b)\nCALL t(a)\nEND SUB',
        "FOR EACH f IN FileList('x/*.qvd')\nNEXT f",
        'DO\nLOOP WHILE i < 3',
        'SWITCH x\nCASE 1\nDEFAULT\nEND SWITCH',
        'EXIT SCRIPT UNLESS a = 1;',
        'MERGE ONLY ON k LOAD * INLINE "a\n1";',
        'CROSSTABLE(m, v, 2) LOAD * FROM_FIELD (T, F);',
        "HIERARCHY(a, b, c, d, e, f, '/', g) FIRST 10 SAMPLE 0.5 BUFFER (incremental) LOAD * RESIDENT x;",
      ].join('\n'),
    );
  });
});
