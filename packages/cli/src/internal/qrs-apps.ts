import type { Site } from '@qixflow/core';
import { distance } from 'fastest-levenshtein';
import { CliError } from '../cli-error.js';

/** The part of a QRS `/app/full` entry the CLI uses. */
interface QrsApp {
  id: string;
  name: string;
  stream?: { id: string; name: string } | null;
  owner?: { userId?: string; userDirectory?: string; name?: string } | null;
  lastReloadTime?: string | null;
  published?: boolean;
  description?: string;
}

/** One app as the CLI prints it. */
export interface AppSummary {
  id: string;
  name: string;
  /** Stream name; `null` for an unpublished app. */
  stream: string | null;
  /** `DIR\userId`; `null` when QRS gives no owner. */
  owner: string | null;
  /** ISO time of the last successful reload; `null` when never reloaded. */
  lastReloadTime: string | null;
  published: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// QRS answers this date for "never" (its DateTime.MinValue).
const NEVER = /^1753-01-01/;

/**
 * Lists apps through QRS (`/app/full`), ordered by name.
 *
 * @param filter - A QRS filter, e.g. `stream.name eq 'Sales'`.
 *
 * @example
 * ```ts
 * for (const app of await listApps(site)) console.log(app.name, app.id);
 * ```
 */
export async function listApps(site: Site, filter?: string, signal?: AbortSignal): Promise<AppSummary[]> {
  const query: Record<string, string> = { orderby: 'name' };
  if (filter !== undefined) query.filter = filter;
  let apps: QrsApp[];
  try {
    apps = await site.qrs.get<QrsApp[]>('/app/full', { query, ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    if (isQrsMissing(error)) {
      throw new CliError('ERR_QRS_UNAVAILABLE', 'this site has no QRS (/qrs/app/full answered 404)', {
        fix: 'listing apps and finding them by name need the repository of Qlik Sense Enterprise on Windows (Qlik Cloud has none); give app ids instead',
        cause: error,
      });
    }
    throw error;
  }
  if (!Array.isArray(apps)) throw new CliError('ERR_UNEXPECTED', 'QRS /app/full did not answer a list');
  return apps.map(toSummary).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * Finds apps by id or by exact name (case-insensitive) through QRS.
 *
 * @throws CliError `ERR_APP_NOT_FOUND` / `ERR_APP_AMBIGUOUS` (exit code 2).
 *
 * @example
 * ```ts
 * const [app] = await findApps(site, ['Sales Dashboard']);
 * ```
 */
export async function findApps(site: Site, refs: readonly string[], signal?: AbortSignal): Promise<AppSummary[]> {
  const found: AppSummary[] = [];
  for (const ref of refs) {
    const filter = GUID.test(ref) ? `id eq ${ref}` : `name eq '${ref.replace(/'/g, "''")}'`;
    let matches: AppSummary[];
    try {
      matches = await listApps(site, filter, signal);
    } catch (error) {
      // Without QRS (Qlik Cloud) an app id is taken as it is; the engine says whether it exists.
      if (!(error instanceof CliError && error.code === 'ERR_QRS_UNAVAILABLE' && GUID.test(ref))) throw error;
      matches = [{ id: ref, name: ref, stream: null, owner: null, lastReloadTime: null, published: false }];
    }
    if (!GUID.test(ref)) matches = matches.filter((a) => a.name.toLowerCase() === ref.toLowerCase());
    if (matches.length === 0) {
      const suggestions = GUID.test(ref) ? [] : closeMatches(ref, await listApps(site, undefined, signal));
      throw new CliError('ERR_APP_NOT_FOUND', `no app with id or name ${JSON.stringify(ref)}`, {
        fix:
          suggestions.length === 0
            ? "'qixflow apps' lists the apps this user can see"
            : `did you mean ${suggestions.map((name) => JSON.stringify(name)).join(' or ')}? ('qixflow apps' lists the apps this user can see)`,
      });
    }
    if (matches.length > 1) {
      throw new CliError(
        'ERR_APP_AMBIGUOUS',
        `${matches.length} apps are called ${JSON.stringify(ref)}: ${matches.map((a) => `${a.id} (stream ${a.stream ?? 'none'})`).join(', ')}`,
        { fix: 'give the app id instead of its name' },
      );
    }
    for (const app of matches) if (!found.some((f) => f.id === app.id)) found.push(app);
  }
  return found;
}

/**
 * Up to three app names close to what the user typed: containing it (or contained in it), or a few
 * edits away — a typo, a missing word — closest first.
 */
export function closeMatches(ref: string, apps: readonly AppSummary[]): string[] {
  const wanted = ref.trim().toLowerCase();
  if (wanted === '') return [];
  const allowed = Math.max(2, Math.floor(wanted.length / 3));
  const scored = new Map<string, number>();
  for (const { name } of apps) {
    const candidate = name.toLowerCase();
    const contained = candidate.includes(wanted) || wanted.includes(candidate);
    const edits = distance(wanted, candidate);
    if (!contained && edits > allowed) continue;
    scored.set(name, edits);
  }
  return [...scored.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([name]) => name);
}

function toSummary(app: QrsApp): AppSummary {
  const owner = app.owner;
  const ownerText =
    owner?.userId === undefined
      ? null
      : owner.userDirectory === undefined || owner.userDirectory === ''
        ? owner.userId
        : `${owner.userDirectory}\\${owner.userId}`;
  const reload = typeof app.lastReloadTime === 'string' && !NEVER.test(app.lastReloadTime) ? app.lastReloadTime : null;
  return {
    id: app.id,
    name: app.name,
    stream: app.stream?.name ?? null,
    owner: ownerText,
    lastReloadTime: reload,
    published: app.published === true,
  };
}

function isQrsMissing(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown; status?: unknown };
  return error instanceof Error && e.name === 'QixflowError' && e.code === 'ERR_HTTP' && e.status === 404;
}
