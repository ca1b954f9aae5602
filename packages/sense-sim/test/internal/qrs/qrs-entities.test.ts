import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineProperties, SimSiteFixture } from '../../../src/generated/schemas.js';
import { qrsAbout, qrsEntities } from '../../../src/internal/qrs/qrs-entities.js';
import { queryEntities } from '../../../src/internal/qrs/qrs-query.js';
import { Site } from '../../../src/internal/site/site.js';
import { stableGuid } from '../../../src/internal/site/stable-guid.js';

const NEVER = '1753-01-01T00:00:00.000Z';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
const SITE_TIME = '2026-01-05T08:00:00.000Z';
const ALICE = { userDirectory: 'CORP', userId: 'alice', name: 'Alice Doe' };

/** Engine properties with extra keys (the generated type only names qInfo; fixtures keep the rest). */
function props(qId: string, qType: string, extra: Record<string, unknown> = {}): EngineProperties {
  return { qInfo: { qId, qType }, ...extra };
}

const fixture: SimSiteFixture = {
  name: 'qrs entities test',
  streams: [{ name: 'Finance', owner: ALICE }, { name: 'Everyone' }],
  apps: [
    {
      id: 'app-sales',
      name: 'Sales',
      description: 'Monthly sales',
      stream: 'Finance',
      owner: ALICE,
      createdDate: '2026-02-01T10:00:00.000Z',
      modifiedDate: '2026-02-03T10:00:00.000Z',
      publishTime: '2026-02-02T10:00:00.000Z',
      lastReloadTime: '2026-02-04T06:00:00.000Z',
      tags: ['finance'],
      customProperties: [{ name: 'Department', value: 'Sales' }],
      objects: [
        {
          qProperty: props('sheet-1', 'sheet', { qMetaDef: { title: 'Overview', description: 'KPIs' } }),
          qChildren: [{ qProperty: props('chart-1', 'barchart') }],
        },
        { qProperty: props('sheet-2', 'sheet', { title: 'Old style title' }) },
        { qProperty: props('story-1', 'story', { qMeta: { title: 'The story' } }) },
        { qProperty: props('master-1', 'masterobject', { qMetaDef: { title: 'Revenue bar' } }) },
        { qProperty: props('snap-1', 'embeddedsnapshot') },
      ],
      dimensions: [props('dim-region', 'dimension', { qMetaDef: { title: 'Region' } })],
      measures: [props('mea-revenue', 'measure', { qMetaDef: { title: 'Revenue' } })],
      bookmarks: [props('bm-1', 'bookmark')],
      variables: [props('var-1', 'variable')],
    },
    {
      id: 'app-scratch',
      name: 'Scratch',
      createdDate: '2026-03-01T00:00:00.000Z',
      customProperties: [{ name: 'Department', value: 'Lab' }],
    },
  ],
  dataConnections: [
    { name: 'DataFiles', type: 'folder', connectionString: 'files' },
    { name: 'Warehouse', type: 'ODBC', connectionString: 'ODBC CONNECT TO [DWH]', owner: ALICE },
  ],
  reloadTasks: [
    { name: 'Reload Sales', app: 'app-sales' },
    { name: 'Reload Scratch', app: 'app-scratch', enabled: false },
  ],
};

let workDir: string;
let site: Site;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'qrs-entities-'));
  site = await Site.load(fixture, workDir);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const aliceId = stableGuid('user', 'corp\\alice');
const serviceId = stableGuid('user', 'internal\\sa_repository');
const financeId = stableGuid('stream', 'Finance');
const everyoneId = stableGuid('stream', 'Everyone');

const aliceCondensed = {
  id: aliceId,
  userId: 'alice',
  userDirectory: 'CORP',
  userDirectoryConnectorName: 'CORP',
  name: 'Alice Doe',
  privileges: null,
};
const serviceCondensed = {
  id: serviceId,
  userId: 'sa_repository',
  userDirectory: 'INTERNAL',
  userDirectoryConnectorName: '',
  name: 'sa_repository',
  privileges: null,
};

function one(list: Record<string, unknown>[], name: string): Record<string, unknown> {
  const found = list.find((e) => e.name === name);
  if (!found) throw new Error(`no entity named ${name}`);
  return found;
}

describe('qrsEntities app', () => {
  it('shapes a published app like /qrs/app/full, fields in QRS order', () => {
    const sales = one(qrsEntities(site, 'app', 'full'), 'Sales');
    expect(Object.keys(sales)).toEqual([
      'id',
      'createdDate',
      'modifiedDate',
      'modifiedByUserName',
      'customProperties',
      'owner',
      'name',
      'appId',
      'sourceAppId',
      'targetAppId',
      'publishTime',
      'published',
      'tags',
      'description',
      'stream',
      'fileSize',
      'lastReloadTime',
      'thumbnail',
      'savedInProductVersion',
      'migrationHash',
      'dynamicColor',
      'availabilityStatus',
      'privileges',
      'schemaPath',
    ]);
    expect(sales).toEqual({
      id: 'app-sales',
      createdDate: '2026-02-01T10:00:00.000Z',
      modifiedDate: '2026-02-03T10:00:00.000Z',
      modifiedByUserName: 'CORP\\alice',
      customProperties: [
        {
          id: stableGuid('custompropertyvalue', 'app-sales\u0000Department\u0000Sales'),
          createdDate: '2026-02-01T10:00:00.000Z',
          modifiedDate: '2026-02-03T10:00:00.000Z',
          modifiedByUserName: 'CORP\\alice',
          value: 'Sales',
          definition: {
            id: stableGuid('custompropertydefinition', 'Department'),
            name: 'Department',
            valueType: 'Text',
            // every value in use on the site
            choiceValues: ['Lab', 'Sales'],
            privileges: null,
          },
          schemaPath: 'CustomPropertyValue',
        },
      ],
      owner: aliceCondensed,
      name: 'Sales',
      appId: '',
      sourceAppId: EMPTY_GUID,
      targetAppId: EMPTY_GUID,
      publishTime: '2026-02-02T10:00:00.000Z',
      published: true,
      tags: [{ id: stableGuid('tag', 'finance'), name: 'finance', privileges: null }],
      description: 'Monthly sales',
      stream: { id: financeId, name: 'Finance', privileges: null },
      fileSize: expect.any(Number),
      lastReloadTime: '2026-02-04T06:00:00.000Z',
      thumbnail: '',
      savedInProductVersion: '12.2027.0',
      migrationHash: expect.stringMatching(/^[0-9a-f]{40}$/),
      dynamicColor: '',
      availabilityStatus: 1,
      privileges: null,
      schemaPath: 'App',
    });
    expect(sales.fileSize).toBeGreaterThan(500);
  });

  it('gives an unpublished app a null stream, the 1753 "never" dates and the service account as owner', () => {
    const scratch = one(qrsEntities(site, 'app', 'full'), 'Scratch');
    expect(scratch).toMatchObject({
      owner: serviceCondensed,
      modifiedByUserName: 'INTERNAL\\sa_repository',
      publishTime: NEVER,
      published: false,
      stream: null,
      lastReloadTime: NEVER,
      tags: [],
      description: '',
    });
  });

  it('condenses an app to the AppCondensed fields', () => {
    expect(qrsEntities(site, 'app', 'condensed')).toEqual([
      {
        id: 'app-sales',
        name: 'Sales',
        appId: '',
        publishTime: '2026-02-02T10:00:00.000Z',
        published: true,
        stream: { id: financeId, name: 'Finance', privileges: null },
        savedInProductVersion: '12.2027.0',
        migrationHash: expect.stringMatching(/^[0-9a-f]{40}$/),
        availabilityStatus: 1,
        privileges: null,
      },
      {
        id: 'app-scratch',
        name: 'Scratch',
        appId: '',
        publishTime: NEVER,
        published: false,
        stream: null,
        savedInProductVersion: '12.2027.0',
        migrationHash: expect.stringMatching(/^[0-9a-f]{40}$/),
        availabilityStatus: 1,
        privileges: null,
      },
    ]);
  });

  it('answers the filters clients send', () => {
    const apps = qrsEntities(site, 'app', 'full');
    expect(queryEntities(apps, "name eq 'sales'", null).map((a) => a.id)).toEqual(['app-sales']);
    expect(queryEntities(apps, 'stream.name eq null', null).map((a) => a.id)).toEqual(['app-scratch']);
    expect(queryEntities(apps, "tags.name eq 'finance'", null).map((a) => a.id)).toEqual(['app-sales']);
    expect(
      queryEntities(
        apps,
        "customProperties.definition.name eq 'Department' and customProperties.value eq 'Lab'",
        null,
      ).map((a) => a.id),
    ).toEqual(['app-scratch']);
    expect(queryEntities(apps, `owner.id eq ${aliceId}`, null).map((a) => a.id)).toEqual(['app-sales']);
  });
});

describe('qrsEntities stream and user', () => {
  it('shapes streams, full and condensed', () => {
    expect(qrsEntities(site, 'stream', 'condensed')).toEqual([
      { id: financeId, name: 'Finance', privileges: null },
      { id: everyoneId, name: 'Everyone', privileges: null },
    ]);
    expect(one(qrsEntities(site, 'stream', 'full'), 'Finance')).toEqual({
      id: financeId,
      createdDate: SITE_TIME,
      modifiedDate: SITE_TIME,
      modifiedByUserName: 'CORP\\alice',
      customProperties: [],
      owner: aliceCondensed,
      name: 'Finance',
      tags: [],
      privileges: null,
      schemaPath: 'Stream',
    });
    expect(one(qrsEntities(site, 'stream', 'full'), 'Everyone').owner).toEqual(serviceCondensed);
  });

  it('lists every user the site knows, full and condensed', () => {
    const users = qrsEntities(site, 'user', 'condensed');
    expect(users).toHaveLength(2);
    expect(users).toContainEqual(aliceCondensed);
    expect(users).toContainEqual(serviceCondensed);
    expect(queryEntities(qrsEntities(site, 'user', 'full'), "userId eq 'alice'", null)).toEqual([
      {
        id: aliceId,
        createdDate: SITE_TIME,
        modifiedDate: SITE_TIME,
        modifiedByUserName: 'INTERNAL\\sa_repository',
        customProperties: [],
        userId: 'alice',
        userDirectory: 'CORP',
        userDirectoryConnectorName: 'CORP',
        name: 'Alice Doe',
        roles: [],
        attributes: [],
        inactive: false,
        removedExternally: false,
        blacklisted: false,
        deleteProhibited: false,
        tags: [],
        privileges: null,
        schemaPath: 'User',
      },
    ]);
  });
});

describe('qrsEntities dataconnection', () => {
  it('shapes connections with the lower-case connectionstring key and no password', () => {
    const warehouseId = stableGuid('dataconnection', 'Warehouse');
    expect(one(qrsEntities(site, 'dataconnection', 'full'), 'Warehouse')).toEqual({
      id: warehouseId,
      createdDate: SITE_TIME,
      modifiedDate: SITE_TIME,
      modifiedByUserName: 'CORP\\alice',
      customProperties: [],
      owner: aliceCondensed,
      name: 'Warehouse',
      connectionstring: 'ODBC CONNECT TO [DWH]',
      type: 'ODBC',
      engineObjectId: warehouseId,
      username: '',
      logOn: 0,
      architecture: 0,
      tags: [],
      privileges: null,
      schemaPath: 'DataConnection',
    });
    expect(one(qrsEntities(site, 'dataconnection', 'condensed'), 'DataFiles')).toEqual({
      id: stableGuid('dataconnection', 'DataFiles'),
      privileges: null,
      name: 'DataFiles',
      connectionstring: 'files',
      type: 'folder',
      engineObjectId: stableGuid('dataconnection', 'DataFiles'),
      username: '',
      logOn: 0,
      architecture: 0,
    });
  });
});

describe('qrsEntities reloadtask', () => {
  it('reports a successful last run when the app has a reload time', () => {
    const taskId = stableGuid('reloadtask', 'Reload Sales');
    const task = one(qrsEntities(site, 'reloadtask', 'full'), 'Reload Sales');
    expect(task).toEqual({
      id: taskId,
      createdDate: SITE_TIME,
      modifiedDate: SITE_TIME,
      modifiedByUserName: 'CORP\\alice',
      customProperties: [],
      app: one(qrsEntities(site, 'app', 'condensed'), 'Sales'),
      isManuallyTriggered: false,
      operational: {
        id: stableGuid('reloadtask.operational', taskId),
        lastExecutionResult: {
          id: stableGuid('executionresult', taskId),
          executingNodeName: 'sense-sim',
          status: 7,
          startTime: '2026-02-04T06:00:00.000Z',
          stopTime: '2026-02-04T06:00:00.000Z',
          duration: 0,
          fileReferenceID: EMPTY_GUID,
          scriptLogAvailable: false,
          details: [],
          scriptLogLocation: '',
          scriptLogSize: 0,
          privileges: null,
        },
        nextExecution: NEVER,
        privileges: null,
      },
      name: 'Reload Sales',
      taskType: 0,
      enabled: true,
      taskSessionTimeout: 1440,
      maxRetries: 0,
      tags: [],
      isPartialReload: false,
      privileges: null,
      schemaPath: 'ReloadTask',
    });
  });

  it('reports a never-started, disabled task in condensed form', () => {
    const scratch = one(qrsEntities(site, 'reloadtask', 'condensed'), 'Reload Scratch');
    expect(Object.keys(scratch)).toEqual([
      'id',
      'privileges',
      'name',
      'taskType',
      'enabled',
      'taskSessionTimeout',
      'maxRetries',
      'operational',
    ]);
    expect(scratch).toMatchObject({
      enabled: false,
      operational: { lastExecutionResult: { status: 0, startTime: NEVER, stopTime: NEVER, executingNodeName: '' } },
    });
  });

  it('filters tasks by their app, as clients look up an app\u2019s tasks', () => {
    const tasks = qrsEntities(site, 'reloadtask', 'full');
    expect(queryEntities(tasks, "app.id eq 'app-scratch' and enabled eq false", null).map((t) => t.name)).toEqual([
      'Reload Scratch',
    ]);
    expect(queryEntities(tasks, 'operational.lastExecutionResult.status eq 7', null).map((t) => t.name)).toEqual([
      'Reload Sales',
    ]);
  });
});

describe('qrsEntities app/object', () => {
  it('lists top-level sheets, stories and master visualisations, then master items and bookmarks', () => {
    const objects = qrsEntities(site, 'app/object', 'condensed');
    expect(objects.map((o) => [o.objectType, o.engineObjectId, o.name])).toEqual([
      ['sheet', 'sheet-1', 'Overview'],
      ['sheet', 'sheet-2', 'Old style title'],
      ['story', 'story-1', 'The story'],
      ['masterobject', 'master-1', 'Revenue bar'],
      ['dimension', 'dim-region', 'Region'],
      ['measure', 'mea-revenue', 'Revenue'],
      // no title anywhere: the engine id stands in
      ['bookmark', 'bm-1', 'bm-1'],
    ]);
  });

  it('shapes an app object like /qrs/app/object/full', () => {
    const sheet = one(qrsEntities(site, 'app/object', 'full'), 'Overview');
    expect(sheet).toEqual({
      id: stableGuid('app.object', 'app-sales\u0000sheet\u0000sheet-1'),
      createdDate: '2026-02-01T10:00:00.000Z',
      modifiedDate: '2026-02-03T10:00:00.000Z',
      modifiedByUserName: 'CORP\\alice',
      owner: aliceCondensed,
      engineObjectType: '',
      description: 'KPIs',
      attributes: expect.any(String),
      objectType: 'sheet',
      publishTime: '2026-02-02T10:00:00.000Z',
      published: true,
      approved: true,
      tags: [],
      sourceObject: '',
      draftObject: '',
      name: 'Overview',
      app: one(qrsEntities(site, 'app', 'condensed'), 'Sales'),
      appObjectBlobId: '',
      engineObjectId: 'sheet-1',
      contentHash: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      size: -1,
      privileges: null,
      schemaPath: 'App.Object',
    });
    const attributes: unknown = JSON.parse(Buffer.from(String(sheet.attributes), 'base64').toString('utf8'));
    expect(attributes).toEqual({
      Type: 'GenericAppObjectEntry',
      Format: 'gzjson',
      Title: '',
      ParentId: 'sheet-1',
      IsTemporary: false,
      ContentHash: sheet.contentHash,
    });
  });

  it('keeps ids and content hashes stable across calls and distinct across objects', () => {
    const first = qrsEntities(site, 'app/object', 'condensed');
    const second = qrsEntities(site, 'app/object', 'condensed');
    expect(second).toEqual(first);
    expect(new Set(first.map((o) => o.id)).size).toBe(first.length);
    expect(new Set(first.map((o) => o.contentHash)).size).toBe(first.length);
  });

  it('answers the filters clients send for one app', () => {
    const objects = qrsEntities(site, 'app/object', 'full');
    expect(
      queryEntities(objects, "app.id eq 'app-sales' and objectType eq 'sheet'", 'name desc').map((o) => o.name),
    ).toEqual(['Overview', 'Old style title']);
  });
});

describe('qrsAbout', () => {
  it('reports the build version of a central node', () => {
    expect(qrsAbout('34.12.1')).toEqual({
      buildVersion: '34.12.1',
      buildDate: '1/5/2026 8:00:00 AM',
      databaseProvider: 'Devart.Data.PostgreSql',
      nodeType: 1,
      sharedPersistence: true,
      requiresBootstrap: false,
      singleNodeOnly: false,
      schemaPath: 'About',
    });
  });
});
