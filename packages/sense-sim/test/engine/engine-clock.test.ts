import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, ManualClock, type Simulator } from '../../src/index.js';
import { handshake, http } from '../helpers.js';
import { eventually, openEnigma, type Qix } from './engine-helpers.js';

const XRF = 'abcdefghij012345';
const SCRIPT = 'T:\nLOAD * INLINE [\nA\n1\n2\n];\n';
// Far from real time, so a stamp taken from Date.now() could not pass for one taken from the clock.
const CLOCK_START = Date.UTC(2031, 0, 2, 3, 4, 5);
const SITE = {
  reloadTasks: [{ name: 'Reload Clocked', app: 'app-clocked' }],
  apps: [{ id: 'app-clocked', name: 'Clocked', script: SCRIPT }],
};

/** Qlik's serial day number of a time (ms since the epoch), as `qUtcModifyTime` holds it. */
const serialDay = (ms: number): number => ms / 86_400_000 + 25_569;

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("the engine's stamps follow the simulator's clock", () => {
  it("a bookmark's qUtcModifyTime is the injected clock's time when it was created", async () => {
    const clock = new ManualClock(CLOCK_START);
    sim = await createSimulator({ clock, site: SITE });
    const { session, global } = await openEnigma(sim, 'app-clocked/identity/engine-clock');
    try {
      const app = (await global.openDoc('app-clocked')) as Qix;
      const first = (await app.createBookmark({ qInfo: { qId: 'first', qType: 'bookmark' } })) as Qix;
      expect((await first.getLayout()).qBookmark.qUtcModifyTime).toBe(serialDay(CLOCK_START));

      clock.advance(36 * 3600_000);
      const second = (await app.createBookmark({ qInfo: { qId: 'second', qType: 'bookmark' } })) as Qix;
      expect((await second.getLayout()).qBookmark.qUtcModifyTime).toBe(serialDay(CLOCK_START + 36 * 3600_000));
    } finally {
      await session.close();
    }
  });

  it("a reload task's run is timed by the injected clock: its record, QRS's execution result, the app's reload time", async () => {
    const clock = new ManualClock(CLOCK_START);
    sim = await createSimulator({ clock, site: SITE });
    const s = sim;
    let cookie = '';
    const qrs = async <T>(method: string, path: string): Promise<{ status: number; body: T }> => {
      const answer = await http(s, method, `/jwt/qrs/${path}${path.includes('?') ? '&' : '?'}xrfkey=${XRF}`, {
        cookie,
        'x-qlik-xrfkey': XRF,
      });
      if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.body}`);
      return { status: answer.status, body: (answer.body === '' ? undefined : JSON.parse(answer.body)) as T };
    };
    const taskRecord = () => s.reloads().find((r) => r.appId === 'app-clocked' && r.trigger === 'task');

    const run = async (at: number): Promise<void> => {
      clock.set(at);
      // A proxy session of its own: one from before the clock jumped would have timed out.
      ({ cookie } = await handshake(s));
      const started = await qrs('POST', `task/start/synchronous?name=${encodeURIComponent('Reload Clocked')}`);
      expect(started.status).toBe(201);
      await eventually(() => taskRecord()?.stopTime === new Date(at).toISOString(), 10_000);
      const record = taskRecord();
      expect(record).toMatchObject({ status: 'succeeded', startTime: new Date(at).toISOString() });
      const [task] = (
        await qrs<
          { operational: { lastExecutionResult: { startTime: string; stopTime: string; duration: number } } }[]
        >('GET', `reloadtask/full?filter=${encodeURIComponent("name eq 'Reload Clocked'")}`)
      ).body;
      expect(task?.operational.lastExecutionResult).toMatchObject({
        startTime: new Date(at).toISOString(),
        stopTime: new Date(at).toISOString(),
        duration: 0,
      });
      const app = await qrs<{ lastReloadTime: string }>('GET', 'app/app-clocked');
      expect(app.body.lastReloadTime).toBe(new Date(at).toISOString());
    };

    await run(CLOCK_START);
    // The clock moved on (and only the clock): the next run is stamped with its new time.
    await run(CLOCK_START + 7 * 86_400_000);
  });

  it("a client's DoReload is timed by the clock, and a chart's Now() reads it", async () => {
    const clock = new ManualClock(CLOCK_START);
    sim = await createSimulator({ clock, site: SITE });
    const s = sim;
    const { session, global } = await openEnigma(s, 'app-clocked/identity/engine-clock');
    try {
      const app = (await global.openDoc('app-clocked')) as Qix;
      clock.advance(3600_000);
      expect(await app.doReload()).toBe(true);
      const record = s.reloads().findLast((r) => r.appId === 'app-clocked' && r.trigger === 'engine');
      expect(record?.startTime).toBe(new Date(CLOCK_START + 3600_000).toISOString());
      const now = (await app.evaluateEx('Num(Now())')) as { qNumber: number };
      expect(now.qNumber).toBeCloseTo(serialDay(CLOCK_START + 3600_000), 6);
    } finally {
      await session.close();
    }
  });
});
