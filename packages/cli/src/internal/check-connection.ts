import type { Site } from '@qixflow/core';
import { escapeControl } from '../output/escape-control.js';

/** What `qixflow login` establishes, without any secret value. */
export interface ConnectionReport {
  /** The proxy's idea of the user: `DIR\id` (QSEoW) or name / email / subject (Qlik Cloud). */
  user: string;
  /** The user's display name, when the proxy gives one that differs from {@link user}. */
  userName: string | undefined;
  /** Session attributes (groups …) the proxy mapped from the JWT. */
  attributes: Record<string, unknown>;
  /** The session cookie's name — never its value. */
  cookieName: string | undefined;
  /** Whether the proxy handed out a CSRF token (servers from November 2024 on). */
  csrfToken: boolean;
  /** Whether the server looked older than November 2024 (no /qps/csrftoken). */
  legacy: boolean;
  /** `Global.EngineVersion` over an `engineData` websocket. */
  engineVersion: string;
  /** Proxy sessions this check created (the licence cost: one per handshake). */
  proxySessionsCreated: number;
  /** Proxy sessions taken over from the session store (kept by an earlier command): no new licence slot. */
  proxySessionsReused: number;
}

/**
 * Does the handshake, asks the proxy who we are, opens an `engineData` websocket and asks the
 * engine's version: proves that the site works end to end the way every other command uses it.
 *
 * @example
 * ```ts
 * const report = await checkConnection(site);
 * console.log(report.user, report.engineVersion);
 * ```
 */
export async function checkConnection(site: Site): Promise<ConnectionReport> {
  const established = await site.connect();
  const me = await site.whoAmI();
  const connection = site.openGlobal();
  let engineVersion: string;
  try {
    const global = await connection.open();
    const version = (await connection.run(() => global.engineVersion())) as { qComponentVersion?: unknown } | undefined;
    engineVersion = typeof version?.qComponentVersion === 'string' ? version.qComponentVersion : '(unknown)';
  } finally {
    await connection.close();
  }
  const { user, userName } = describeUser(me);
  const attributes = isRecord(me.attributes) ? me.attributes : {};
  return {
    user,
    userName,
    attributes,
    cookieName: established.cookieName,
    csrfToken: established.csrfToken,
    legacy: established.legacy,
    engineVersion,
    proxySessionsCreated: site.stats().proxySessionsCreated,
    proxySessionsReused: site.stats().proxySessionsReused,
  };
}

/**
 * The report as aligned lines for a terminal.
 *
 * @example
 * ```ts
 * for (const line of formatConnectionReport(report)) terminal.out(line);
 * ```
 */
export function formatConnectionReport(report: ConnectionReport): string[] {
  const attributes = Object.entries(report.attributes)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join('; ');
  const rows: [string, string][] = [
    ['user', report.userName === undefined ? report.user : `${report.user} (${report.userName})`],
    ...(attributes === '' ? [] : [['attributes', attributes] as [string, string]]),
    ['session cookie', report.cookieName === undefined ? '(none)' : `${report.cookieName} (value not shown)`],
    [
      'CSRF token',
      report.csrfToken
        ? 'received (server from November 2024 or later)'
        : report.legacy
          ? 'not used (server older than November 2024)'
          : 'not handed out',
    ],
    ['engine', report.engineVersion],
    ['proxy sessions used', String(report.proxySessionsCreated + report.proxySessionsReused)],
    ...(report.proxySessionsCreated + report.proxySessionsReused === 0
      ? []
      : [
          [
            'proxy session',
            report.proxySessionsReused > 0
              ? 're-used (kept by an earlier command; no new licence slot)'
              : 'new (JWT handshake)',
          ] as [string, string],
        ]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${`${label}:`.padEnd(width + 1)} ${escapeControl(value)}`);
}

function describeUser(me: Record<string, unknown>): { user: string; userName: string | undefined } {
  const text = (key: string): string | undefined =>
    typeof me[key] === 'string' && me[key] !== '' ? me[key] : undefined;
  const id = text('userId');
  const directory = text('userDirectory');
  if (id !== undefined) {
    const user = directory === undefined ? id : `${directory}\\${id}`;
    const name = text('userName') ?? text('name');
    return { user, userName: name !== undefined && name !== id ? name : undefined };
  }
  // Qlik Cloud's /api/v1/users/me
  const name = text('name');
  const email = text('email');
  const subject = text('subject') ?? text('id');
  const user = email ?? subject ?? name ?? '(unknown)';
  return { user, userName: name !== undefined && name !== user ? name : undefined };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
