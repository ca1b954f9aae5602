import { cp, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimAppFixture, SimSiteFixture, UserRef } from '../../generated/schemas.js';
import { type DataFolderMapping, folderMappingProblem } from '../reload/folder-mappings.js';
import { schemaProblems } from '../validate-schema.js';
import { ReloadHistory } from './reload-history.js';
import { SiteChanges } from './site-changes.js';
import { stableGuid } from './stable-guid.js';

/** A user known to the site (repository user). */
export interface SiteUser {
  id: string;
  userDirectory: string;
  userId: string;
  name: string;
}

export interface SiteStream {
  id: string;
  name: string;
  owner: SiteUser;
}

export interface SiteApp {
  id: string;
  name: string;
  description: string;
  stream: SiteStream | undefined;
  owner: SiteUser;
  createdDate: string;
  modifiedDate: string;
  publishTime: string | undefined;
  lastReloadTime: string | undefined;
  tags: string[];
  customProperties: { name: string; value: string }[];
  /** The fixture as loaded (script, objects, master items, variables). */
  fixture: SimAppFixture;
}

export interface SiteDataConnection {
  id: string;
  name: string;
  type: string;
  connectionString: string;
  owner: SiteUser;
}

export interface SiteReloadTask {
  id: string;
  name: string;
  app: SiteApp;
  enabled: boolean;
  schedule: string | undefined;
  /** Task chain: the name or id of the task whose successful run starts this one. */
  after: string | undefined;
  /** Schedule the simulator runs: every this many seconds. */
  everySeconds: number | undefined;
}

/** Thrown when a site or app fixture does not match its schema. */
export class SiteFixtureError extends Error {
  override readonly name = 'SiteFixtureError';
}

const DEFAULT_TIME = '2026-01-05T08:00:00.000Z';
const SERVICE_USER: UserRef = { userDirectory: 'INTERNAL', userId: 'sa_repository' };

/** The folder of the demo site that ships with the simulator. */
export const demoSitePath: string = join(dirname(fileURLToPath(import.meta.url)), '../../../demo-site/site.json');

/**
 * The repository content of the simulated site: streams, users, apps, data connections and
 * reload tasks, loaded from fixtures (validated against `schemas/sim-*.schema.json`).
 */
export class Site {
  readonly name: string;
  readonly apps = new Map<string, SiteApp>();
  readonly streams = new Map<string, SiteStream>();
  readonly users = new Map<string, SiteUser>();
  readonly dataConnections = new Map<string, SiteDataConnection>();
  readonly reloadTasks = new Map<string, SiteReloadTask>();
  /** Every reload since the site started, successful or not (QRS lastReloadTime, task execution results). */
  readonly reloads = new ReloadHistory();
  /** Every repository change since start, for change subscriptions. */
  readonly changes = new SiteChanges();
  /** Where folder connections point (a private copy of the fixture's data folder), if any. */
  readonly dataDir: string | undefined;
  /** The fixture's own reload budgets, if it sets any (the simulator's options override them). */
  readonly reloadBudgets: Readonly<Record<string, number | undefined>> | undefined;
  /** Where folder connections with a real absolute path (`C:\QlikData\QVD`) sit in the data folder. */
  readonly dataFolderMappings: readonly DataFolderMapping[];

  private constructor(
    name: string,
    dataDir: string | undefined,
    reloadBudgets?: Record<string, number | undefined>,
    dataFolderMappings: readonly DataFolderMapping[] = [],
  ) {
    this.name = name;
    this.dataDir = dataDir;
    this.reloadBudgets = reloadBudgets === undefined ? undefined : Object.freeze({ ...reloadBudgets });
    this.dataFolderMappings = Object.freeze(dataFolderMappings.map((m) => Object.freeze({ ...m })));
  }

  /** An empty site. */
  static empty(): Site {
    return new Site('empty', undefined);
  }

  /**
   * Loads a site from `'demo'`, a path to a site file, or a fixture object; copies its data folder
   * into `workDir/data`.
   */
  static async load(source: string | SimSiteFixture, workDir: string): Promise<Site> {
    const file = typeof source === 'string' ? (source === 'demo' ? demoSitePath : resolve(source)) : undefined;
    // Messages name files as the caller and the fixture wrote them: resolved paths would show the
    // machine's folders (and the package's install path) to whoever reads the error.
    const shown = typeof source === 'string' ? source : '(inline)';
    const fixture: unknown = file ? await readJson(file, shown) : source;
    const problems = schemaProblems('sim-site.schema.json', fixture);
    if (problems.length > 0) {
      throw new SiteFixtureError(`site ${shown} is invalid: ${problems.join('; ')}`);
    }
    const site = fixture as SimSiteFixture;
    for (const mapping of site.dataFolderMappings ?? []) {
      const problem = folderMappingProblem(mapping);
      if (problem) throw new SiteFixtureError(`site ${shown} is invalid: dataFolderMappings: ${problem}`);
    }
    const base = file ? dirname(file) : process.cwd();
    let dataDir: string | undefined;
    if (site.dataFolder !== undefined) {
      const from = isAbsolute(site.dataFolder) ? site.dataFolder : join(base, site.dataFolder);
      dataDir = join(workDir, 'data');
      await mkdir(dataDir, { recursive: true });
      if (await exists(from)) await cp(from, dataDir, { recursive: true });
    }
    const result = new Site(
      site.name ?? (typeof source === 'string' ? source : 'inline site'),
      dataDir,
      site.reloadBudgets,
      site.dataFolderMappings,
    );
    for (const user of site.users ?? []) result.#user(user);
    for (const stream of site.streams ?? []) {
      const s: SiteStream = {
        id: stream.id ?? stableGuid('stream', stream.name),
        name: stream.name,
        owner: result.#user(stream.owner ?? SERVICE_USER),
      };
      result.streams.set(s.id, s);
    }
    for (const entry of site.apps) {
      const app = typeof entry === 'string' ? await loadApp(join(base, entry), entry) : entry;
      result.addApp(app);
    }
    for (const c of site.dataConnections ?? []) {
      const connection: SiteDataConnection = {
        id: c.id ?? stableGuid('dataconnection', c.name),
        name: c.name,
        type: c.type,
        connectionString: c.connectionString,
        owner: result.#user(c.owner ?? SERVICE_USER),
      };
      result.dataConnections.set(connection.id, connection);
    }
    for (const t of site.reloadTasks ?? []) {
      const app = result.apps.get(t.app);
      if (!app) throw new SiteFixtureError(`reload task '${t.name}' refers to unknown app '${t.app}'`);
      const task: SiteReloadTask = {
        id: t.id ?? stableGuid('reloadtask', t.name),
        name: t.name,
        app,
        enabled: t.enabled ?? true,
        schedule: t.schedule,
        after: t.after,
        everySeconds: t.everySeconds,
      };
      result.reloadTasks.set(task.id, task);
    }
    return result;
  }

  /** Adds (or replaces) an app; its stream is created when unknown. */
  addApp(fixture: SimAppFixture): SiteApp {
    const problems = schemaProblems('sim-app.schema.json', fixture);
    if (problems.length > 0) throw new SiteFixtureError(`app '${fixture.id}' is invalid: ${problems.join('; ')}`);
    let stream: SiteStream | undefined;
    if (fixture.stream !== undefined) {
      stream = [...this.streams.values()].find((s) => s.name === fixture.stream);
      if (!stream) {
        stream = { id: stableGuid('stream', fixture.stream), name: fixture.stream, owner: this.#user(SERVICE_USER) };
        this.streams.set(stream.id, stream);
      }
    }
    const created = fixture.createdDate ?? DEFAULT_TIME;
    const app: SiteApp = {
      id: fixture.id,
      name: fixture.name,
      description: fixture.description ?? '',
      stream,
      owner: this.#user(fixture.owner ?? SERVICE_USER),
      createdDate: created,
      modifiedDate: fixture.modifiedDate ?? created,
      publishTime: stream ? (fixture.publishTime ?? created) : undefined,
      lastReloadTime: fixture.lastReloadTime,
      tags: fixture.tags ?? [],
      customProperties: fixture.customProperties ?? [],
      fixture,
    };
    this.apps.set(app.id, app);
    return app;
  }

  #user(ref: UserRef): SiteUser {
    const key = `${ref.userDirectory}\\${ref.userId}`.toLowerCase();
    let user = this.users.get(key);
    if (!user) {
      user = {
        id: stableGuid('user', key),
        userDirectory: ref.userDirectory,
        userId: ref.userId,
        name: ref.name ?? ref.userId,
      };
      this.users.set(key, user);
    }
    return user;
  }
}

async function loadApp(path: string, shown: string): Promise<SimAppFixture> {
  const app = await readJson(path, shown);
  const problems = schemaProblems('sim-app.schema.json', app);
  if (problems.length > 0) throw new SiteFixtureError(`app ${shown} is invalid: ${problems.join('; ')}`);
  return app as SimAppFixture;
}

/** Reads a JSON fixture at `path`; errors name it `shown` (as written), never the resolved path. */
async function readJson(path: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // Node's own message repeats the absolute path: keep only its code.
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SiteFixtureError(`cannot read ${shown} (${code === 'ENOENT' ? 'no such file' : code})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SiteFixtureError(`${shown} is not JSON: ${(error as Error).message}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
