import type { LineageDiagnostic } from '../../generated/lineage-graph.js';
import type { AppSnapshot, ReloadFailureInfo } from './app-snapshot.js';

/**
 * What is known about an app's last reload, which tells why GetLineage may be empty: it failed
 * (the repository recorded a failed run after the last successful one), it never happened (the
 * engine has no reload time), it happened, or nothing says.
 */
export type ReloadState =
  | { readonly kind: 'failed'; readonly failure: ReloadFailureInfo }
  | { readonly kind: 'never' }
  | { readonly kind: 'reloaded'; readonly at: string }
  | { readonly kind: 'unknown' };

/**
 * The reload state of a snapshot: a recorded failure first (it is newer than any success, or the
 * repository would not report it), then the engine's qLastReloadTime, then the repository's
 * lastReloadTime.
 *
 * @example
 * ```ts
 * reloadState(snapshotOf(script, { engineReloadTime: null })); // { kind: 'never' }
 * ```
 */
export function reloadState(snapshot: AppSnapshot): ReloadState {
  const failure = snapshot.inventory.lastReloadFailure;
  if (failure) return { kind: 'failed', failure };
  const at = snapshot.engineReloadTime ?? snapshot.inventory.lastReloadTime;
  if (at) return { kind: 'reloaded', at };
  if (snapshot.engineReloadTime === null) return { kind: 'never' };
  return { kind: 'unknown' };
}

/**
 * `reload failed at line 12: Field 'X' not found`, as precise as the record is: without the line or
 * the message (the script log could not be read) it names the task and the time instead.
 *
 * @example
 * ```ts
 * describeReloadFailure({ at: '2026-01-05T08:00:00.000Z', line: 12, message: "Field 'X' not found" });
 * // "reload failed at line 12: Field 'X' not found"
 * ```
 */
function describeReloadFailure(failure: ReloadFailureInfo): string {
  const where = failure.line !== undefined ? ` at line ${failure.line}` : '';
  if (failure.message !== undefined) return `reload failed${where}: ${failure.message}`;
  const task = failure.task !== undefined ? ` (task '${failure.task}')` : '';
  return `reload failed${where}${task} at ${failure.at}; its script log could not be read`;
}

/** The diagnostic of a failed last reload (with its script line), none otherwise. */
export function reloadDiagnostics(state: ReloadState): LineageDiagnostic[] {
  if (state.kind !== 'failed') return [];
  const { failure } = state;
  return [
    {
      code: 'reload-failed',
      severity: 'warning',
      message: describeReloadFailure(failure),
      ...(failure.line !== undefined ? { line: failure.line } : {}),
    },
  ];
}

/** Why GetLineage is empty, as far as the reload state tells. */
export function emptyLineageMessage(state: ReloadState): string {
  const scriptOnly = 'sources are from the script only';
  switch (state.kind) {
    case 'failed':
      return `GetLineage is empty: the last ${describeReloadFailure(state.failure)}; ${scriptOnly}`;
    case 'never':
      return `GetLineage is empty: the app was never reloaded; ${scriptOnly}`;
    case 'reloaded':
      return `GetLineage is empty although the app was reloaded (${state.at}); ${scriptOnly}`;
    case 'unknown':
      return `GetLineage is empty (never reloaded?): ${scriptOnly}`;
  }
}
