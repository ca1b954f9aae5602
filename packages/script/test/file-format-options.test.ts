import { describe, expect, it } from 'vitest';
import type { FileFormat, LoadQuery, LoadStatement } from '../src/index.js';
import { fileFormatOptions, parseScript } from '../src/index.js';

function formatOf(spec: string): FileFormat {
  const st = parseScript(`LOAD * FROM x ${spec};`).ast.body[0] as LoadStatement;
  const source = (st.query as LoadQuery).source;
  if (source.kind !== 'FromSource' || source.format === null) throw new Error('expected a format');
  return source.format;
}

describe('fileFormatOptions', () => {
  it('decodes a CSV specification', () => {
    expect(
      fileFormatOptions(formatOf("(txt, utf8, embedded labels, delimiter is ';', msq, header is 2 lines)")),
    ).toEqual({
      fileType: 'txt',
      encoding: 'utf8',
      labels: 'embedded',
      delimiter: ';',
      quoting: 'msq',
      headerLines: 2,
      table: null,
    });
  });

  it('decodes tab delimiters, code pages, sheets and QVDs', () => {
    expect(
      fileFormatOptions(formatOf("(txt, codepage is 1252, no labels, delimiter is '\\t', no quotes)")),
    ).toMatchObject({
      encoding: 'codepage 1252',
      labels: 'none',
      delimiter: '\t',
      quoting: 'none',
    });
    expect(fileFormatOptions(formatOf('(txt, delimiter is tab)')).delimiter).toBe('\t');
    expect(fileFormatOptions(formatOf('(ooxml, embedded labels, table is [Sheet 1])'))).toMatchObject({
      fileType: 'ooxml',
      table: 'Sheet 1',
    });
    expect(fileFormatOptions(formatOf('(qvd)'))).toMatchObject({ fileType: 'qvd', quoting: null, delimiter: null });
  });
});
