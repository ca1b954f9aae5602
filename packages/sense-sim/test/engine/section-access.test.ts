import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSimulator, type Simulator } from '../../src/index.js';
import { allowedOrigin, appUrl, handshake } from '../helpers.js';
import { openEnigma, type Qix } from './engine-helpers.js';

const APP = 'app-secured';

/**
 * Orders by customer, customers by region (associated through CUSTOMER), and a rate table
 * associated with neither. Hand-worked totals of Sum(AMOUNT):
 *   EU = C1 + C2 = orders 1, 2, 3 = 10 + 20 + 30 = 60;  US = C3 = order 4 = 40;  APAC = C4 = 50;
 *   everything = 150.  Sum(MARGIN): EU 1 + 2 = 3, US 3, all 10.
 * `*` in REGION means the values listed in the REGION column (EU, US, NORDICS), not APAC:
 *   bob sees EU + US = 100.  NORDICS is in no data: erica, a USER, is refused (strict exclusion);
 *   ghost, an ADMIN, is not refused and sees everything (150). auditor, an ADMIN reduced to US, sees 40.
 */
function script(aliceRegion: string): string {
  return `Section Access;
LOAD * INLINE [
ACCESS, USERID, GROUP, REGION, OMIT
USER, CORP\\alice, , ${aliceRegion},
USER, corp\\BOB, , *, MARGIN
USER, *, finance, US,
ADMIN, CORP\\ROOT, , ,
ADMIN, CORP\\AUDITOR, , US,
ADMIN, CORP\\GHOST, , NORDICS,
USER, CORP\\ERICA, , NORDICS,
];
Section Application;
Orders:
LOAD * INLINE [
ORDERID, CUSTOMER, AMOUNT
1, C1, 10
2, C1, 20
3, C2, 30
4, C3, 40
5, C4, 50
];
Customers:
LOAD * INLINE [
CUSTOMER, REGION, MARGIN
C1, EU, 1
C2, EU, 2
C3, US, 3
C4, APAC, 4
];
Rates:
LOAD * INLINE [
CURRENCY, RATE
EUR, 1
USD, 2
];`;
}

const ACCESS_DENIED = { code: 5, message: 'Access denied' };

/** A plain enigma.js session through the JWT virtual proxy, as the user the claims name. */
async function viaProxy(sim: Simulator, claims: JWTPayload): Promise<{ session: EnigmaJS.Session; global: Qix }> {
  const { cookie, csrf } = await handshake(sim, claims);
  const session = enigma.create({
    schema,
    url: appUrl(sim, APP, csrf),
    createSocket: (url: string) =>
      new WebSocket(url, {
        ca: sim.ca,
        headers: { cookie },
        origin: allowedOrigin(sim),
      }) as unknown as globalThis.WebSocket,
    suspendOnClose: false,
  });
  return { session, global: (await session.open()) as Qix };
}

/** Opens the app as a user and reads what they see. */
async function seen(app: Qix): Promise<{ amount: string; margin: string; rates: string; regions: string[] }> {
  const list = (await app.createSessionObject({
    qInfo: { qType: 'regions' },
    qListObjectDef: {
      qDef: { qFieldDefs: ['REGION'], qSortCriterias: [{ qSortByAscii: 1 }] },
      qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 1, qHeight: 10 }],
    },
  })) as Qix;
  const matrix = (await list.getLayout()).qListObject.qDataPages[0].qMatrix as { qText: string }[][];
  return {
    amount: await app.evaluate('Sum(AMOUNT)'),
    margin: await app.evaluate('Sum(MARGIN)'),
    rates: await app.evaluate('Count(CURRENCY)'),
    regions: matrix.map((row) => row[0]?.qText ?? ''),
  };
}

async function fieldNames(app: Qix): Promise<string[]> {
  const list = (await app.createSessionObject({ qInfo: { qType: 'fields' }, qFieldListDef: {} })) as Qix;
  return ((await list.getLayout()).qFieldList.qItems as { qName: string }[]).map((f) => f.qName).sort();
}

describe('section access, keyed by the identity the JWT virtual proxy established (plain enigma.js)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: { apps: [{ id: APP, name: 'Secured', script: script('EU') }] } });
  });
  afterAll(() => sim.close());

  it('reduces each user to their rows, through the associations; other users are unaffected', async () => {
    const alice = await viaProxy(sim, { userId: 'alice', userDirectory: 'CORP' });
    const root = await viaProxy(sim, { userId: 'root', userDirectory: 'corp' });
    const aliceApp = (await alice.global.openDoc(APP)) as Qix;
    const rootApp = (await root.global.openDoc(APP)) as Qix;
    expect(await seen(aliceApp)).toEqual({ amount: '60', margin: '3', rates: '2', regions: ['EU'] });
    // ADMIN without a reduction value sees everything — while alice's session is open.
    expect(await seen(rootApp)).toEqual({ amount: '150', margin: '10', rates: '2', regions: ['APAC', 'EU', 'US'] });
    expect(await aliceApp.evaluate('Count(ORDERID)')).toBe('3');
    expect(await aliceApp.getAppProperties()).toMatchObject({ qHasSectionAccess: true });
    // The access table is not part of the data model.
    expect(await fieldNames(rootApp)).toEqual([
      'AMOUNT',
      'CURRENCY',
      'CUSTOMER',
      'MARGIN',
      'ORDERID',
      'RATE',
      'REGION',
    ]);
    await alice.session.close();
    await root.session.close();
  });

  it('OMIT removes a field for that user; * means every value listed in the column', async () => {
    const bob = await viaProxy(sim, { userId: 'bob', userDirectory: 'CORP' });
    const app = (await bob.global.openDoc(APP)) as Qix;
    expect(await fieldNames(app)).toEqual(['AMOUNT', 'CURRENCY', 'CUSTOMER', 'ORDERID', 'RATE', 'REGION']);
    expect(await app.evaluate('Sum(AMOUNT)')).toBe('100');
    // As for any field the model does not have.
    expect(await app.evaluate('Sum(MARGIN)')).toBe('Error in expression: field MARGIN not found');
    await bob.session.close();
  });

  it('ADMIN is reduced by its values; an ADMIN whose values match no data sees everything', async () => {
    const auditor = await viaProxy(sim, { userId: 'auditor', userDirectory: 'CORP' });
    expect(await seen((await auditor.global.openDoc(APP)) as Qix)).toEqual({
      amount: '40',
      margin: '3',
      rates: '2',
      regions: ['US'],
    });
    await auditor.session.close();
    const ghost = await viaProxy(sim, { userId: 'ghost', userDirectory: 'CORP' });
    expect(await seen((await ghost.global.openDoc(APP)) as Qix)).toMatchObject({ amount: '150', margin: '10' });
    await ghost.session.close();
  });

  it('GROUP matches the groups claim the proxy maps (case-insensitively)', async () => {
    const carol = await viaProxy(sim, { userId: 'carol', userDirectory: 'CORP', groups: ['Sales', 'FINANCE'] });
    const app = (await carol.global.openDoc(APP)) as Qix;
    expect(await seen(app)).toEqual({ amount: '40', margin: '3', rates: '2', regions: ['US'] });
    await carol.session.close();
  });

  it('an unlisted user, and a USER whose reduction matches no data, are refused: OpenDoc answers Access denied', async () => {
    const dave = await viaProxy(sim, { userId: 'dave', userDirectory: 'CORP', groups: ['sales'] });
    await expect(dave.global.openDoc(APP)).rejects.toMatchObject(ACCESS_DENIED);
    await dave.session.close();
    const erica = await viaProxy(sim, { userId: 'erica', userDirectory: 'CORP' });
    await expect(erica.global.openDoc(APP)).rejects.toMatchObject(ACCESS_DENIED);
    await erica.session.close();
  });

  it('a DoReload with a new section access applies to the sessions opened after it', async () => {
    const root = await viaProxy(sim, { userId: 'root', userDirectory: 'CORP' });
    const rootApp = (await root.global.openDoc(APP)) as Qix;
    await rootApp.setScript(script('APAC'));
    expect(await rootApp.doReload()).toBe(true);
    const alice = await viaProxy(sim, { userId: 'alice', userDirectory: 'CORP' });
    const aliceApp = (await alice.global.openDoc(APP)) as Qix;
    expect(await seen(aliceApp)).toEqual({ amount: '50', margin: '4', rates: '2', regions: ['APAC'] });
    await rootApp.setScript(script('EU'));
    expect(await rootApp.doReload()).toBe(true);
    expect(await aliceApp.evaluate('Sum(AMOUNT)')).toBe('60');
    await alice.session.close();
    await root.session.close();
  });
});

describe('section access on the engine-only listener: identity from the X-Qlik-User header', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: { apps: [{ id: APP, name: 'Secured', script: script('EU') }] } });
  });
  afterAll(() => sim.close());

  const asUser = (header: string | undefined) =>
    openEnigma(sim, `${APP}/identity/sa-${Math.random()}`, header ? { headers: { 'X-Qlik-User': header } } : {});

  it('reduces by the header user; an unlisted or anonymous one is refused', async () => {
    const alice = await asUser('UserDirectory=CORP; UserId=alice');
    const aliceApp = (await alice.global.openDoc(APP)) as Qix;
    expect(await seen(aliceApp)).toEqual({ amount: '60', margin: '3', rates: '2', regions: ['EU'] });
    const root = await asUser('UserDirectory=CORP; UserId=ROOT');
    expect(await seen((await root.global.openDoc(APP)) as Qix)).toMatchObject({ amount: '150' });
    for (const header of ['UserDirectory=CORP; UserId=mallory', undefined]) {
      const other = await asUser(header);
      await expect(other.global.openDoc(APP)).rejects.toMatchObject(ACCESS_DENIED);
      await other.session.close();
    }
    await alice.session.close();
    await root.session.close();
  });

  it('BINARY carries the section access along: a session app cannot read around it', async () => {
    const alice = await asUser('UserDirectory=CORP; UserId=alice');
    const copy = (await alice.global.createSessionApp()) as Qix;
    await copy.setScript(`Binary ${APP};`);
    expect(await copy.doReload()).toBe(true);
    expect(await copy.evaluate('Sum(AMOUNT)')).toBe('60');
    expect(await copy.getAppProperties()).toMatchObject({ qHasSectionAccess: true });
    await alice.session.close();
  });
});
