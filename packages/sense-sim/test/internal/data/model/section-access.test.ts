import { describe, expect, it } from 'vitest';
import type { LoadedModel, SectionAccessData } from '../../../../src/internal/data/model/loaded-model.js';
import { modelForUser } from '../../../../src/internal/data/model/reduce-model.js';
import { grantFor } from '../../../../src/internal/data/model/section-access-grant.js';
import { tableRows } from '../../../../src/internal/data/model/table-rows.js';
import { runScript } from '../../../../src/internal/reload/run-script.js';
import { scriptEvaluator } from '../../../../src/internal/reload/script-evaluator.js';

const run = (script: string): Promise<LoadedModel> =>
  runScript(script, { dataDir: '', connections: [], evaluate: scriptEvaluator(() => 0) });

const user = (userId: string, groups: string[] = []) => ({ userDirectory: 'corp', userId, groups });

describe('section access in the reload', () => {
  it('keeps the access tables out of the data model, upper-casing their names and values', async () => {
    const model = await run(
      'Section Access;\nLOAD * INLINE [\naccess, userid, Region\nuser, corp\\ann, eu\n];\nSection Application;\nT:\nLOAD * INLINE [\nREGION, X\nEU, 1\n];',
    );
    expect(model.tables.map((t) => t.name)).toEqual(['T']);
    expect(model.sectionAccess).toEqual({
      fields: ['ACCESS', 'USERID', 'REGION'],
      rows: [{ ACCESS: 'USER', USERID: 'CORP\\ANN', REGION: 'EU' }],
    });
  });

  it('leaves a script without an access section without section access', async () => {
    expect((await run('T:\nLOAD 1 AS X AUTOGENERATE 1;')).sectionAccess).toBeUndefined();
  });
});

describe('grantFor: which rows admit a user, and what they grant', () => {
  const access: SectionAccessData = {
    fields: ['ACCESS', 'USERID', 'GROUP', 'REGION', 'OMIT'],
    rows: [
      { ACCESS: 'USER', USERID: 'CORP\\ANN', GROUP: '', REGION: 'EU', OMIT: '' },
      { ACCESS: 'USER', USERID: 'CORP\\ANN', GROUP: '', REGION: 'US', OMIT: 'COST' },
      { ACCESS: 'USER', USERID: '*', GROUP: 'HR', REGION: '*', OMIT: '*' },
      { ACCESS: 'READ', USERID: 'CORP\\BEN', GROUP: '', REGION: 'EU', OMIT: '' },
      { ACCESS: 'USER', USERID: '', GROUP: '', REGION: 'EU', OMIT: '' },
      { ACCESS: 'ADMIN', USERID: 'CORP\\ROOT', GROUP: '', REGION: '', OMIT: 'NAME' },
    ],
  };

  it('adds up the values of every admitting row', () => {
    expect(grantFor(access, user('Ann'))).toEqual({
      admin: false,
      reductions: new Map([['REGION', new Set(['EU', 'US'])]]),
      omit: new Set(['COST']),
    });
  });

  it('* in USERID admits everyone (a GROUP still applies); * elsewhere means every value listed', () => {
    expect(grantFor(access, user('zoe', ['hr']))).toEqual({
      admin: false,
      reductions: new Map([['REGION', new Set(['EU', 'US'])]]),
      omit: new Set(['COST', 'NAME']),
    });
    expect(grantFor(access, user('zoe', ['sales']))).toBeUndefined();
  });

  it('admits nobody through an unknown ACCESS level or a row without identity', () => {
    expect(grantFor(access, user('ben'))).toBeUndefined();
    expect(grantFor(access, user('nobody'))).toBeUndefined();
  });

  it('an ADMIN row grants admin', () => {
    expect(grantFor(access, user('root'))).toMatchObject({ admin: true, omit: new Set(['NAME']) });
  });
});

describe('modelForUser: the reduced model', () => {
  const SCRIPT = `Section Access;
LOAD * INLINE [
ACCESS, USERID, REGION, OMIT
USER, CORP\\ANN, EU, PRICE
USER, CORP\\EVE, NONE,
ADMIN, CORP\\ROOT, NONE,
];
Section Application;
Facts:
LOAD * INLINE [
CUSTOMER, PRICE
C2, 5
C1, 7
C3, 9
];
Customers:
LOAD * INLINE [
CUSTOMER, REGION
C1, US
C2, EU
C3, EU
];`;

  it('keeps the associated rows, renumbers the values, drops OMIT fields; refuses a USER matching no data', async () => {
    const loaded = await run(SCRIPT);
    const ann = modelForUser(loaded, user('ann'));
    if (!('model' in ann)) throw new Error('ann is admitted');
    expect(ann.model.tables.map((t) => [t.name, t.fields, tableRows(t).map((r) => r.map((c) => c?.text))])).toEqual([
      ['Facts', ['CUSTOMER'], [['C2'], ['C3']]],
      [
        'Customers',
        ['CUSTOMER', 'REGION'],
        [
          ['C2', 'EU'],
          ['C3', 'EU'],
        ],
      ],
    ]);
    expect(ann.model.tables[1]?.columns[1]?.values.map((v) => v.text)).toEqual(['EU']);
    expect(modelForUser(loaded, user('eve'))).toEqual({ denied: true });
    const root = modelForUser(loaded, user('root'));
    expect('model' in root && root.model.tables.map((t) => t.rowCount)).toEqual([3, 3]);
    // One reduced model per reload and user.
    expect(modelForUser(loaded, user('ann'))).toBe(ann);
  });
});
