import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type SimSiteFixture, type Simulator, SiteFixtureError } from '../../../src/index.js';
import type { LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { rowsOf, tableRows } from '../../../src/internal/data/model/table-rows.js';
import type { DataFolderMapping } from '../../../src/internal/reload/folder-mappings.js';
import type { ReloadConnection } from '../../../src/internal/reload/reload-environment.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';
import { isolated, openEnigma, type Qix } from '../../engine/engine-helpers.js';
import { handshake, http } from '../../helpers.js';

/** A real server's folders, and where the site puts them in the data folder. */
const MAPPINGS: DataFolderMapping[] = [
  { path: 'C:\\QlikData', folder: 'qlikdata' },
  // Longer than C:\QlikData: wins for everything under C:\QlikData\Archive.
  { path: 'c:/qlikdata/ARCHIVE', folder: 'archive' },
  { path: '\\\\fileserver\\qlik', folder: 'share' },
  { path: '/data/qvd', folder: 'linux' },
];

const CONNECTIONS: ReloadConnection[] = [
  { name: 'QVD', type: 'folder', connectionString: 'C:\\QlikData\\QVD' },
  { name: 'Archive', type: 'folder', connectionString: 'C:\\QlikData\\Archive\\2024\\' },
  { name: 'Share', type: 'folder', connectionString: '\\\\FILESERVER\\Qlik\\qvd' },
  { name: 'Linux', type: 'folder', connectionString: '/data/qvd' },
  // POSIX paths are case-sensitive: /Data/QVD is not /data/qvd.
  { name: 'LinuxCase', type: 'folder', connectionString: '/Data/QVD' },
  { name: 'Unmapped', type: 'folder', connectionString: 'D:\\Other' },
  { name: 'Sibling', type: 'folder', connectionString: 'C:\\QlikDataOld' },
];

/** One value per file: where it sits in the data folder tells which mapping placed it. */
const FILES: Record<string, string> = {
  'qlikdata/QVD/orders.csv': 'Src\nqvd\n',
  'qlikdata/QVD/sub/nested.csv': 'Src\nnested\n',
  'qlikdata/shared.csv': 'Src\nqlikdata-root\n',
  'archive/2024/old.csv': 'Src\narchive\n',
  'share/qvd/s.csv': 'Src\nshare\n',
  'linux/l.csv': 'Src\nlinux\n',
};

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qixflow-folder-paths-'));
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(join(dataDir, file, '..'), { recursive: true });
    await writeFile(join(dataDir, file), text);
  }
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function run(script: string): Promise<LoadedModel> {
  return runScript(script, {
    dataDir,
    connections: CONNECTIONS,
    folderMappings: MAPPINGS,
    evaluate: scriptEvaluator(),
  });
}

/** The one value LOADed from `path`. */
async function valueAt(path: string): Promise<string | undefined> {
  const model = await run(`T:\nLOAD Src FROM [${path}] (txt);`);
  return rowsOf(model.tables[0])[0]?.[0]?.text;
}

describe('folder connections with real paths, placed by the site’s mappings', () => {
  it.each([
    ['a Windows drive path', 'lib://QVD/orders.csv', 'qvd'],
    ['a sub-folder, with \\ as separator', 'lib://QVD\\sub\\nested.csv', 'nested'],
    ['the longest mapping (trailing \\ and other case in the string)', 'lib://Archive/old.csv', 'archive'],
    ['a UNC share, case-insensitively', 'lib://Share/s.csv', 'share'],
    ['a POSIX path', 'lib://Linux/l.csv', 'linux'],
    ['.. resolved on the real path (C:\\QlikData\\shared.csv)', 'lib://QVD/../shared.csv', 'qlikdata-root'],
    ['.. into another mapping (C:\\QlikData\\Archive\\2024)', 'lib://QVD/../Archive/2024/old.csv', 'archive'],
  ])('reads through %s', async (_, path, value) => {
    expect(await valueAt(path)).toBe(value);
  });

  it('stores into the mapped folder and reads it back, and FileList lists it as written', async () => {
    const model = await run(
      [
        'T:\nLOAD * INLINE [\nK\nx\ny\n];',
        'STORE T INTO [lib://QVD/out/T.qvd] (qvd);',
        'DROP TABLE T;',
        "FOR EACH f IN FileList('lib://QVD/out/*.qvd')\n  R:\n  LOAD K, '$(f)' AS File FROM [$(f)] (qvd);\nNEXT f",
      ].join('\n'),
    );
    expect(existsSync(join(dataDir, 'qlikdata', 'QVD', 'out', 'T.qvd'))).toBe(true);
    expect(model.tables.map((t) => [t.name, tableRows(t).map((r) => r.map((c) => c?.text))])).toEqual([
      [
        'R',
        [
          ['x', 'lib://QVD/out/T.qvd'],
          ['y', 'lib://QVD/out/T.qvd'],
        ],
      ],
    ]);
    expect(model.lineage.map((l) => l.qDiscriminator)).toEqual([
      'INLINE;',
      '{STORE - [lib://QVD/out/T.qvd] (qvd)};',
      'lib://QVD/out/T.qvd (qvd);',
    ]);
    expect(JSON.parse(await readFile(join(dataDir, 'qlikdata', 'QVD', 'out', 'T.qvd'), 'utf8')).table).toBe('T');
  });

  it.each([
    [
      'a connection whose path no mapping covers',
      'lib://Unmapped/x.csv',
      "Connection 'Unmapped' points outside the data folder: 'lib://Unmapped/x.csv'",
    ],
    [
      'a POSIX path in another case',
      'lib://LinuxCase/l.csv',
      "Connection 'LinuxCase' points outside the data folder: 'lib://LinuxCase/l.csv'",
    ],
    [
      'a path sharing a mapping’s prefix but not its folder',
      'lib://Sibling/x.csv',
      "Connection 'Sibling' points outside the data folder: 'lib://Sibling/x.csv'",
    ],
    [
      '.. leaving the mapped paths',
      'lib://QVD/../../Windows/win.ini',
      "Path outside the data folder: 'lib://QVD/../../Windows/win.ini'",
    ],
    [
      '.. above the drive',
      'lib://QVD/../../../../x.csv',
      "Path outside the data folder: 'lib://QVD/../../../../x.csv'",
    ],
    ['a missing file', 'lib://QVD/missing.csv', "Cannot open file: 'lib://QVD/missing.csv'"],
  ])('refuses %s, naming the connection and the path as written', async (_, path, message) => {
    const error = await run(`T:\nLOAD * FROM [${path}] (txt);`).then(
      () => expect.unreachable('the reload should fail'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScriptError);
    expect((error as ScriptError).message).toBe(message);
    expect((error as ScriptError).line).toBe(1);
    expect((error as ScriptError).message).not.toContain(dataDir);
  });
});

describe('a site with real folder paths', () => {
  let sim: Simulator;
  let workDir: string;
  const closers: (() => Promise<void>)[] = [];

  const site = (mappings: DataFolderMapping[]): SimSiteFixture => ({
    dataFolder: dataDir,
    dataFolderMappings: mappings,
    dataConnections: [{ name: 'QVD', type: 'folder', connectionString: 'C:\\QlikData\\QVD' }],
    apps: [
      {
        id: 'real-paths',
        name: 'Real paths',
        script: 'Orders:\nLOAD Src FROM [lib://QVD/orders.csv] (txt);\nSTORE Orders INTO [lib://QVD/copy.qvd] (qvd);',
      },
    ],
  });

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'qixflow-folder-paths-sim-'));
    sim = await createSimulator({ workDir, reloadOnStart: true, site: site(MAPPINGS) });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await sim.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('reloads through the mapping; GetConnections, GetLineage and QRS show the real path', async () => {
    const { session, global } = await openEnigma(sim, isolated('real-paths'));
    closers.push(() => session.close());
    const app = (await global.openDoc('real-paths')) as Qix;
    expect(await app.evaluate('Only(Src)')).toBe('qvd');
    // STORE wrote into the simulator's copy of the data folder, where C:\QlikData\QVD is mapped.
    expect(existsSync(join(workDir, 'data', 'qlikdata', 'QVD', 'copy.qvd'))).toBe(true);
    const connections = await app.getConnections();
    expect(
      connections.map((c: { qName: string; qConnectionString: string; qType: string }) => [
        c.qName,
        c.qType,
        c.qConnectionString,
      ]),
    ).toEqual([['QVD', 'folder', 'C:\\QlikData\\QVD']]);
    const one = await app.getConnection(connections[0].qId);
    expect(one.qConnectionString).toBe('C:\\QlikData\\QVD');
    expect((await app.getLineage()).map((l: { qDiscriminator: string }) => l.qDiscriminator)).toEqual([
      'lib://QVD/orders.csv (txt);',
      '{STORE - [lib://QVD/copy.qvd] (qvd)};',
    ]);
    const { cookie } = await handshake(sim);
    const xrf = 'abcdefghij012345';
    const answer = await http(sim, 'GET', `/jwt/qrs/dataconnection/full?xrfkey=${xrf}`, {
      cookie,
      'x-qlik-xrfkey': xrf,
    });
    expect(JSON.parse(answer.body)).toMatchObject([
      { name: 'QVD', type: 'folder', connectionstring: 'C:\\QlikData\\QVD' },
    ]);
  });

  it.each([
    [{ path: 'C:\\QlikData', folder: '../elsewhere' }, "folder '../elsewhere' is not a sub-folder of the data folder"],
    [{ path: 'C:\\QlikData', folder: '/etc' }, "folder '/etc' is not a sub-folder of the data folder"],
    [{ path: 'QlikData', folder: 'qlikdata' }, '/dataFolderMappings/0/path must match pattern'],
  ])('refuses a site whose mapping %j is wrong', async (mapping, problem) => {
    const error = await createSimulator({ site: site([mapping]) }).then(
      (s) => s.close().then(() => expect.unreachable('the site should not load')),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SiteFixtureError);
    expect((error as SiteFixtureError).message).toContain(problem);
  });
});
