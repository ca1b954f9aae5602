import type { Clock } from '../../clock.js';
import { recordReload } from '../reload/record-reload.js';
import { reloadApp } from '../reload/reload-app.js';
import type { ReloadBudgets } from '../reload/reload-budget.js';
import type { ReloadRecord } from '../site/reload-history.js';
import type { Site, SiteReloadTask } from '../site/site.js';
import { stableGuid } from '../site/stable-guid.js';
import type { AppStore } from './app/app-store.js';

/** What the runner needs from the engine. */
export interface ReloadTaskRunnerDeps {
  readonly site: Site;
  readonly apps: AppStore;
  readonly dataDir: () => string;
  readonly budgets: Readonly<ReloadBudgets> | undefined;
  /** The simulator's clock: a run's start, its reload's times (and the script's `Now()`) read it. */
  readonly clock: Clock;
}

/**
 * Runs the site's reload tasks as the QMC scheduler does: started through QRS, by their schedule
 * (`everySeconds`) or by the task before them in a chain (`after`, on success). A run shows as
 * Started in QRS while it reloads, then records its execution result; a successful run saves the
 * app (so QRS shows it reloaded and modified, announced once). A task whose app is already
 * reloading fails at once, as a real scheduler's second run of a busy app does.
 */
export class ReloadTaskRunner {
  readonly #deps: ReloadTaskRunnerDeps;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #running = new Map<string, Promise<ReloadRecord | undefined>>();
  #closed = false;

  constructor(deps: ReloadTaskRunnerDeps) {
    this.#deps = deps;
  }

  /** Starts the schedules of tasks with `everySeconds`. */
  startSchedules(): void {
    for (const task of this.#deps.site.reloadTasks.values()) {
      if (task.everySeconds === undefined || !task.enabled) continue;
      const timer = setInterval(() => {
        if (!this.#running.has(task.id)) void this.start(task.id);
      }, task.everySeconds * 1000);
      timer.unref();
      this.#timers.push(timer);
    }
  }

  /** Stops the schedules; runs in progress finish. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.length = 0;
  }

  /** A task by id (any case) or by name. */
  find(idOrName: string): SiteReloadTask | undefined {
    const key = idOrName.toLowerCase();
    for (const task of this.#deps.site.reloadTasks.values())
      if (task.id.toLowerCase() === key || task.name.toLowerCase() === key) return task;
    return undefined;
  }

  /** Whether a task is running now. */
  isRunning(taskId: string): boolean {
    return this.#running.has(taskId);
  }

  /**
   * Starts a run of the task (no second run while one is in progress: that one is returned) and
   * resolves with its record when it has finished; undefined for an unknown task or app.
   */
  start(taskId: string): Promise<ReloadRecord | undefined> {
    const existing = this.#running.get(taskId);
    if (existing) return existing;
    const task = this.#deps.site.reloadTasks.get(taskId);
    if (!task || this.#closed) return Promise.resolve(undefined);
    const run = this.#run(task).finally(() => this.#running.delete(taskId));
    this.#running.set(taskId, run);
    return run;
  }

  async #run(task: SiteReloadTask): Promise<ReloadRecord | undefined> {
    const { site, apps, clock } = this.#deps;
    const app = apps.get(task.app.id);
    if (!app) return undefined;
    const now = (): number => clock.now();
    const startedMs = now();
    const startedAt = new Date(startedMs).toISOString();
    site.reloads.started(task.id, startedAt);
    site.changes.emit({
      objectType: 'ExecutionResult',
      objectId: stableGuid('executionresult', task.id),
      changeType: 'Update',
      changedProperties: ['status', 'startTime'],
      at: startedAt,
    });
    const busy = app.reloading;
    app.reloading = true;
    try {
      const outcome = busy
        ? busyOutcome(app.id, now())
        : await reloadApp(app, site, {
            dataDir: this.#deps.dataDir(),
            now,
            apps: () => apps.list(),
            ...(this.#deps.budgets ? { budgets: this.#deps.budgets } : {}),
          });
      if (outcome.ok) await apps.save(app, { announce: false });
      const record = recordReload(site, app, outcome, { trigger: 'task', taskId: task.id, startedAt: startedMs });
      if (outcome.ok) this.#startChained(task);
      return record;
    } finally {
      if (!busy) app.reloading = false;
    }
  }

  /** The tasks chained after `task` (on success) start now, each on its own. */
  #startChained(task: SiteReloadTask): void {
    for (const next of this.#deps.site.reloadTasks.values()) {
      if (!next.enabled || next.after === undefined) continue;
      const after = next.after.toLowerCase();
      if (after === task.id.toLowerCase() || after === task.name.toLowerCase()) void this.start(next.id);
    }
  }
}

function busyOutcome(appId: string, now: number) {
  return {
    ok: false,
    log: [`The app ${appId} is being reloaded already`],
    error: undefined,
    startedAt: now,
    stoppedAt: now,
  };
}
