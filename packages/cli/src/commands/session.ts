import {
  createFileSessionStore,
  createSite,
  defaultStateDir,
  type SiteOptions,
  type SiteSessionInfo,
  type StoredSession,
} from '@qixflow/core';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { ConnectionFlags } from '../connection/connection-options.js';
import { resolveSiteOptions } from '../connection/resolve-site-options.js';
import { describeError } from '../describe-error.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { contextsFilePath, readContextsFile } from '../internal/contexts-file.js';
import { formatTable } from '../output/format-table.js';

/** Flags of `qixflow logout`. */
export interface LogoutFlags extends ConnectionFlags {
  all?: boolean;
}

/** Flags of `qixflow status`. */
export interface StatusFlags extends ConnectionFlags {
  json?: boolean;
}

/** One line of `qixflow status`. */
export interface SessionStatus {
  /** The context's name; `undefined` for a site named by flags or variables, or a session no context names. */
  context: string | undefined;
  site: string;
  user: string;
  /** Whether a proxy session is stored for re-use. */
  session: { createdAt: string; lastSeenAt: string; ageSeconds: number } | null;
  /** Sessions created in the budget's window, out of `limit`; `nextSlot` null while one is free. */
  budget: { used: number; limit: number; nextSlot: string | null } | null;
  /** Why the context could not be read (a missing key file, say). */
  problem: string | null;
}

/**
 * `qixflow logout [--all]`: ends the stored proxy session of the site (the current context, or the
 * one the flags name) at the proxy and forgets it; `--all` does that for every session the store
 * holds. A session whose site cannot be reached is forgotten all the same: the proxy ends it after
 * its inactivity timeout.
 *
 * @example
 * ```ts
 * await logoutCommand({ all: true }, context);
 * ```
 */
export async function logoutCommand(flags: LogoutFlags, context: CliContext): Promise<ExitCode> {
  const { terminal } = context;
  if (flags.all !== true) {
    const options = await siteOptions(flags, context, 'logout');
    const site = createSite(options);
    const before = await site.sessionInfo();
    await site.close({ logout: true });
    terminal.out(
      before.stored === undefined
        ? `no stored session for ${before.user} on ${label(before.site)}`
        : `logged out ${before.user} from ${label(before.site)} (proxy session ended; its licence slot frees 5 minutes from now)`,
    );
    return EXIT_CODES.ok;
  }
  // --all recovers from a damaged store too, as its error message promises.
  const store = createFileSessionStore({ dir: defaultStateDir({ env: context.env }), onCorrupt: 'reset' });
  const sessions = await store.list();
  if (sessions.length === 0) {
    terminal.out('no stored sessions');
    return EXIT_CODES.ok;
  }
  // Which stored site each known context or flag set is: core's own key, not a second computation of it.
  const keyed: { site: string; options: SiteOptions }[] = [];
  for (const known of await knownSites(flags, context)) {
    if (known.problem !== undefined) continue;
    const site = createSite({ ...known.options, sessionStore: store });
    keyed.push({ site: (await site.sessionInfo()).site, options: known.options });
    await site.close();
  }
  for (const session of sessions) {
    const options = keyed.find((k) => k.site === session.site)?.options;
    if (options === undefined) {
      await store.delete(session.site, session.user);
      terminal.out(
        `forgot ${session.user} on ${label(session.site)}: no context names that site, so its proxy session ends after the proxy's inactivity timeout`,
      );
      continue;
    }
    const site = createSite({ ...options, sessionStore: store, logoutOnClose: false });
    try {
      await site.close({ logout: true });
      terminal.out(`logged out ${session.user} from ${label(session.site)}`);
    } catch (error) {
      await store.delete(session.site, session.user);
      terminal.err(`could not reach ${label(session.site)} (${describeError(error).message}): forgot the session`);
    }
  }
  // Sessions of other users of the same site: the store keys by user, contexts by site.
  for (const rest of await store.list()) await store.delete(rest.site, rest.user);
  terminal.err('licence slots free 5 minutes after their sessions end');
  return EXIT_CODES.ok;
}

/**
 * `qixflow status`: per context (and the site the flags name, if any) whether a proxy session is
 * stored, its age, the budget used in the window and when the next slot frees — never a secret.
 *
 * @example
 * ```ts
 * await statusCommand({ json: true }, context);
 * ```
 */
export async function statusCommand(flags: StatusFlags, context: CliContext): Promise<ExitCode> {
  const now = Date.now();
  const rows: SessionStatus[] = [];
  const store = createFileSessionStore({ dir: defaultStateDir({ env: context.env }) });
  const stored = await store.list();
  for (const known of await knownSites(flags, context)) {
    if (known.problem !== undefined) {
      rows.push({
        context: known.context,
        site: '-',
        user: '-',
        session: null,
        budget: null,
        problem: known.problem,
      });
      continue;
    }
    const site = createSite({ ...known.options, sessionStore: store });
    try {
      rows.push(statusOf(known.context, await site.sessionInfo(), now));
    } finally {
      await site.close();
    }
  }
  // Sessions that no context or flag names any more: still licence slots.
  for (const session of stored) {
    if (!rows.some((r) => r.site === session.site && r.user === session.user)) rows.push(orphan(session, now));
  }
  if (flags.json === true) {
    context.terminal.out(JSON.stringify(rows, null, 2));
    return EXIT_CODES.ok;
  }
  if (rows.length === 0) {
    context.terminal.out(`no contexts and no stored sessions (state folder ${defaultStateDir({ env: context.env })})`);
    return EXIT_CODES.ok;
  }
  const table = rows.map((r) => [
    r.context ?? '-',
    r.problem === null ? label(r.site) : `(${r.problem})`,
    r.user,
    r.session === null ? 'none' : `stored, ${age(r.session.ageSeconds)} old`,
    r.budget === null ? '-' : `${r.budget.used}/${r.budget.limit}`,
    r.budget === null ? '-' : (r.budget.nextSlot ?? 'free now'),
  ]);
  for (const line of formatTable(['CONTEXT', 'SITE', 'USER', 'SESSION', 'BUDGET (5 MIN)', 'NEXT SLOT'], table, 80)) {
    context.terminal.out(line);
  }
  context.terminal.err(`state folder: ${defaultStateDir({ env: context.env })}`);
  return EXIT_CODES.ok;
}

interface KnownSite {
  context: string | undefined;
  options: SiteOptions;
  problem: string | undefined;
}

/** The site the flags or variables name (if any), then every context. */
async function knownSites(flags: ConnectionFlags, context: CliContext): Promise<KnownSite[]> {
  const known: KnownSite[] = [];
  const named = flags.host !== undefined || flags.config !== undefined || nonEmpty(context.env.QIXFLOW_HOST);
  if (named)
    known.push({ context: undefined, options: await siteOptions(flags, context, 'status'), problem: undefined });
  const contexts = await readContextsFile(contextsFilePath({ env: context.env }));
  for (const name of Object.keys(contexts.contexts)) {
    try {
      known.push({
        context: name,
        options: await siteOptions({ context: name }, context, 'status', true),
        problem: undefined,
      });
    } catch (error) {
      known.push({ context: name, options: {} as SiteOptions, problem: describeError(error).message });
    }
  }
  return known;
}

/** The options of a site as a command would use them, always with the session store. */
async function siteOptions(
  flags: ConnectionFlags,
  context: CliContext,
  command: string,
  onlyContext = false,
): Promise<SiteOptions> {
  // A context alone: the variables of this shell must not turn it into another site.
  const env = onlyContext ? withoutSiteVariables(context.env) : context.env;
  const options = await resolveSiteOptions(
    { ...flags, persistSession: true },
    { env, command, terminal: context.terminal },
  );
  if (options.sessionStore === undefined) {
    throw new CliError('ERR_USAGE', `${command} needs JWT authentication (auth kind jwt or cloud-jwt)`, {
      fix: 'sessions are kept only for sites that sign in with a JWT',
    });
  }
  return options;
}

function withoutSiteVariables(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const kept: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('QIXFLOW_') || key === 'QIXFLOW_STATE_DIR' || key === 'QIXFLOW_CONTEXTS_FILE') {
      kept[key] = value;
    }
  }
  return kept;
}

function statusOf(contextName: string | undefined, info: SiteSessionInfo, now: number): SessionStatus {
  return {
    context: contextName,
    site: info.site,
    user: info.user,
    session:
      info.stored === undefined
        ? null
        : {
            createdAt: new Date(info.stored.createdAt).toISOString(),
            lastSeenAt: new Date(info.stored.lastSeenAt).toISOString(),
            ageSeconds: Math.max(0, Math.round((now - info.stored.createdAt) / 1000)),
          },
    budget: {
      used: info.budget.used,
      limit: info.budget.limit,
      nextSlot: info.budget.retryAt === undefined ? null : new Date(info.budget.retryAt).toISOString(),
    },
    problem: null,
  };
}

function orphan(session: StoredSession, now: number): SessionStatus {
  return {
    context: undefined,
    site: session.site,
    user: session.user,
    session: {
      createdAt: new Date(session.createdAt).toISOString(),
      lastSeenAt: new Date(session.lastSeenAt).toISOString(),
      ageSeconds: Math.max(0, Math.round((now - session.createdAt) / 1000)),
    },
    budget: null,
    problem: null,
  };
}

/** `https://host|jwt` → `https://host/jwt`. */
function label(site: string): string {
  const [base = '', prefix = ''] = site.split('|');
  return prefix === '' ? base : `${base}/${prefix}`;
}

function age(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
