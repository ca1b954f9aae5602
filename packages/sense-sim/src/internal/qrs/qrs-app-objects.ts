import { createHash } from 'node:crypto';
import type { EngineProperties } from '../../generated/schemas.js';
import type { SiteApp, SiteUser } from '../site/site.js';
import { stableGuid } from '../site/stable-guid.js';

const NEVER = '1753-01-01T00:00:00.000Z';
const LISTED_OBJECT_TYPES: ReadonlySet<string> = new Set(['sheet', 'story', 'masterobject']);

/** How QRS shows an app and a user inside another entity (condensed). */
interface CondensedShapes {
  appCondensed(app: SiteApp): unknown;
  userCondensed(user: SiteUser): unknown;
  userName(user: SiteUser): string;
}

/** One App.Object before shaping: which app, what kind, and the engine properties it comes from. */
interface AppObjectSource {
  app: SiteApp;
  objectType: string;
  properties: EngineProperties;
  /** What the content hash covers: the whole property tree for generic objects. */
  content: unknown;
}

export function appObjectSources(app: SiteApp): AppObjectSource[] {
  const fixture = app.fixture;
  const sources: AppObjectSource[] = [];
  for (const tree of fixture.objects ?? []) {
    const qType = tree.qProperty.qInfo.qType;
    if (LISTED_OBJECT_TYPES.has(qType))
      sources.push({ app, objectType: qType, properties: tree.qProperty, content: tree });
  }
  const items: [string, EngineProperties[] | undefined][] = [
    ['dimension', fixture.dimensions],
    ['measure', fixture.measures],
    ['bookmark', fixture.bookmarks],
  ];
  for (const [objectType, list] of items) {
    for (const properties of list ?? []) sources.push({ app, objectType, properties, content: properties });
  }
  return sources;
}

export function appObjectCondensed(source: AppObjectSource): Record<string, unknown> {
  const { properties, app } = source;
  return {
    id: appObjectId(source),
    privileges: null,
    name: metaText(properties, 'title') ?? properties.qInfo.qId,
    engineObjectId: properties.qInfo.qId,
    contentHash: contentHash(source.content),
    engineObjectType: '',
    description: metaText(properties, 'description') ?? '',
    objectType: source.objectType,
    publishTime: app.publishTime ?? NEVER,
    published: app.stream !== undefined,
  };
}

export function appObjectFull(source: AppObjectSource, shapes: CondensedShapes): Record<string, unknown> {
  const { appCondensed, userCondensed, userName } = shapes;
  const { app, properties } = source;
  const condensed = appObjectCondensed(source);
  const hash = contentHash(source.content);
  return {
    id: condensed.id,
    createdDate: app.createdDate,
    modifiedDate: app.modifiedDate,
    modifiedByUserName: userName(app.owner),
    // Fixtures carry no per-object owner: the app owner made everything in it
    owner: userCondensed(app.owner),
    engineObjectType: condensed.engineObjectType,
    description: condensed.description,
    attributes: attributes(properties.qInfo.qId, hash),
    objectType: condensed.objectType,
    publishTime: condensed.publishTime,
    published: condensed.published,
    // Everything a fixture holds is base content, approved when the app is published
    approved: condensed.published,
    tags: [],
    sourceObject: '',
    draftObject: '',
    name: condensed.name,
    app: appCondensed(app),
    appObjectBlobId: '',
    engineObjectId: condensed.engineObjectId,
    contentHash: hash,
    // Objects stored inside the app file report no separate size
    size: -1,
    privileges: null,
    schemaPath: 'App.Object',
  };
}

function appObjectId(source: AppObjectSource): string {
  return stableGuid('app.object', `${source.app.id}\u0000${source.objectType}\u0000${source.properties.qInfo.qId}`);
}

/** qMetaDef.x, else qMeta.x, else a top-level string x (older sheets keep their title there). */
function metaText(properties: EngineProperties, key: 'title' | 'description'): string | undefined {
  for (const candidate of [
    field(field(properties, 'qMetaDef'), key),
    field(field(properties, 'qMeta'), key),
    field(properties, key),
  ]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return undefined;
}

function field(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}

function contentHash(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('base64');
}

/** QRS keeps an object's storage metadata as base64 JSON; clients rarely read it but do round-trip it. */
function attributes(engineObjectId: string, hash: string): string {
  const json = JSON.stringify({
    Type: 'GenericAppObjectEntry',
    Format: 'gzjson',
    Title: '',
    ParentId: engineObjectId,
    IsTemporary: false,
    ContentHash: hash,
  });
  return Buffer.from(json, 'utf8').toString('base64');
}

// ---------------------------------------------------------------------------------------------
// Data connections and reload tasks
