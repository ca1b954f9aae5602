import { redact } from '@qixflow/core';
import { describe, expect, it } from 'vitest';
import { classifyLineageRow } from '../../src/internal/datasets/classify-discriminator.js';
import { dbTableDataset, fileDataset, globMatches } from '../../src/internal/datasets/dataset-identity.js';

describe('dataset identity', () => {
  it('normalises lib:// paths: case, backslashes, duplicate slashes, . and ..', () => {
    const ids = [
      '[lib://QVDs/Sales/Orders.qvd]',
      'lib://qvds\\sales\\ORDERS.QVD',
      "'lib://QVDs//sales/./x/../Orders.qvd'",
    ].map((p) => fileDataset(p, undefined, []).identity);
    expect(new Set(ids)).toEqual(new Set(['lib://qvds/sales/orders.qvd']));
    expect(fileDataset('lib://QVDs/a.qvd', undefined, [])).toMatchObject({
      datasetType: 'qvd',
      format: 'qvd',
      connection: 'QVDs',
    });
    expect(fileDataset('lib://Files/a.csv', 'txt', [])).toMatchObject({ datasetType: 'file', format: 'txt' });
  });

  it('resolves a folder connection with an absolute path to the physical file, so two connections to one folder match', () => {
    const connections = [
      { name: 'QVDs', type: 'folder', connectionString: '\\\\fs01\\qlik\\qvd\\' },
      { name: 'Archive', type: 'folder', connectionString: '\\\\FS01\\Qlik' },
    ];
    expect(fileDataset('lib://QVDs/Orders.qvd', undefined, connections).identity).toBe(
      'file://fs01/qlik/qvd/orders.qvd',
    );
    expect(fileDataset('lib://Archive/QVD/orders.QVD', undefined, connections).identity).toBe(
      'file://fs01/qlik/qvd/orders.qvd',
    );
    expect(fileDataset('\\\\fs01\\qlik\\qvd\\orders.qvd', undefined, []).identity).toBe(
      'file://fs01/qlik/qvd/orders.qvd',
    );
    expect(fileDataset('C:\\Data\\X.qvd', undefined, []).identity).toBe('file:///c:/data/x.qvd');
  });

  it('turns unresolved $(…) into wildcards and matches concrete paths against them', () => {
    const ref = fileDataset('lib://QVDs/Sales_$(vYear)_$(v$(x)).qvd', undefined, []);
    expect(ref).toMatchObject({ pattern: true, identity: 'lib://qvds/sales_*_*.qvd' });
    expect(globMatches(ref.identity, 'lib://qvds/sales_2024_eu.qvd')).toBe(true);
    expect(globMatches(ref.identity, 'lib://qvds/other.qvd')).toBe(false);
  });

  it.each([
    ['lib://qvds/sales_*_*.qvd', 'lib://qvds/sales_2024_eu.qvd', true],
    ['lib://qvds/*.qvd', 'lib://qvds/2024/q1/sales.qvd', true],
    ['LIB://QVDs/Sales_?.QVD', 'lib://qvds/sales_1.qvd', true],
    ['lib://qvds/sales_?.qvd', 'lib://qvds/sales_10.qvd', false],
    ['file:///c:/data/*.qvd', 'file:///c:/data/x.qvd', true],
    ['file:///c:/data/*.qvd', 'file:///c:/data/x.qvdx', false],
    ['relative:a.b+(c)[d]$^|{e}\\*', 'relative:a.b+(c)[d]$^|{e}\\f', true],
    ['relative:a.b', 'relative:axb', false],
    ['relative:ärger_*', 'relative:ÄRGER_1', true],
    ['relative:ss', 'relative:ß', false],
    ['relative:s', 'relative:ſ', false],
    ['*', '', true],
    ['?', '', false],
  ])('matches glob %j against %j as before: %s', (pattern, identity, expected) => {
    expect(globMatches(pattern, identity)).toBe(expected);
    expect(formerGlobMatches(pattern, identity)).toBe(expected);
  });

  it('matches an adversarial glob against a long identity within a liveness bound', () => {
    // The RegExp this replaced needed seconds for the first line alone (about n⁴).
    const long = `lib://qvds/${'a'.repeat(10_000)}.qvd`;
    const started = performance.now();
    expect(globMatches('*a*a*a*b', 'a'.repeat(800))).toBe(false);
    expect(globMatches('lib://qvds/*a*a*a*a*a*a*a*a*b.qvd', long)).toBe(false);
    expect(globMatches('lib://qvds/*a*a*a*a*a*a*a*a*.qvd', long)).toBe(true);
    const ref = fileDataset('lib://QVDs/$(v1)a$(v2)a$(v3)a$(v4)a$(v5)b.qvd', undefined, []);
    expect(globMatches(ref.identity, long)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('lets * match across line breaks, which the former RegExp did not', () => {
    expect(globMatches('relative:a*b', 'relative:a\nb')).toBe(true);
  });

  it('names database tables by connection and unquoted table name', () => {
    expect(dbTableDataset('SalesDB', '[dbo].[Orders]').identity).toBe('db://salesdb/dbo.orders');
    expect(dbTableDataset('SalesDB', '"dbo"."Orders"').table).toBe('dbo.Orders');
  });
});

describe('GetLineage discriminators', () => {
  it.each([
    ['{STORE - [lib://QVDs/a.qvd] (qvd)};', { kind: 'store', path: 'lib://QVDs/a.qvd', format: 'qvd' }],
    [
      '{STORE - [lib://space:DataFiles/out.qvd](qvd)};',
      { kind: 'store', path: 'lib://space:DataFiles/out.qvd', format: 'qvd' },
    ],
    ['RESIDENT RestConnectorMasterTable;', { kind: 'resident', table: 'RestConnectorMasterTable' }],
    ['DSN=AUTOGENERATE;', { kind: 'autogenerate' }],
    ['INLINE;', { kind: 'inline' }],
    [
      "lib://DataFiles/Regions.csv (txt, utf8, embedded labels, delimiter is ',');",
      { kind: 'file', path: 'lib://DataFiles/Regions.csv', format: 'txt' },
    ],
    ['lib://space:datafiles/file.qvd;', { kind: 'file', path: 'lib://space:datafiles/file.qvd' }],
    ['DSN=https://example.org/data/file.txt;', { kind: 'web', path: 'https://example.org/data/file.txt' }],
    ['{AF_Connections:db_name};', { kind: 'connection', connection: 'AF_Connections:db_name' }],
  ])('%s', (discriminator, expected) => {
    expect(classifyLineageRow({ qDiscriminator: discriminator }).source).toMatchObject(expected);
  });

  it('takes the tables of a connection row from its SQL', () => {
    expect(
      classifyLineageRow({
        qDiscriminator: 'SalesDB;',
        qStatement: 'SELECT a FROM dbo.Orders o JOIN dbo.Lines l ON 1=1',
      }).source,
    ).toEqual({
      kind: 'connection',
      connection: 'SalesDB',
      tables: ['dbo.Orders', 'dbo.Lines'],
    });
  });

  it.each([
    ['lib://Apps/Sales.qvf;', 'Binary [lib://Apps/Sales.qvf];', 'lib://Apps/Sales.qvf'],
    // An app id alone would otherwise read as a connection name.
    [
      '8fe6f3a2-1111-2222-3333-444455556666;',
      'BINARY 8fe6f3a2-1111-2222-3333-444455556666;',
      '8fe6f3a2-1111-2222-3333-444455556666',
    ],
  ])('tells a BINARY row (%s) by its statement', (qDiscriminator, qStatement, path) => {
    expect(classifyLineageRow({ qDiscriminator, qStatement }).source).toEqual({ kind: 'binary', path });
  });
});

describe('connection strings', () => {
  // The rules live in core's redact(); this pins the shapes lineage relied on before it moved there.
  it('redacts passwords in the usual spellings', () => {
    expect(redact('Provider=X;Password=s3cret;User ID=u')).toBe('Provider=X;Password=***;User ID=***');
    expect(redact('ODBC CONNECT TO [DSN] (XUserId is abc, XPassword is xyz)')).toBe(
      'ODBC CONNECT TO [DSN] (XUserId is ***, XPassword is ***)',
    );
    expect(redact('postgres://user:pw@host/db')).toBe('postgres://***:***@host/db');
  });
});

/** The RegExp-based glob lineage used before, kept as an oracle for unchanged results. */
function formerGlobMatches(pattern: string, identity: string): boolean {
  const rx = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${rx}$`, 'i').test(identity);
}
