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
    await this.save(app);
    return app;
  }

  async delete(id: string): Promise<boolean> {
    const app = this.#apps.get(id);
    if (!app) return false;
    this.#apps.delete(id);
    this.#site.apps.delete(id);
    this.#site.reloads.forget(id);
    await rm(join(this.#dir, `${safeName(id)}.json`), { force: true });
    return true;
  }

  /** DoSave: writes the app's current state; it survives an engine restart. */
  async save(app: AppDoc): Promise<void> {
    if (app.isSessionApp) return;
    const fixture = app.toFixture();
    await writeFile(join(this.#dir, `${safeName(app.id)}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
    this.#site.addApp(fixture);
  }
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
