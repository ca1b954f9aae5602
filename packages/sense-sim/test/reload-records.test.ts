import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, describeReloadFailures, type Simulator } from '../src/index.js';
import { openRaw } from './engine/engine-helpers.js';
import { handshake, http } from './helpers.js';

const XRF = 'abcdefghij012345';
const NEVER = '1753-01-01T00:00:00.000Z';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
// The last successful reload the fixture remembers for the app that now fails.
const PREVIOUS_RELOAD = '2026-02-04T06:00:00.000Z';
const FIXTURE_MODIFIED = '2026-02-03T10:00:00.000Z';
// Fails at line 6: there is no table Nope.
const FAILING = 'SET x = 1;\nT:\nLOAD * INLINE [\nA\n1];\nLOAD A RESIDENT Nope;\n';
const GOOD = 'T:\nLOAD * INLINE [\nA\n1\n2\n];\n';

interface ExecutionResult {
  id: string;
  status: number;
  startTime: string;
  stopTime: string;
  duration: number;
  fileReferenceID: string;
  scriptLogAvailable: boolean;
  scriptLogSize: number;
  scriptLogLocation: string;
  details: { detailsType: number; message: string; detailCreatedDate: string }[];
}
interface Task {
  id: string;
  name: string;
  app: { id: string };
  operational: { lastExecutionResult: ExecutionResult };
}
interface App {
  id: string;
  lastReloadTime: string;
  modifiedDate: string;
}

describe('every reload is recorded: QRS, the engine and the start-up report agree', () => {
  let sim: Simulator;
  let cookie: string;
  let started: number;
  beforeAll(async () => {
    started = Date.now();
    sim = await createSimulator({
      site: {
        reloadTasks: [
          { name: 'Reload Sales', app: 'app-sales' },
          { name: 'Reload Good', app: 'app-good' },
        ],
        apps: [
          {
            id: 'app-sales',
            name: 'Sales',
            script: FAILING,
            modifiedDate: FIXTURE_MODIFIED,
            lastReloadTime: PREVIOUS_RELOAD,
          },
          { id: 'app-good', name: 'Good', script: GOOD, modifiedDate: FIXTURE_MODIFIED },
          { id: 'app-empty', name: 'Empty' },
        ],
      },
    });
    ({ cookie } = await handshake(sim));
  });
  afterAll(() => sim.close());

  const get = (path: string) =>
    http(sim, 'GET', `/jwt/qrs/${path}${path.includes('?') ? '&' : '?'}xrfkey=${XRF}`, {
      cookie,
      'x-qlik-xrfkey': XRF,
    });
  const json = async <T>(path: string): Promise<T> => {
    const answer = await get(path);
    expect(answer.status, path).toBe(200);
    return JSON.parse(answer.body) as T;
  };
  const task = async (name: string): Promise<Task> => {
    const tasks = await json<Task[]>(`reloadtask/full?filter=${encodeURIComponent(`name eq '${name}'`)}`);
    expect(tasks).toHaveLength(1);
    return tasks[0] as Task;
  };

  it('reports the start-up reloads, and describes the failure with the line and the message', () => {
    const reloads = sim.reloads();
    expect(reloads.map((r) => [r.appId, r.trigger, r.status])).toEqual([
      ['app-sales', 'start-up', 'failed'],
      ['app-good', 'start-up', 'succeeded'],
    ]);
    expect(reloads[0]?.error).toEqual({ line: 6, message: "Table 'Nope' not found" });
    expect(describeReloadFailures(reloads)).toEqual([
      `reload of "Sales" (app-sales) failed at line 6: Table 'Nope' not found`,
    ]);
  });

  it('keeps the last successful reload time of an app whose reload failed; stamps the others', async () => {
    const sales = await json<App>('app/app-sales');
    expect(sales.lastReloadTime).toBe(PREVIOUS_RELOAD);
    expect(sales.modifiedDate).toBe(FIXTURE_MODIFIED);
    const good = await json<App>('app/app-good');
    expect(Date.parse(good.lastReloadTime)).toBeGreaterThanOrEqual(started);
    expect(good.lastReloadTime).toBe(sim.reloads()[1]?.stopTime);
    expect(Date.parse(good.modifiedDate)).toBeGreaterThanOrEqual(started);
    expect((await json<App>('app/app-empty')).lastReloadTime).toBe(NEVER);
  });

  it("gives each task's last execution result: status, times, details and a script log", async () => {
    const failed = (await task('Reload Sales')).operational.lastExecutionResult;
    expect(failed.status).toBe(8);
    expect(Date.parse(failed.startTime)).toBeGreaterThanOrEqual(started);
    expect(Date.parse(failed.stopTime) - Date.parse(failed.startTime)).toBe(failed.duration);
    expect(failed.stopTime).toBe(sim.reloads()[0]?.stopTime);
    expect(failed.scriptLogAvailable).toBe(true);
    expect(failed.fileReferenceID).not.toBe(EMPTY_GUID);
    expect(failed.scriptLogLocation).toMatch(
      /^C:\\ProgramData\\Qlik\\Sense\\Log\\Script\\app-sales\.\d{8}T\d{6}\.\d{3}\.\w{16}\.log$/,
    );
    expect(failed.details.map((d) => [d.detailsType, d.message])).toEqual([
      [2, 'Changing task state to Triggered'],
      [2, 'Trying to start task. Sending task to slave scheduler sense-sim'],
      [2, 'Changing task state from Triggered to Started'],
      [2, 'Reference to scriptlog added'],
      [0, 'Message from ReloadProvider: Reload failed in Engine. Check engine or script logs.'],
      [2, 'Changing task state from Started to FinishedFail'],
    ]);
    const good = (await task('Reload Good')).operational.lastExecutionResult;
    expect(good.status).toBe(7);
    expect(good.details.at(-1)?.message).toBe('Changing task state from Started to FinishedSuccess');
  });

  it('serves the script log the way QRS clients fetch it, ending with the failed statement and the error', async () => {
    const sales = await task('Reload Sales');
    const result = sales.operational.lastExecutionResult;
    const reference = await json<{ value: string }>(
      `reloadtask/${sales.id}/scriptlog?fileReferenceId=${result.fileReferenceID}`,
    );
    const log = await get(`download/reloadtask/${reference.value}/scriptlog.txt`);
    expect(log.status).toBe(200);
    expect(Buffer.byteLength(log.body)).toBe(result.scriptLogSize);
    const lines = log.body.split('\r\n');
    expect(lines[0]).toMatch(/^\d{8}T\d{6}\.\d{3}\+0000 Execution started\.$/);
    expect(lines.slice(-5).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      '0006  LOAD A RESIDENT Nope;',
      "      Error: Table 'Nope' not found",
      '      Execution Failed',
      '     Execution finished.',
      '',
    ]);
    // The May 2025 endpoint names the run by its execution result.
    const byResult = await json<{ value: string }>(
      `reloadtask/${sales.id}/scriptlogfile?executionResultId=${result.id}`,
    );
    expect(byResult.value).toBe(reference.value);
    expect((await get(`reloadtask/${sales.id}/scriptlog?fileReferenceId=${EMPTY_GUID}`)).status).toBe(404);
    expect((await get(`download/reloadtask/${EMPTY_GUID}/scriptlog.txt`)).status).toBe(404);
  });

  it('lists execution results, one per task, filterable by status', async () => {
    const results = await json<{ taskID: string; appID: string; status: number; schemaPath: string }[]>(
      'executionresult/full?filter=status%20eq%208',
    );
    expect(results.map((r) => [r.appID, r.status, r.schemaPath])).toEqual([['app-sales', 8, 'ExecutionResult']]);
    expect(results[0]?.taskID).toBe((await task('Reload Sales')).id);
    expect((await json<{ value: number }>('executionresult/count')).value).toBe(2);
  });

  it("a client's reload carries the error in GetProgress and DoReloadEx, and records no task run", async () => {
    const before = (await task('Reload Sales')).operational.lastExecutionResult;
    const raw = await openRaw(sim, 'app-sales/identity/reload-records');
    try {
      const doc = ((await raw.call('OpenDoc', ['app-sales'])).result as { qReturn: { qHandle: number } }).qReturn
        .qHandle;
      const answer = await raw.call('DoReloadEx', [{}], { handle: doc, id: 501 });
      const result = (answer.result as { qResult: Record<string, unknown> }).qResult;
      expect(result).toMatchObject({
        qSuccess: false,
        qEndedWithMemoryConstraint: false,
        qFailureData: {
          qErrors: [
            {
              qDescription: "Table 'Nope' not found",
              qLine: 'LOAD A RESIDENT Nope;',
              qLineNumber: 6,
              qCode: 11001,
              qTitle: 'LOCERR_RELOAD_TABLE_X_NOT_FOUND',
            },
          ],
        },
      });
      expect(result.qScriptLogFile).toMatch(/^C:\\ProgramData\\Qlik\\Sense\\Log\\Script\\app-sales\..+\.log$/);
      const progress = ((await raw.call('GetProgress', [501])).result as { qProgressData: Record<string, unknown> })
        .qProgressData;
      expect(progress.qErrorData).toEqual([
        {
          qErrorString: "Table 'Nope' not found",
          qLineEnd: '',
          qLine: 'LOAD A RESIDENT Nope;',
          qErrorDataCode: 'EDC_ERROR',
          qMessage: { qMessageCode: 0, qMessageParameters: ['6'] },
          qLineNr: 6,
        },
      ]);
      expect(String(progress.qPersistentProgress).split('\n')).toEqual([
        'Started loading data',
        'T << INLINE 1 Lines fetched',
        "The following error occurred: Table 'Nope' not found",
      ]);
      const layout = (
        (await raw.call('GetAppLayout', [], { handle: doc })).result as { qLayout: Record<string, unknown> }
      ).qLayout;
      expect(layout.qLastReloadTime).toBe(PREVIOUS_RELOAD);
      expect(layout.qHasData).toBe(false);
      expect((await json<App>('app/app-sales')).lastReloadTime).toBe(PREVIOUS_RELOAD);
      expect(sim.reloads().at(-1)).toMatchObject({ appId: 'app-sales', trigger: 'engine', status: 'failed' });
      // No task ran: the task keeps its own last run.
      expect((await task('Reload Sales')).operational.lastExecutionResult).toEqual(before);

      await raw.call('SetScript', [GOOD], { handle: doc });
      expect((await raw.call('DoReload', [], { handle: doc })).result).toEqual({ qReturn: true });
      const reloaded = (
        (await raw.call('GetAppLayout', [], { handle: doc })).result as { qLayout: { qLastReloadTime: string } }
      ).qLayout.qLastReloadTime;
      expect(Date.parse(reloaded)).toBeGreaterThan(Date.parse(before.stopTime) - 1);
      const app = await json<App>('app/app-sales');
      expect(app.lastReloadTime).toBe(reloaded);
      expect(Date.parse(app.modifiedDate)).toBeGreaterThanOrEqual(started);
      expect((await task('Reload Sales')).operational.lastExecutionResult).toEqual(before);
    } finally {
      await raw.close();
    }
  });
});
