import type { AppSnapshot } from '../../src/internal/app/app-snapshot.js';

/** A snapshot as the engine would answer, for pure analysis tests. */
export function snapshotOf(script: string, extra: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    appId: 'app-1',
    appName: 'Test app',
    inventory: {},
    script,
    lineage: null,
    connections: [
      { qId: 'c1', qName: 'QVDs', qType: 'folder', qConnectionString: 'C:\\Data\\QVD' },
      { qId: 'c2', qName: 'Files', qType: 'folder', qConnectionString: 'files' },
      {
        qId: 'c3',
        qName: 'ERP',
        qType: 'OLEDB',
        qConnectionString:
          'OLEDB CONNECT TO [Provider=SQLOLEDB.1;Data Source=erp01;Initial Catalog=ERP;Password=secret]',
      },
    ],
    includes: {},
    model: null,
    dimensions: [],
    measures: [],
    variables: [],
    sheets: [],
    masterObjects: [],
    problems: [],
    ...extra,
  };
}
