import type { Simulator } from '@qixflow/sense-sim';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  appLayout,
  type GenericObjectLayout,
  notifications,
  objectLayout,
  type SessionState,
  sessionObject,
  sessionObjectLayout,
  sessionState,
} from '../../src/index.js';
import { eventually, KPI, openApp, SHEET_CUSTOMERS, settle, useSimulator } from '../helpers.js';

let sim: Simulator;
useSimulator((started) => {
  sim = started;
});

interface Note extends GenericObjectLayout {
  text: string;
}

describe('across a socket drop (suspendOnClose) and resume', () => {
  it('waits while suspended, then re-acquires handles and catches up with what changed meanwhile', async () => {
    const identity = `resume-${process.pid}`;
    const app = await openApp(sim, { identity, ttl: 30, suspendOnClose: true });
    const { doc, session, traffic } = app;
    const states: SessionState[] = [];
    const stateSub = sessionState(doc).subscribe((s) => states.push(s));

    const sheets: GenericObjectLayout[] = [];
    const notes: Note[] = [];
    const subs = [
      objectLayout(doc, SHEET_CUSTOMERS).subscribe((l) => sheets.push(l)),
      sessionObjectLayout(doc, { qInfo: { qId: 'resume-note', qType: 'note' }, text: 'before' }).subscribe((l) =>
        notes.push(l),
      ),
    ];
    await eventually(() => sheets.length === 1 && notes.length === 1);

    expect(sim.control.dropSockets()).toBeGreaterThan(0);
    await eventually(() => states.at(-1) === 'suspended', 2000, 'suspended');

    // subscribing while suspended: no error, it waits
    const kpis: GenericObjectLayout[] = [];
    let kpiError: unknown;
    const kpiSub = objectLayout(doc, KPI).subscribe({ next: (l) => kpis.push(l), error: (e) => (kpiError = e) });

    // meanwhile another client renames the sheet
    const other = await openApp(sim);
    const sheet = await other.doc.getObject(SHEET_CUSTOMERS);
    const props = await sheet.getProperties();
    await sheet.setProperties({ ...props, qMetaDef: { ...props.qMetaDef, title: 'Renamed during the outage' } });
    await settle(50);
    expect(kpis).toHaveLength(0);
    expect(kpiError).toBeUndefined();
    expect(sheets).toHaveLength(1);

    traffic.clear();
    await session.resume();
    await eventually(() => states.at(-1) === 'resumed');
    await eventually(() => sheets.length === 2 && kpis.length === 1, 3000, 'streams after resume');
    expect(sheets[1]!.qMeta?.title).toBe('Renamed during the outage');
    expect(kpis[0]!.qInfo?.qId).toBe(KPI);
    // re-attached (ttl): the session object survived and was re-acquired by id, not re-created
    expect(traffic.count('CreateSessionObject')).toBe(0);
    expect(traffic.requests('GetObject').map((f) => f.params)).toEqual(
      expect.arrayContaining([['resume-note'], [SHEET_CUSTOMERS], [KPI]]),
    );
    expect(kpiError).toBeUndefined();
    expect(states).toEqual(['connected', 'suspended', 'resumed']);

    // the re-acquired handles are live: a change is still followed
    const note = await firstValueFrom(
      sessionObject(doc, { qInfo: { qId: 'resume-note', qType: 'note' }, text: 'before' }),
    );
    await note.setProperties({ qInfo: { qId: 'resume-note', qType: 'note' }, text: 'after' });
    await eventually(() => notes.at(-1)?.text === 'after');

    await sheet.setProperties(props);
    for (const s of [...subs, kpiSub, stateSub]) s.unsubscribe();
    await eventually(() => traffic.count('DestroySessionObject') === 1); // the note, after the resume
    await other.close();
    await app.close();
  });

  it('re-creates session objects when the resume lands in a new engine session', async () => {
    const app = await openApp(sim, { suspendOnClose: true }); // no ttl: the engine session ends with the socket
    const { doc, session, traffic } = app;
    const notes: Note[] = [];
    const sub = sessionObjectLayout(doc, { qInfo: { qId: 'fresh-note', qType: 'note' }, text: 'x' }).subscribe((l) =>
      notes.push(l),
    );
    await eventually(() => notes.length === 1);
    const states: SessionState[] = [];
    const stateSub = sessionState(doc).subscribe((s) => states.push(s));
    sim.control.dropSockets();
    await eventually(() => states.at(-1) === 'suspended');
    traffic.clear();
    await session.resume();
    await eventually(() => traffic.count('CreateSessionObject') === 1, 2000, 're-created');
    await eventually(() => traffic.count('GetLayout') >= 1);
    const note = await firstValueFrom(sessionObject(doc, { qInfo: { qId: 'fresh-note', qType: 'note' }, text: 'x' }));
    await note.setProperties({ qInfo: { qId: 'fresh-note', qType: 'note' }, text: 'y' });
    await eventually(() => notes.at(-1)?.text === 'y');
    sub.unsubscribe();
    stateSub.unsubscribe();
    await eventually(() => traffic.count('DestroySessionObject') === 1);
    await app.close();
  });

  it('fails streams with ERR_SESSION_CLOSED instead of hanging when the session closes for good', async () => {
    const app = await openApp(sim); // suspendOnClose: false
    const { doc } = app;
    const errors: unknown[] = [];
    const completed: string[] = [];
    const watch = (name: string) => ({
      error: (e: unknown) => errors.push(e),
      complete: () => completed.push(name),
    });
    objectLayout(doc, KPI).subscribe(watch('object'));
    sessionObjectLayout(doc, { qInfo: { qType: 'closing' } }).subscribe(watch('session'));
    appLayout(doc).subscribe(watch('app'));
    const states: SessionState[] = [];
    sessionState(doc).subscribe((s) => states.push(s));
    await settle(100);

    sim.control.dropSockets();
    await eventually(() => errors.length === 3, 2000, 'three errors');
    expect(completed).toEqual([]);
    for (const error of errors) expect(error).toMatchObject({ name: 'RxQixError', code: 'ERR_SESSION_CLOSED' });
    expect(states.at(-1)).toBe('closed');

    // and a stream started afterwards fails at once
    await expect(firstValueFrom(objectLayout(doc, KPI))).rejects.toMatchObject({ code: 'ERR_SESSION_CLOSED' });
    await app.close();
  });

  it('completes streams (no error) when the owner closes the session', async () => {
    const app = await openApp(sim);
    const { doc, session } = app;
    const events: string[] = [];
    const watch = (name: string) => ({
      error: (e: unknown) => events.push(`${name} error ${(e as Error).message}`),
      complete: () => events.push(`${name} complete`),
    });
    objectLayout(doc, KPI).subscribe(watch('object'));
    sessionObjectLayout(doc, { qInfo: { qType: 'owner-closed' } }).subscribe(watch('session'));
    appLayout(doc).subscribe(watch('app'));
    await settle(100);
    await session.close();
    await eventually(() => events.length === 3, 2000, 'three completions');
    expect(events.sort()).toEqual(['app complete', 'object complete', 'session complete']);
    expect(await firstValueFrom(sessionState(doc))).toBe('closed');
  });

  it('fails with ERR_SESSION_CLOSED when a suspended session is closed instead of resumed', async () => {
    const app = await openApp(sim, { suspendOnClose: true, ttl: 5 });
    const { doc, session } = app;
    const states: SessionState[] = [];
    sessionState(session).subscribe((s) => states.push(s));
    const seen: GenericObjectLayout[] = [];
    let liveError: unknown;
    objectLayout(doc, KPI).subscribe({ next: (l) => seen.push(l), error: (e: unknown) => (liveError = e) });
    await eventually(() => seen.length === 1);
    sim.control.dropSockets();
    await eventually(() => states.at(-1) === 'suspended');
    const waiting = firstValueFrom(objectLayout(doc, 'another-one')).catch((e: unknown) => e);
    await settle(30);
    await session.close();
    expect(await waiting).toMatchObject({ code: 'ERR_SESSION_CLOSED' });
    await eventually(() => liveError !== undefined);
    expect(liveError).toMatchObject({ code: 'ERR_SESSION_CLOSED' });
    expect(states).toEqual(['connected', 'suspended', 'closed']);
  });

  it('passes push notifications through', async () => {
    const app = await openApp(sim, { suspendOnClose: true, ttl: 5 });
    const seen = firstValueFrom(notifications(app.doc, 'OnConnected'));
    sim.control.dropSockets();
    await eventually(async () => (await firstValueFrom(sessionState(app.doc))) === 'suspended');
    await app.session.resume();
    expect(await seen).toEqual({ method: 'OnConnected', params: { qSessionState: 'SESSION_ATTACHED' } });
    await app.close();
  });
});
