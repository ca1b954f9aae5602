/**
 * How a reload ended, named as QRS's TaskExecutionStatus names it (7 FinishedSuccess, 8 FinishedFail,
 * 6 Aborted).
 */
export type ReloadStatus = 'FinishedSuccess' | 'FinishedFail' | 'Aborted';

/**
 * What ran a reload: `start-up` is the reload the simulator runs when it starts (or restarts), in
 * place of the reload the site's task (if the app has one) last ran; `engine` is a client's
 * `DoReload`/`DoReloadEx`; `task` is a run of a reload task started through QRS, by its schedule or
 * by the task before it in a chain.
 */
export type ReloadTrigger = 'start-up' | 'engine' | 'task';

/** The script error a failed reload stopped at: the line as written (0 after the last statement). */
export interface ReloadRecordError {
  readonly line: number;
  readonly message: string;
  readonly statement: string;
}

/** One reload of one app, as the repository keeps it. */
export interface ReloadRecord {
  readonly appId: string;
  readonly appName: string;
  /** The reload task that ran it; undefined for a client's reload (no task ran). */
  readonly taskId: string | undefined;
  readonly trigger: ReloadTrigger;
  readonly status: ReloadStatus;
  /** A new id per run (QRS ExecutionResult.executionID). */
  readonly executionId: string;
  /** Names the script log of this run (QRS ExecutionResult.fileReferenceID). */
  readonly fileReferenceId: string;
  readonly startTime: string;
  readonly stopTime: string;
  readonly durationMs: number;
  /** The progress lines the engine wrote (GetProgress), from which the script log is made. */
  readonly log: readonly string[];
  readonly error: ReloadRecordError | undefined;
}

/**
 * Every reload the site has seen since it started, successful or not: the last one of each app (what
 * the simulator reports) and the last one of each reload task (QRS keeps one ExecutionResult per task,
 * overwritten by each run, which is what `operational.lastExecutionResult` and `/qrs/executionresult`
 * show). A client's reload updates the app's record but no task's: on a real site no task ran.
 */
export class ReloadHistory {
  readonly #byApp = new Map<string, ReloadRecord>();
  readonly #byTask = new Map<string, ReloadRecord>();
  readonly #running = new Map<string, string>();
  /** Every reload, oldest first (the last 10 000): what Qlik Cloud's `/api/v1/reloads` lists. */
  readonly #all: ReloadRecord[] = [];
  readonly #listeners = new Set<(record: ReloadRecord) => void>();

  /** A task run started (QRS shows the task Started until its record arrives). */
  started(taskId: string, at: string): void {
    this.#running.set(taskId, at);
  }

  /** When the task's current run started, while it runs. */
  runningSince(taskId: string): string | undefined {
    return this.#running.get(taskId);
  }

  record(record: ReloadRecord): void {
    // Re-inserted so that iteration order is the order of the last reloads.
    this.#byApp.delete(record.appId);
    this.#byApp.set(record.appId, record);
    if (record.taskId !== undefined) {
      this.#running.delete(record.taskId);
      this.#byTask.delete(record.taskId);
      this.#byTask.set(record.taskId, record);
    }
    this.#all.push(record);
    if (this.#all.length > 10_000) this.#all.splice(0, this.#all.length - 10_000);
    for (const listener of this.#listeners) listener(record);
  }

  /** Every reload kept (the last 10 000), oldest first. */
  all(): readonly ReloadRecord[] {
    return this.#all;
  }

  /** Calls `listener` with each reload recorded from now on; returns the function that stops it. */
  listen(listener: (record: ReloadRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The last reload of an app, if it was reloaded since the site started. */
  lastOfApp(appId: string): ReloadRecord | undefined {
    return this.#byApp.get(appId);
  }

  /** The last run of a reload task, if it ran since the site started. */
  lastOfTask(taskId: string): ReloadRecord | undefined {
    return this.#byTask.get(taskId);
  }

  /** The last reload of each app, oldest first. */
  apps(): ReloadRecord[] {
    return [...this.#byApp.values()];
  }

  /** The last run of each task, oldest first. */
  tasks(): ReloadRecord[] {
    return [...this.#byTask.values()];
  }

  /** Forgets an app (deleted from the site). */
  forget(appId: string): void {
    this.#byApp.delete(appId);
    for (const [taskId, record] of this.#byTask) if (record.appId === appId) this.#byTask.delete(taskId);
  }
}
