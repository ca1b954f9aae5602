/** Where an engine websocket goes, and what it opens. */
export interface EngineTarget {
  /** App id for /app/{id}; undefined for /app/engineData. */
  appId: string | undefined;
  identity: string | undefined;
  ttlSeconds: number | undefined;
}

/**
 * The engine websocket URL: `{base}/app/{appId|engineData}[/identity/{id}][/ttl/{s}]` with the
 * CSRF token (and web integration id) in the query, as the November 2024+ proxy requires.
 */
export function engineUrl(
  base: string,
  target: EngineTarget,
  query: { csrfToken?: string | undefined; webIntegrationId?: string | undefined },
): string {
  let path = `${base}/app/${target.appId === undefined ? 'engineData' : encodeURIComponent(target.appId)}`;
  if (target.identity !== undefined) path += `/identity/${encodeURIComponent(target.identity)}`;
  if (target.ttlSeconds !== undefined) path += `/ttl/${Math.max(0, Math.floor(target.ttlSeconds))}`;
  const params = new URLSearchParams();
  if (query.webIntegrationId) params.set('qlik-web-integration-id', query.webIntegrationId);
  if (query.csrfToken) params.set('qlik-csrf-token', query.csrfToken);
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}

/** A URL as logs and traffic hooks may show it: no query (CSRF token), nothing secret. */
export function redactUrl(url: string): string {
  const index = url.indexOf('?');
  return index < 0 ? url : `${url.slice(0, index)}?…`;
}
