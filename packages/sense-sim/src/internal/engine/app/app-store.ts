import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimAppFixture } from '../../../generated/schemas.js';
import type { Site } from '../../site/site.js';
import { schemaProblems } from '../../validate-schema.js';
import { AppDoc } from './app-doc.js';

/**
 * Every persistent app the engine can open: the site's fixtures, overlaid with what `DoSave`
 * wrote to `<workDir>/apps/` (so a restart keeps saved changes and drops unsaved ones), plus
 * apps created at run time.
 */
export class AppStore {
  readonly #site: Site;
  readonly #dir: string;
  readonly #apps = new Map<string, AppDoc>();

  constructor(site: Site, workDir: string) {
    this.#site = site;
    this.#dir = join(workDir, 'apps');
  }

  /** (Re)loads every app: fixtures first, then saved files. */
  async load(): Promise<void> {
    this.#apps.clear();
    for (const app of this.#site.apps.values()) this.#apps.set(app.id, new AppDoc(app.fixture));
    await mkdir(this.#dir, { recursive: true });
    for (const file of await readdir(this.#dir)) {
      if (!file.endsWith('.json')) continue;
      const fixture = JSON.parse(await readFile(join(this.#dir, file), 'utf8')) as unknown;
      if (schemaProblems('sim-app.schema.json', fixture).length > 0) continue;
      const app = fixture as SimAppFixture;
      this.#apps.set(app.id, new AppDoc(app));
      if (!this.#site.apps.has(app.id)) this.#site.addApp(app);
    }
  }

  get(id: string): AppDoc | undefined {
    return this.#apps.get(id) ?? [...this.#apps.values()].find((a) => a.title === id);
  }

  list(): AppDoc[] {
    return [...this.#apps.values()];
  }

  /** CreateApp: a new, empty, saved app. */
  async create(name: string, script: string): Promise<AppDoc> {
    const now = new Date().toISOString();
    const fixture: SimAppFixture = { id: randomUUID(), name, script, createdDate: now, modifiedDate: now };
    const app = new AppDoc(fixture);
    this.#apps.set(app.id, app);
    this.#site.addApp(fixture);
    await this.#write(app);
    this.#site.changes.emit({ objectType: 'App', objectId: app.id, changeType: 'Add', changedProperties: [] });
    return app;
  }

  /**
   * QRS `POST /qrs/app/{id}/copy?name=`: a new app with the source's saved state (script, objects,
   * master items, variables and data), unpublished, owned like the source.
   */
  async copy(id: string, name: string | undefined): Promise<AppDoc | undefined> {
    const source = this.#apps.get(id);
    if (!source) return undefined;
    const now = new Date().toISOString();
    const { stream: _stream, publishTime: _published, lastReloadTime: _reloaded, ...rest } = source.toFixture();
    const fixture: SimAppFixture = {
      ...rest,
      id: randomUUID(),
      name: name ?? source.title,
      createdDate: now,
      modifiedDate: now,
    };
    const app = new AppDoc(fixture);
    if (source.data) app.data = source.data;
    this.#apps.set(app.id, app);
    this.#site.addApp(fixture);
    await this.#write(app);
    this.#site.changes.emit({ objectType: 'App', objectId: app.id, changeType: 'Add', changedProperties: [] });
    return app;
  }

  /**
   * QRS `PUT /qrs/app/{id}/publish?stream=&name=`: the app moves into a stream (renamed when a name
   * is given). Answers the error text QRS would give, or undefined when published.
   */
  async publish(
    id: string,
    streamId: string,
    name: string | undefined,
  ): Promise<'app' | 'stream' | 'published' | undefined> {
    const app = this.#apps.get(id);
    const entity = this.#site.apps.get(id);
    if (!app || !entity) return 'app';
    const stream =
      this.#site.streams.get(streamId.toLowerCase()) ??
      [...this.#site.streams.values()].find((s) => s.id.toLowerCase() === streamId.toLowerCase());
    if (!stream) return 'stream';
    if (entity.stream) return 'published';
    const now = new Date().toISOString();
    if (name !== undefined) app.title = name;
    app.fixture.stream = stream.name;
    app.fixture.publishTime = now;
    app.modifiedDate = now;
    await this.#write(app);
    const changed = ['published', 'publishTime', 'stream', 'modifiedDate', ...(name !== undefined ? ['name'] : [])];
    this.#site.changes.emit({ objectType: 'App', objectId: id, changeType: 'Update', changedProperties: changed });
    return undefined;
  }

  async delete(id: string): Promise<boolean> {
    const app = this.#apps.get(id);
    if (!app) return false;
    this.#apps.delete(id);
    this.#site.apps.delete(id);
    this.#site.reloads.forget(id);
    await rm(join(this.#dir, `${safeName(id)}.json`), { force: true });
    this.#site.changes.emit({ objectType: 'App', objectId: id, changeType: 'Delete', changedProperties: [] });
    return true;
  }

  /**
   * DoSave: writes the app's current state; it survives an engine restart, and QRS shows it
   * modified (announced unless `announce: false`).
   */
  async save(app: AppDoc, options: { announce?: boolean } = {}): Promise<void> {
    if (app.isSessionApp) return;
    app.modifiedDate = new Date().toISOString();
    await this.#write(app);
    // A reload task's save is announced with its reload (one App update, not two).
    if (options.announce === false) return;
    this.#site.changes.emit({
      objectType: 'App',
      objectId: app.id,
      changeType: 'Update',
      changedProperties: ['modifiedDate', 'fileSize'],
      at: app.modifiedDate,
    });
  }

  /** Writes an app's state to the work folder and the repository. */
  async #write(app: AppDoc): Promise<void> {
    const fixture = app.toFixture();
    await writeFile(join(this.#dir, `${safeName(app.id)}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
    this.#site.addApp(fixture);
  }
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
