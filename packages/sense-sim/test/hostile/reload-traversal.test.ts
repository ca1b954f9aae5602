import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { openRaw, type RawEngine } from '../engine/engine-helpers.js';

/**
 * Every name a script controls — connection names, connection strings, `lib://` paths, STORE
 * targets and symbolic links inside the data folder — stays inside the data folder, and the
 * refusal quotes the name as written, never a host path.
 */
describe('no way out of the data folder', () => {
  let workDir: string;
  let outside: string;
  let sim: Simulator;
  let raw: RawEngine;
  let id = 1;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'qixflow-traversal-'));
    outside = join(workDir, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.csv'), 'Secret\nhunter2\n');
    const empty = join(workDir, 'fixture-data');
    await mkdir(empty);
    sim = await createSimulator({
      workDir,
      reloadOnStart: false,
      site: {
        apps: [],
        dataFolder: empty,
        dataConnections: [
          { name: 'Data', type: 'folder', connectionString: 'files' },
          { name: 'Outside', type: 'folder', connectionString: '../outside' },
          { name: 'Absolute', type: 'folder', connectionString: outside },
          { name: 'SalesDB', type: 'ODBC', connectionString: 'ODBC CONNECT TO [SalesDB]' },
          { name: '../../outside', type: 'ODBC', connectionString: 'ODBC CONNECT TO [x]' },
        ],
      },
    });
    const data = join(workDir, 'data');
    await mkdir(join(data, 'files'), { recursive: true });
    await writeFile(join(data, 'files', 'inside.csv'), 'K,V\na,1\nb,2\n');
    await writeFile(join(data, 'files', 'bad.json'), '{ not json');
    await symlink(join(data, 'files', 'inside.csv'), join(data, 'files', 'alias.csv'));
    await symlink(join(outside, 'secret.csv'), join(data, 'files', 'escape.csv'));
    await symlink(join(outside, 'planted.qvd'), join(data, 'files', 'dangling.qvd'));
    await symlink(outside, join(data, 'files', 'linkdir'));
    await mkdir(join(data, 'db', 'SalesDB'), { recursive: true });
    await writeFile(join(data, 'db', 'SalesDB', 'dbo.Orders.csv'), 'OrderID\n1\n');
    await symlink(join(outside, 'secret.csv'), join(data, 'db', 'SalesDB', 'dbo.Leak.csv'));
    raw = await openRaw(sim);
    await raw.call('CreateSessionApp');
  });
  afterAll(async () => {
    await raw.close();
    await sim.close();
    await rm(workDir, { recursive: true, force: true });
  });

  async function reload(script: string): Promise<{ ok: unknown; error: string }> {
    const requestId = id++;
    await raw.call('SetScript', [script], { handle: 1 });
    const answer = await raw.call('DoReload', [], { handle: 1, id: requestId });
    const progress = await raw.call('GetProgress', [requestId]);
    const data = (progress.result as { qProgressData: { qErrorData: { qErrorString: string }[] } }).qProgressData;
    return {
      ok: (answer.result as { qReturn?: unknown }).qReturn,
      error: data.qErrorData[0]?.qErrorString ?? '',
    };
  }

  const INLINE = 'T:\nLOAD * INLINE [\nA\n1\n];\n';

  it.each([
    {
      what: 'a database connection named with ../',
      script: "LIB CONNECT TO '../../outside';\nS:\nSQL SELECT * FROM secret;\n",
      message: "Connection '../../outside' cannot be used for SQL: its name is not a plain folder name",
    },
    {
      what: 'a lib:// path climbing out with ../',
      script: 'S:\nLOAD * FROM [lib://Data/../../outside/secret.csv] (txt);\n',
      message: "Path outside the data folder: 'lib://Data/../../outside/secret.csv'",
    },
    {
      what: 'a folder connection whose relative connection string points outside',
      script: 'S:\nLOAD * FROM [lib://Outside/secret.csv] (txt);\n',
      message: "Connection 'Outside' points outside the data folder: 'lib://Outside/secret.csv'",
    },
    {
      what: 'a folder connection whose absolute connection string points outside',
      script: 'S:\nLOAD * FROM [lib://Absolute/secret.csv] (txt);\n',
      message: "Connection 'Absolute' points outside the data folder: 'lib://Absolute/secret.csv'",
    },
    {
      what: 'a symbolic link in the data folder pointing outside (read)',
      script: 'S:\nLOAD * FROM [lib://Data/escape.csv] (txt);\n',
      message: "Path outside the data folder: 'lib://Data/escape.csv' (a symbolic link leads out of it)",
    },
    {
      what: 'a symbolic link to a folder outside (read)',
      script: 'S:\nLOAD * FROM [lib://Data/linkdir/secret.csv] (txt);\n',
      message: "Path outside the data folder: 'lib://Data/linkdir/secret.csv' (a symbolic link leads out of it)",
    },
    {
      what: 'a symbolic link among a database connection’s tables',
      script: "LIB CONNECT TO 'SalesDB';\nS:\nSQL SELECT * FROM dbo.Leak;\n",
      message: "Path outside the data folder: 'SalesDB: dbo.Leak' (a symbolic link leads out of it)",
    },
    {
      what: 'STORE into a symbolic link (dangling, pointing outside)',
      script: `${INLINE}STORE T INTO [lib://Data/dangling.qvd];\n`,
      message: "Cannot store into a symbolic link: 'lib://Data/dangling.qvd'",
    },
    {
      what: 'STORE through a symbolic link to a folder outside',
      script: `${INLINE}STORE T INTO [lib://Data/linkdir/stored.qvd];\n`,
      message: "Path outside the data folder: 'lib://Data/linkdir/stored.qvd' (a symbolic link leads out of it)",
    },
    {
      what: 'STORE into a new folder under a symbolic link to a folder outside',
      script: `${INLINE}STORE T INTO [lib://Data/linkdir/sub/stored.qvd];\n`,
      message: "Path outside the data folder: 'lib://Data/linkdir/sub/stored.qvd' (a symbolic link leads out of it)",
    },
    {
      what: 'STORE climbing out with ../',
      script: `${INLINE}STORE T INTO [lib://Data/../../outside/stored.qvd];\n`,
      message: "Path outside the data folder: 'lib://Data/../../outside/stored.qvd'",
    },
    {
      what: 'FileList through a symbolic link to a folder outside',
      script: "FOR EACH f IN FileList('lib://Data/linkdir/*.csv')\n  TRACE $(f);\nNEXT f\n",
      message: "Path outside the data folder: 'lib://Data/linkdir/*.csv' (a symbolic link leads out of it)",
    },
    {
      what: 'an include file outside',
      script: '$(Must_Include=lib://Data/../../outside/secret.csv);\n',
      message: "Path outside the data folder: 'lib://Data/../../outside/secret.csv'",
    },
    {
      what: 'a file that is not what its extension says',
      script: 'S:\nLOAD * FROM [lib://Data/bad.json];\n',
      message: "'lib://Data/bad.json' is not valid JSON",
    },
    {
      what: 'a missing file',
      script: 'S:\nLOAD * FROM [lib://Data/missing.csv] (txt);\n',
      message: "Cannot open file: 'lib://Data/missing.csv'",
    },
  ])('refuses $what, naming it as written and no host path', async ({ script, message }) => {
    const outcome = await reload(script);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(message);
    expect(outcome.error).not.toContain(workDir);
    expect(outcome.error).not.toContain(tmpdir());
    expect(existsSync(join(outside, 'planted.qvd'))).toBe(false);
    expect(existsSync(join(outside, 'stored.qvd'))).toBe(false);
    expect(existsSync(join(outside, 'sub'))).toBe(false);
  });

  it('still reads, lists and stores inside the data folder, links that stay inside included', async () => {
    const script = [
      'A:\nLOAD * FROM [lib://Data/inside.csv] (txt);',
      'B:\nNOCONCATENATE LOAD * FROM [lib://Data/alias.csv] (txt);',
      'STORE A INTO [lib://Data/out/new.qvd];',
      "FOR EACH f IN FileList('lib://Data/*.csv')\n  TRACE $(f);\nNEXT f",
      "LIB CONNECT TO 'SalesDB';\nO:\nSQL SELECT * FROM dbo.Orders;",
      '',
    ].join('\n');
    const outcome = await reload(script);
    expect(outcome).toEqual({ ok: true, error: '' });
    expect(existsSync(join(workDir, 'data', 'files', 'out', 'new.qvd'))).toBe(true);
  });
});
